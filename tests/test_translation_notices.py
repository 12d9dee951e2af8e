"""The built site tells readers when a translation may be out of date, and lists progress."""

from __future__ import annotations

import subprocess

from conftest import page


def git(root, *args) -> str:
    env = {"GIT_AUTHOR_DATE": "2026-11-20T12:00:00", "GIT_COMMITTER_DATE": "2026-11-20T12:00:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def translated_from(commit: str) -> dict:
    return {"translation": {"status": "machine-assisted", "source_commit": commit}}


def test_changed_english_page_marks_translation_out_of_date(site_fixture):
    root = site_fixture.root
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "English")
    commit = git(root, "rev-parse", "--short", "HEAD")
    site_fixture.write("causes.es.md", page("Causas", "Texto.", urgent_signs=True, **translated_from(commit)))
    assert site_fixture.build().returncode == 0
    current = (site_fixture.site / "es" / "causes" / "index.html").read_text(encoding="utf-8")
    assert "guide-outdated" not in current

    site_fixture.write("causes.md", page("Causes", "New English text.", urgent_signs=True))
    assert site_fixture.build().returncode == 0
    outdated = (site_fixture.site / "es" / "causes" / "index.html").read_text(encoding="utf-8")
    assert "La versión en inglés de esta página cambió el" in outdated
    assert 'href="../../causes/" hreflang="en" lang="en">Lea la versión en inglés.' in outdated


def test_translations_page_shows_progress_per_language(site_fixture):
    site_fixture.write("translations.md", page("Translations", "Intro.\n\n<!-- generated -->",
                                               generated="translations"))
    assert site_fixture.build().returncode == 0
    html = (site_fixture.site / "translations" / "index.html").read_text(encoding="utf-8")
    assert "Español" in html and 'aria-label="1 / 3"' in html  # index.es.md of 3 pages
    assert "<code>causes.md</code>" in html and "not translated" in html


def test_generated_page_without_marker_fails_clearly(site_fixture):
    site_fixture.write("translations.md", page("Translations", "No marker.", generated="translations"))
    result = site_fixture.build()
    assert result.returncode == 1
    assert "translations.md: a generated page needs a '<!-- generated -->' line" in result.stderr
