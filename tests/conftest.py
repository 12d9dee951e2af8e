"""Shared fixtures: the real site built once per test run, and small throwaway sites."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real guide, built with the same command as `make build`."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = subprocess.run([sys.executable, "-m", "scripts.build", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for one test module (browser_support.launch)."""
    from playwright.sync_api import sync_playwright

    from browser_support import launch
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served_site(built_site) -> Iterator[str]:
    """The real guide served on a loopback port, for browser tests: its base URL."""
    from browser_support import serve
    with serve(built_site) as url:
        yield url


def page(title: str, body: str = "Some text.", **meta) -> str:
    """A minimal valid page with front matter."""
    front = {"title": title, "description": f"About {title}.", "last_reviewed": "2026-11-24",
             "next_review": "2027-11-24", "clinical_review": "pending", **meta}
    lines = "\n".join(f"{key}: {value}" for key, value in front.items() if not isinstance(value, dict))
    nested = {k: v for k, v in front.items() if isinstance(v, dict)}
    if nested:
        lines += "\n" + yaml.safe_dump(nested, sort_keys=False).strip()
    return f"---\n{lines}\n---\n\n# {title}\n\n{body}\n"


TRANSLATED = {"translation": {"status": "machine-assisted", "source_commit": "0000000"}}


class SiteFixture:
    """A copy of the project's configuration and templates with a handful of pages."""

    def __init__(self, root: Path):
        self.root = root
        for name in ("overrides", "i18n", "scripts"):
            shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        (root / "docs" / "stylesheets").mkdir(parents=True)
        shutil.copy(ROOT / "docs" / "stylesheets" / "extra.css", root / "docs" / "stylesheets")
        self.config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
        self.config.pop("nav")  # fixture sites list their pages by themselves
        self.config["site_url"] = "http://127.0.0.1:8000/"

    def write(self, relative: str, text: str) -> Path:
        path = self.root / "docs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def add_language(self, locale: str, name: str) -> None:
        languages = self.config["plugins"][1]["i18n"]["languages"]
        languages.append({"locale": locale, "name": name, "build": True})

    def build(self, handouts: bool = False) -> subprocess.CompletedProcess:
        """Build like `make build`; without the PDF handouts unless asked (they are tested
        on their own, and would slow every fixture build)."""
        (self.root / "mkdocs.yml").write_text(yaml.safe_dump(self.config, allow_unicode=True),
                                             encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "scripts.build",
                               *([] if handouts else ["--no-handouts"])], cwd=self.root,
                              capture_output=True, text=True)

    @property
    def site(self) -> Path:
        return self.root / "site"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml's !ENV tags as their default value."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


@pytest.fixture
def site_fixture(tmp_path) -> SiteFixture:
    fixture = SiteFixture(tmp_path)
    fixture.write("index.md", page("Home", "Welcome. See [causes](causes.md)."))
    fixture.write("causes.md", page("Causes", "## Scar tissue\n\nNerve text.", urgent_signs=True))
    fixture.write("index.es.md", page("Inicio", "Bienvenido. Vea [causas](causes.md).", **TRANSLATED))
    return fixture
