"""Language mechanics in the built HTML: lang/dir, switcher, notices, per-language search and 404."""

from __future__ import annotations

import gzip
import json
import re

from conftest import ROOT, TRANSLATED, page


def test_switcher_links_are_relative_on_home_pages(site_fixture):
    assert site_fixture.build().returncode == 0
    spanish_home = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./" hreflang="en" class="md-select__link"', spanish_home)
    assert 'href="/"' not in spanish_home


def test_switcher_links_work_when_served_below_a_path(site_fixture):
    site_fixture.config["site_url"] = "https://example.github.io/fbss/"
    assert site_fixture.build().returncode == 0
    english_home = (site_fixture.site / "index.html").read_text(encoding="utf-8")
    spanish_home = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="es/" hreflang="es" class="md-select__link"', english_home)
    assert re.search(r'href="\.\./" hreflang="en" class="md-select__link"', spanish_home)
    assert "fbss/" not in english_home.split("<body")[1].split("canonical")[0]


def test_html_lang_and_switcher_keep_the_page(site_fixture):
    assert site_fixture.build().returncode == 0
    english = (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8")
    spanish = (site_fixture.site / "es" / "causes" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="es"' in spanish
    assert re.search(r'href="\.\./es/causes/" hreflang="es" class="md-select__link">\s*Español', english)
    assert re.search(r'href="\.\./\.\./causes/" hreflang="en" class="md-select__link">\s*English', spanish)


def test_right_to_left_language_gets_dir_rtl(site_fixture):
    site_fixture.add_language("fa", "فارسی")
    site_fixture.write("causes.fa.md", page("علت‌ها", "متن فارسی.", **TRANSLATED))
    assert site_fixture.build().returncode == 0
    persian = (site_fixture.site / "fa" / "causes" / "index.html").read_text(encoding="utf-8")
    english = (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8")
    # Material puts the direction on <body>, from its own Persian strings.
    assert '<html lang="fa"' in persian and '<body dir="rtl"' in persian
    assert '<body dir="ltr"' in english


def test_fallback_page_says_so_in_the_readers_language(site_fixture):
    assert site_fixture.build().returncode == 0
    fallback = (site_fixture.site / "es" / "causes" / "index.html").read_text(encoding="utf-8")
    translated = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    assert "Esta página todavía no está disponible en Español" in fallback
    assert "todavía no está disponible" not in translated


def test_machine_assisted_translation_is_marked(site_fixture):
    assert site_fixture.build().returncode == 0
    spanish = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    english = (site_fixture.site / "index.html").read_text(encoding="utf-8")
    assert "Esta traducción se hizo con ayuda de una computadora" in spanish
    assert 'href="../" hreflang="en" lang="en">versión en inglés' in spanish
    assert "con ayuda de una computadora" not in english


def test_reviewed_translation_names_translator_and_drops_machine_notice(site_fixture):
    reviewed = {"translation": {"status": "reviewed", "translator": "Ana Ruiz, CHI",
                                "source_commit": "0000000"}}
    site_fixture.write("index.es.md", page("Inicio", "Hola.", **reviewed))
    assert site_fixture.build().returncode == 0
    spanish = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    assert "Traducido por Ana Ruiz, CHI." in spanish
    assert "con ayuda de una computadora" not in spanish


def test_theme_strings_are_translated(site_fixture):
    assert site_fixture.build().returncode == 0
    spanish = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    assert 'placeholder="Búsqueda"' in spanish  # Material's own Spanish strings
    assert "En una emergencia, llame al 911" in spanish
    assert "Un profesional de la salud todavía no ha revisado esta página." in spanish


def test_urgent_signs_box_only_where_asked(site_fixture):
    assert site_fixture.build().returncode == 0
    causes = (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8")
    home = (site_fixture.site / "index.html").read_text(encoding="utf-8")
    assert "Get help now if you notice" in causes and "Get help now if you notice" not in home
    assert "In an emergency, call 911" in home


def _index(site, language=""):
    return json.loads((site / language / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_each_language_has_its_own_search_index(site_fixture):
    assert site_fixture.build().returncode == 0
    english, spanish = _index(site_fixture.site), _index(site_fixture.site, "es")
    assert english["config"]["lang"] == ["en"] and spanish["config"]["lang"] == ["es"]
    assert {d["location"].split("#")[0] for d in english["docs"]} == {"", "causes/"}
    # Spanish holds its translated home page only; the untranslated English fallback is left out,
    # and locations are relative to the Spanish root.
    assert {d["location"].split("#")[0] for d in spanish["docs"]} == {""}
    assert any("Bienvenido" in d["text"] for d in spanish["docs"])
    assert not any("Welcome" in d["text"] for d in spanish["docs"])


def test_real_english_index_keeps_every_english_page(built_site):
    english = _index(built_site)
    titles = {d["location"] for d in english["docs"] if "#" not in d["location"]}
    built = {str(p.parent.relative_to(built_site)) + "/" for p in built_site.rglob("index.html")
             if not p.relative_to(built_site).parts[0] in ("es",)}
    built = {"" if b == "./" else b for b in built}
    assert titles == built
    assert not any(d["location"].startswith("es/") for d in english["docs"])


def test_real_spanish_index_has_only_spanish_pages(built_site):
    spanish = _index(built_site, "es")
    translated = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.es.md")}
    assert translated, "no Spanish pages in docs/"
    assert len({d["location"].split("#")[0] for d in spanish["docs"]}) == len(translated)
    assert not any(d["location"].startswith("es/") for d in spanish["docs"])


def test_404_page_per_language(site_fixture):
    assert site_fixture.build().returncode == 0
    english = (site_fixture.site / "404.html").read_text(encoding="utf-8")
    spanish = (site_fixture.site / "es" / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in english and '<html lang="en"' in english
    assert "No encontramos la página" in spanish and '<html lang="es"' in spanish


def test_sitemap_lists_every_language(site_fixture):
    assert site_fixture.build().returncode == 0
    sitemap = (site_fixture.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>http://127.0.0.1:8000/causes/</loc>" in sitemap
    assert "<loc>http://127.0.0.1:8000/es/</loc>" in sitemap  # translated; es/causes/ is not
    assert 'hreflang="es"' in sitemap


def test_head_has_no_per_page_alternate_links(site_fixture):
    """Material would fetch a missing sitemap.xml next to each one (a 404 on every page)."""
    assert site_fixture.build().returncode == 0
    html = (site_fixture.site / "causes" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate"' not in html
    assert 'class="md-select__link"' in html  # the language switcher itself stays


def test_fallback_page_is_not_offered_to_search_engines_as_a_translation(site_fixture):
    site_fixture.config["site_url"] = "https://example.org/guide/"
    assert site_fixture.build().returncode == 0
    base = "https://example.org/guide/"
    fallback = (site_fixture.site / "es" / "causes" / "index.html").read_text(encoding="utf-8")
    translated = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    # The English text shown in the Spanish section points to its English original...
    assert f'<link rel="canonical" href="{base}causes/">' in fallback
    assert f'<link rel="canonical" href="{base}es/">' in translated
    # ... and the sitemap neither lists it nor links to it as Spanish.
    sitemap = (site_fixture.site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{base}es/causes/" not in sitemap, sitemap
    assert len(locs) == len(set(locs)), f"a page is listed twice: {locs}"
    assert f"{base}causes/" in locs and f"{base}es/" in locs
    assert re.search(rf'hreflang="es" href="{re.escape(base)}es/"', sitemap)
    with gzip.open(site_fixture.site / "sitemap.xml.gz", "rt", encoding="utf-8") as packed:
        assert packed.read() == sitemap


def test_heading_and_footnote_links_are_named_in_the_pages_language(site_fixture):
    body = "## Tratamientos\n\nUn dato.[^1]\n\n[^1]: Una fuente."
    site_fixture.write("index.es.md", page("Inicio", body, **TRANSLATED))
    assert site_fixture.build().returncode == 0
    spanish = (site_fixture.site / "es" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="headerlink" href="#tratamientos" aria-label="Enlace a esta sección">',
                     spanish), spanish
    assert re.search(r'<a class="footnote-backref" href="#fnref:1" aria-label="Volver al texto">',
                     spanish), spanish
    # Python-Markdown's English titles are gone (Material would show them as tooltips).
    assert "Permanent link" not in spanish and "Jump back to footnote" not in spanish
