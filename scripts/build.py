"""Build the complete deployable site into site/, or leave the previous site/ untouched.

    python -m scripts.build [--site-dir site] [--no-handouts]

Runs `mkdocs build --strict` (every language) into a temporary folder beside the target, then
makes the PDF handouts there (scripts/handouts.py; --no-handouts skips them for a quick look),
and moves it into place only when every step succeeded, so a failed build never leaves a
half-written site/ that looks complete.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(site_dir: Path, config: Path = ROOT / "mkdocs.yml", handouts: bool = True) -> int:
    partial = site_dir.with_name(site_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(config), "--site-dir", str(partial)],
        cwd=config.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        encoding="utf-8",
    )
    # Show what needs attention; MkDocs' INFO progress lines are noise here. (--quiet is
    # not an option: it also hides the warnings that --strict counts.)
    for line in result.stdout.splitlines():
        if line.strip() and not line.startswith("INFO"):
            print(line, file=sys.stderr)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        print(f"\nBuild failed: fix the problems above (MkDocs names pages relative to docs/). "
              f"{site_dir.name}/ was left as it was.", file=sys.stderr)
        return 1
    if handouts:
        from scripts import handouts as handouts_step

        if handouts_step.run(partial, config) != 0:
            shutil.rmtree(partial, ignore_errors=True)
            print(f"\nBuild failed: fix the problems above. {site_dir.name}/ was left as it was.",
                  file=sys.stderr)
            return 1
    shutil.rmtree(site_dir, ignore_errors=True)
    partial.rename(site_dir)
    pages = sum(1 for _ in site_dir.rglob("index.html"))
    print(f"Built {pages} pages into {site_dir} in {time.perf_counter() - started:.1f} s.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--no-handouts", action="store_true",
                        help="skip the PDF handouts (a quicker build to look at the pages)")
    args = parser.parse_args(argv)
    return build(args.site_dir.resolve(), args.config_file.resolve(),
                 handouts=not args.no_handouts)


if __name__ == "__main__":
    sys.exit(main())
