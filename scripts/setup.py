"""Create the project's virtual environment and install exactly what is pinned.

    python -m scripts.setup            # what previewing needs (Python packages)
    python -m scripts.setup --system   # also Chromium and fonts (handouts), and the test tools

Runs with any Python 3.11 and nothing else installed. Installs from requirements.lock
(hash-checked), and only again when the lock changes. With --system, on Debian/Ubuntu it
installs the system packages that handouts and browser tests need (Chromium, Noto fonts,
poppler-utils) when they are missing, and the pinned npm packages of package-lock.json
(axe-core, for the accessibility tests); elsewhere it says what to install.
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
DEBIAN_PACKAGES = ["chromium", "fonts-noto-core", "fonts-noto-cjk", "poppler-utils"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


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
    missing_browser = not any(shutil.which(name) for name in BROWSERS)
    missing_fonts = not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists()
    missing_poppler = not shutil.which("pdftotext")
    if not (missing_browser or missing_fonts or missing_poppler):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print("Installing Chromium and Noto fonts with apt-get ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                               *DEBIAN_PACKAGES], check=True, env=env)
    else:
        print("Handouts and browser tests need Chromium (or Google Chrome), Noto fonts and "
              "poppler-utils. Install them with your system's package manager, then run this "
              "again. Without them the browser tests are skipped on your machine (never in CI).")


def ensure_npm_packages() -> None:
    """The pinned npm packages (axe-core), installed into node_modules/ when the lock changes."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        return
    stamp = ROOT / "node_modules" / ".installed-lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        print("The accessibility tests need Node.js and npm (https://nodejs.org). Install them, "
              "then run this again.")
        return
    print("Installing the pinned npm packages (package-lock.json) ...")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT,
                   check=True)
    stamp.write_text(digest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", action="store_true",
                        help="also Chromium, fonts and the test tools")
    args = parser.parse_args(argv)
    try:
        ensure_venv()
        if args.system:
            ensure_system_packages()
            ensure_npm_packages()
    except subprocess.CalledProcessError as error:
        print(f"setup failed: {' '.join(map(str, error.cmd))} exited with {error.returncode}. "
              "Check the network access to the package registries and try again.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
