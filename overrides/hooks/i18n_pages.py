"""Per-language pieces that mkdocs-static-i18n and Material do not provide.

- Theme strings of our own (i18n/<lang>.yml, English as fallback) for templates, and for
  the names of the links beside headings and after footnotes.
- English pages shown in another language's section (not yet translated) are marked, so the
  template shows a notice, and left out of that language's search.
- One search index per language: the plugin writes one shared search/search_index.json that
  mixes languages. After the last language is built, it is split into search_index.json
  (default language) and <lang>/search/search_index.json, and the template points each
  language's pages at their own index.
- One 404 page per language: each language build writes 404.html at the site root, the
  later one over the earlier; each is moved to <lang>/404.html as it is written.
- Search engines are not told that a fallback page is in the section's language: its
  canonical URL is the original's, and the sitemap drops it and every hreflang link to it.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup, escape
from mkdocs.plugins import CombinedEvent, event_priority

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # so `scripts` imports however mkdocs was started

from scripts.handouts import handout_name as _handout_file  # noqa: E402
from scripts.site_strings import load_strings  # noqa: E402

DEFAULT_404_PARKED = "404.default.html"

# The fallback pages of the whole build (every language): {own URL: the original's URL}.
_fallback_urls: dict[str, str] = {}


def _i18n(config):
    return config.plugins["i18n"]


def _languages(config) -> tuple[str, str, dict]:
    """(building language, default language, {code: own name})."""
    plugin = _i18n(config)
    names = {lang["locale"]: lang["name"] for lang in plugin.config.languages}
    return plugin.current_language, plugin.default_language, names


ALTERNATE_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_env(env, config, files):
    """Make this build's strings available to every template, the 404 page included."""
    env.filters["without_alternate_links"] = lambda html: Markup(ALTERNATE_LINK.sub("", html))
    language, default, names = _languages(config)
    env.globals["guide_strings"] = load_strings(language, default)
    env.globals["guide_language_root"] = "" if language == default else f"{language}/"
    return env


def on_pre_build(config):
    if not _i18n(config).building:  # the outer build starts (again, under mkdocs serve)
        _fallback_urls.clear()


def on_page_markdown(markdown, page, config, files):
    """Mark fallback pages (English text in another language's section)."""
    language, _, names = _languages(config)
    file_language = getattr(page.file, "locale", language)
    if file_language != language:
        page.meta["fallback_from"] = names.get(file_language, file_language)
        page.meta["search"] = {"exclude": True}
    return markdown


# Python-Markdown titles the links beside headings and after footnotes in English
# ("Permanent link", "Jump back to footnote 1 in the text"), on every language's pages,
# and Material turns each title into a tooltip. Name them in the page's language instead.
SECTION_LINK = re.compile(r'(<a class="headerlink" href="[^"]*") title="[^"]*"')
BACK_LINK = re.compile(r'(<a class="footnote-backref" href="[^"]*") title="[^"]*"')


def on_page_content(html, page, config, files):
    language, default, _ = _languages(config)
    strings = load_strings(language, default)
    html = SECTION_LINK.sub(lambda m: f'{m[1]} aria-label="{escape(strings["section_link"])}"', html)
    return BACK_LINK.sub(lambda m: f'{m[1]} aria-label="{escape(strings["footnote_back"])}"', html)


@event_priority(-100)  # after mkdocs-static-i18n has set this page's alternates (50)
def on_page_context(context, page, config, nav):
    """Language name for notices; language-switcher links made relative to the page.

    mkdocs-static-i18n leaves root-absolute links ("/", "/es/") on home pages, which break
    when the site is served below a path (e.g. GitHub Pages' /<repo>/). Without the leading
    slash, the `url` filter makes them relative like every other link.
    """
    language, _, names = _languages(config)
    context["guide_language_name"] = names[language]
    if page.meta.get("fallback_from") and page.canonical_url:
        original = urljoin(config.site_url, page.url.removeprefix(f"{language}/"))
        _fallback_urls[page.canonical_url] = original
        page.canonical_url = original
    context["guide_handout"] = handout_name(page, language)
    # Read it as an attribute: that is where mkdocs-static-i18n stores this page's list.
    # Its root-absolute links include site_url's path ("/fbss/es/" on GitHub Pages).
    site_path = urlsplit(config.site_url or "/").path or "/"
    for alternate in getattr(config.extra, "alternate", None) or []:
        link = alternate["link"]
        if link.startswith(site_path):
            alternate["link"] = link[len(site_path):] or "./"
        elif link.startswith("/"):
            alternate["link"] = link.lstrip("/") or "./"
    return context


