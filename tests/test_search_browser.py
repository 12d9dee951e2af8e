"""Per-language search, proven in a real browser: each language finds only its own pages."""

from __future__ import annotations

import pytest

from browser_support import search, serve
from conftest import TRANSLATED, page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_language_site(tmp_path_factory):
    from conftest import SiteFixture
    fixture = SiteFixture(tmp_path_factory.mktemp("search"))
    fixture.write("index.md", page("Home", "Welcome to the FBSS guide."))
    fixture.write("causes.md", page("Causes", "FBSS can come from damaged nerves."))
    fixture.write("index.es.md", page("Inicio", "Bienvenido a la guía sobre FBSS.", **TRANSLATED))
    fixture.write("causes.es.md", page("Causas", "El FBSS puede venir de nervios dañados.",
                                       **TRANSLATED))
    result = fixture.build()
    assert result.returncode == 0, result.stderr
    with serve(fixture.site) as url:
        yield url


def test_english_search_finds_only_english_pages(browser, two_language_site):
    hrefs = search(browser, two_language_site + "causes/", "FBSS")
    assert hrefs and all("/es/" not in href for href in hrefs), hrefs
    assert any(href.endswith("/causes/") for href in hrefs), hrefs


def test_spanish_search_finds_only_spanish_pages_with_stemming(browser, two_language_site):
    hrefs = search(browser, two_language_site + "es/causes/", "nervio")  # the page says "nervios"
    assert hrefs == [two_language_site + "es/causes/"], hrefs


def test_shared_word_stays_in_the_readers_language(browser, two_language_site):
    hrefs = search(browser, two_language_site + "es/", "FBSS")
    assert hrefs and all(href.startswith(two_language_site + "es/") for href in hrefs), hrefs
