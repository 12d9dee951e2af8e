"""Create the project's virtual environment and install exactly what is pinned.

    python -m scripts.setup          # what building and previewing need
    python -m scripts.setup --test   # also what the tests need: Chromium and fonts

Runs with any Python 3.11 and nothing else installed. Installs from requirements.lock
(hash-checked), and only again when the lock changes. On Debian/Ubuntu, --test installs the
system packages the browser tests and handouts need (Chromium, Noto fonts) when they are
missing; elsewhere it says what to install.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
# Debian packages for the browser tests and handouts: a browser, and fonts for every script.
DEBIAN_PACKAGES = ["chromium", "fonts-noto-core", "fonts-noto-cjk"]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    if not venv_python().exists():
        print(f"Creating the virtual environment in {VENV.name}/ ...")
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".installed-lock"
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing the pinned Python packages (requirements.lock) ...")
    subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "--require-hashes", "-r", str(LOCK)],
                   check=True)
    stamp.write_text(digest)


def ensure_system_packages() -> None:
    missing_browser = not (shutil.which("chromium") or shutil.which("chromium-browser"))
    missing_fonts = not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists()
    if not (missing_browser or missing_fonts):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print("Installing Chromium and Noto fonts with apt-get ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                               *DEBIAN_PACKAGES], check=True, env=env)
    else:
        print("Browser tests need Chromium (or Google Chrome) and Noto fonts. Install them "
              "with your system's package manager, then run this again. Without them the "
              "browser tests are skipped on your machine (never in CI).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also install what the tests need")
    args = parser.parse_args(argv)
    try:
        ensure_venv()
        if args.test:
            ensure_system_packages()
    except subprocess.CalledProcessError as error:
        print(f"setup failed: {' '.join(map(str, error.cmd))} exited with {error.returncode}. "
              "Check the network access to the package registries and try again.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
