"""Run every content check, report each, and fail if any fails.

    python -m scripts.check

Each check is its own command (run it alone for details); this runs them in turn.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECKS = [
    ("links", ["-m", "scripts.check_links"]),
    ("reading level", ["-m", "scripts.reading_level"]),
    ("translations", ["-m", "scripts.translations", "verify"]),
    ("safety", ["-m", "scripts.check_safety"]),
]


def main() -> int:
    failed = []
    for name, args in CHECKS:
        print(f"== {name}: python {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, *args], cwd=ROOT).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}.", file=sys.stderr)
        return 1
    print("\nAll content checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
