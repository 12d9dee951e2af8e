"""The foundation: the site builds strictly, completely, and refuses bad input clearly."""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

from conftest import ROOT, TRANSLATED, page

LANGUAGES = [lang["locale"] for lang in
             yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                            .replace("!ENV", ""))["plugins"][1]["i18n"]["languages"]]


def english_pages() -> list[Path]:
    return [p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md")
            if len(p.name.split(".")) == 2]


def built_path(site: Path, source: Path, language: str) -> Path:
    stem = source.with_suffix("")
    folder = stem.parent if stem.name == "index" else stem
    return site / ("" if language == "en" else language) / folder / "index.html"


def test_every_page_of_every_language_is_built(built_site):
    assert english_pages(), "no English pages found in docs/"
    missing = [str(built_path(built_site, p, lang)) for p in english_pages() for lang in LANGUAGES
               if not built_path(built_site, p, lang).exists()]
    assert not missing


def test_clinic_name_appears_on_every_page(built_site):
    clinic = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                            .replace("!ENV", ""))["extra"]["clinic"]["name"]
    pages = list(built_site.rglob("index.html"))
    without = [p for p in pages if clinic not in html.unescape(p.read_text(encoding="utf-8"))]
    assert pages and not without


def test_no_web_fonts_or_third_party_assets(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_clean_fixture_builds(site_fixture):
    result = site_fixture.build()
    assert result.returncode == 0, result.stderr
    assert (site_fixture.site / "causes" / "index.html").exists()
    assert (site_fixture.site / "es" / "index.html").exists()


def test_broken_link_fails_the_build_and_names_the_file(site_fixture):
    site_fixture.write("causes.md", page("Causes", "See [missing](no-such-page.md)."))
    result = site_fixture.build()
    assert result.returncode == 1
    assert "causes.md" in result.stderr and "no-such-page.md" in result.stderr
    assert not site_fixture.site.exists(), "a failed build must not leave a site/ behind"


def test_missing_anchor_fails_the_build(site_fixture):
    site_fixture.write("index.md", page("Home", "See [scar](causes.md#no-such-heading)."))
    result = site_fixture.build()
    assert result.returncode == 1
    assert "no-such-heading" in result.stderr and "index.md" in result.stderr


def test_missing_image_fails_the_build(site_fixture):
    site_fixture.write("causes.md", page("Causes", "![A spine diagram](images/spine.png)"))
    result = site_fixture.build()
    assert result.returncode == 1
    assert "causes.md" in result.stderr and "images/spine.png" in result.stderr


def test_yaml_error_in_front_matter_names_file_and_line(site_fixture):
    site_fixture.write("causes.md", "---\ntitle: Causes\ndescription: a: b: c\n---\n\n# Causes\n")
    result = site_fixture.build()
    assert result.returncode == 1
    assert "docs/causes.md:3: front matter is not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_front_matter_key_is_reported(site_fixture):
    site_fixture.write("causes.md", "---\ntitle: Causes\n---\n\n# Causes\n")
    result = site_fixture.build()
    assert result.returncode == 1
    assert "docs/causes.md:1: front matter is missing 'description'" in result.stderr


def test_translation_without_metadata_is_reported(site_fixture):
    site_fixture.write("causes.es.md", page("Causas"))
    result = site_fixture.build()
    assert result.returncode == 1
    assert "docs/causes.es.md:1: a translated page needs a 'translation:' block" in result.stderr


def test_failed_build_keeps_the_previous_site(site_fixture):
    assert site_fixture.build().returncode == 0
    before = (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8")
    site_fixture.write("causes.md", page("Causes changed", "See [missing](gone.md)."))
    assert site_fixture.build().returncode == 1
    assert (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8") == before
    assert not (site_fixture.root / "site.partial").exists()


def test_glossary_tooltips_catch_plurals_once_per_section(site_fixture):
    site_fixture.write("glossary.md", page("Glossary", "side effect\n:   A result you did not want."))
    site_fixture.write("glossary.es.md", page(
        "Glosario", "efecto secundario\n:   Un resultado que no quería.", **TRANSLATED))
    body = ("Side effects are common. Most side effects pass.\n\n## Later\n\n"
            "One side effect can last.")
    site_fixture.write("causes.md", page("Causes", body))
    site_fixture.write("causes.es.md", page("Causas", "Los efectos secundarios pasan.", **TRANSLATED))
    assert site_fixture.build().returncode == 0
    english = (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8")
    spanish = (site_fixture.site / "es" / "causes" / "index.html").read_text(encoding="utf-8")
    tooltips = re.findall(r'<abbr title="A result you did not want.">([^<]*)</abbr>', english)
    # The first use in each section, plural or not, with its own capital letter.
    assert tooltips == ["Side effects", "side effect"], tooltips
    assert "Most side effects pass" in english  # the repeat in the first section: plain text
    assert re.findall(r'<abbr title="Un resultado que no quería.">([^<]*)</abbr>', spanish) == [
        "efectos secundarios"]
