"""Per-language pieces that mkdocs-static-i18n and Material do not provide.

- Theme strings of our own (i18n/<lang>.yml, English as fallback) for templates.
- English pages shown in another language's section (not yet translated) are marked, so the
  template shows a notice, and left out of that language's search.
- One search index per language: the plugin writes one shared search/search_index.json that
  mixes languages. After the last language is built, it is split into search_index.json
  (default language) and <lang>/search/search_index.json, and the template points each
  language's pages at their own index.
- One 404 page per language: each language build writes 404.html at the site root, the
  later one over the earlier; each is moved to <lang>/404.html as it is written.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup
from mkdocs.plugins import CombinedEvent, event_priority

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # so `scripts` imports however mkdocs was started

from scripts.handouts import handout_name as _handout_file  # noqa: E402
from scripts.site_strings import load_strings  # noqa: E402

DEFAULT_404_PARKED = "404.default.html"


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


def on_page_markdown(markdown, page, config, files):
    """Mark fallback pages (English text in another language's section)."""
    language, _, names = _languages(config)
    file_language = getattr(page.file, "locale", language)
    if file_language != language:
        page.meta["fallback_from"] = names.get(file_language, file_language)
        page.meta["search"] = {"exclude": True}
    return markdown


@event_priority(-100)  # after mkdocs-static-i18n has set this page's alternates (50)
def on_page_context(context, page, config, nav):
    """Language name for notices; language-switcher links made relative to the page.

    mkdocs-static-i18n leaves root-absolute links ("/", "/es/") on home pages, which break
    when the site is served below a path (e.g. GitHub Pages' /<repo>/). Without the leading
    slash, the `url` filter makes them relative like every other link.
    """
    language, _, names = _languages(config)
    context["guide_language_name"] = names[language]
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