@event_priority(0)  # before mkdocs-static-i18n builds the other languages (-100)
def _park_404(config):
    """Move the 404 page this language build just wrote out of the next build's way."""
    language, default, _ = _languages(config)
    site = Path(config.site_dir)
    written_404 = site / "404.html"
    if written_404.exists():
        parked = site / (DEFAULT_404_PARKED if language == default else f"{language}/404.html")
        shutil.move(written_404, parked)


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def _finish(config):
    """Once every language is built: restore the default 404 and split the search index."""
    plugin = _i18n(config)
    if plugin.building:  # a nested language build; the outer build finishes the job
        return
    site = Path(config.site_dir)
    if (site / DEFAULT_404_PARKED).exists():
        shutil.move(site / DEFAULT_404_PARKED, site / "404.html")
    split_search_index(site, plugin.default_language,
                       [lang["locale"] for lang in plugin.config.languages if lang["build"]])
    drop_fallbacks_from_sitemap(site, _fallback_urls)


on_post_build = CombinedEvent(_park_404, _finish)


def handout_name(page, language: str) -> str | None:
    """The page's handout file name (scripts/handouts.py makes it), or None if it has none.

    Pages shown in English inside another language's section get none, and so do pages
    marked `handout: false` (team pages).
    """
    file_language = getattr(page.file, "locale", language)
    if file_language != language or page.meta.get("handout") is False:
        return None
    return _handout_file(page.file.src_uri, file_language)


def split_search_index(site: Path, default: str, languages: list[str]) -> None:
    """Write one index per language, its locations relative to that language's root."""
    shared = site / "search" / "search_index.json"
    index = json.loads(shared.read_text(encoding="utf-8"))
    others = [lang for lang in languages if lang != default]
    for language in languages:
        prefix = "" if language == default else f"{language}/"
        if language == default:
            docs = [d for d in index["docs"]
                    if not any(d["location"].startswith(f"{o}/") for o in others)]
        else:
            docs = [{**d, "location": d["location"][len(prefix):]}
                    for d in index["docs"] if d["location"].startswith(prefix)]
        own = {**index, "config": {**index["config"], "lang": [language]}, "docs": docs}
        target = site / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(own, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")


SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def drop_fallbacks_from_sitemap(site: Path, fallbacks: dict[str, str]) -> None:
    """Drop fallback pages' <url> entries, and the hreflang links to them, from the sitemap
    (and its .gz copy): an English page must not be listed as, say, Spanish."""
    sitemap = site / "sitemap.xml"
    if not fallbacks or not sitemap.exists():
        return
    for prefix, uri in (("", SITEMAP["sm"]), ("xhtml", SITEMAP["xhtml"])):
        ElementTree.register_namespace(prefix, uri)
    tree = ElementTree.parse(sitemap)
    urlset, seen = tree.getroot(), set()
    for entry in list(urlset):
        loc = entry.findtext("sm:loc", namespaces=SITEMAP)
        # With its canonical URL changed, a fallback page may be listed under the original's.
        if loc in fallbacks or loc in seen:
            urlset.remove(entry)
            continue
        seen.add(loc)
        for link in entry.findall("xhtml:link", SITEMAP):
            if link.get("href") in fallbacks:
                entry.remove(link)
    tree.write(sitemap, encoding="UTF-8", xml_declaration=True)
    if (site / "sitemap.xml.gz").exists():
        (site / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.read_bytes(), mtime=0))
