"""Pages whose body the build writes: chosen by front matter `generated:`, never by path.

    ---
    title: Translations
    generated: translations
    ---
    Some words of introduction, in the page's language.

    <!-- generated -->

The `<!-- generated -->` line is replaced by a table made at build time:
- `translations`: each language's progress (translated, current, reviewed) with bars, and
  every page's state (from scripts/translations.py);
- `handouts`: every handout PDF of the page's language (names from scripts/handouts.py);
- `readability`: each page's reading-level score per language (scripts/reading_level.py).

It also gives each translated page its translation state, for the "may be out of date" notice.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # so `scripts` imports however mkdocs was started

from scripts import handouts, reading_level, site_strings, translations  # noqa: E402

MARKER = "<!-- generated -->"


@functools.lru_cache(maxsize=4)
def _states(root: Path) -> tuple:
    return tuple(translations.page_states(root))


@functools.lru_cache(maxsize=1)
def _readability(docs_dir: Path, config_file: Path) -> str:
    return reading_level.readability_sections(docs_dir, config_file)


def on_pre_build(config):
    """Translation states are read once per language build, afresh on every rebuild. The
    reading levels (every page of every language: most of the build's time) are scored once
    per build, not again for each language's copy of the Readability page."""
    _states.cache_clear()
    if not config.plugins["i18n"].building:  # the outer build starts (again, under mkdocs serve)
        _readability.cache_clear()


def _language(page, config) -> str:
    return getattr(page.file, "locale", None) or config.theme["language"]


def on_page_markdown(markdown, page, config, files):
    kind = page.meta.get("generated")
    if kind is None:
        return markdown
    makers = {"translations": translations_table, "handouts": handouts_table,
              "readability": readability_table}
    if kind not in makers:
        raise PluginError(f"{page.file.src_uri}: unknown 'generated: {kind}' "
                          f"(expected one of: {', '.join(makers)}).")
    if MARKER not in markdown:
        raise PluginError(f"{page.file.src_uri}: a generated page needs a '{MARKER}' line "
                          "where the table goes.")
    return markdown.replace(MARKER, makers[kind](_language(page, config), config))


def on_page_context(context, page, config, nav):
    """The state of this page's translation, for the out-of-date notice in main.html."""
    language = _language(page, config)
    english = page.file.src_uri.removesuffix(".md").removesuffix(f".{language}") + ".md"
    context["guide_translation"] = next(
        (s for s in _states(ROOT) if s.page == english and s.language == language), None)
    return context


def _bar(done: int, total: int) -> str:
    """A progress bar that states its number in text, not only as a width."""
    percent = round(100 * done / total) if total else 0
    return (f'<span class="guide-bar" role="img" aria-label="{done} / {total}">'
            f'<span style="width:{percent}%"></span></span> {done} / {total}')


def translations_table(language: str, config) -> str:
    states = _states(ROOT)
    names = {lang["locale"]: lang["name"] for lang in config.plugins["i18n"].config.languages}
    rows = ["| Language | Translated | Up to date | Reviewed by a medical translator |",
            "|---|---|---|---|"]
    for code in sorted({s.language for s in states}):
        mine = [s for s in states if s.language == code]
        have = [s for s in mine if s.state != "missing"]
        rows.append(f"| {names.get(code, code)} | {_bar(len(have), len(mine))} "
                    f"| {_bar(sum(s.state == 'translated' for s in have), len(mine))} "
                    f"| {_bar(sum(s.status == 'reviewed' for s in have), len(mine))} |")
    detail = ["", "| Page | " + " | ".join(names.get(c, c) for c in sorted({s.language for s in states})) + " |",
              "|---|" + "---|" * len({s.language for s in states})]
    words = {"missing": "not translated", "translated": "up to date", "outdated": "out of date",
             "unknown": "unknown"}
    for english in sorted({s.page for s in states}):
        cells = []
        for state in sorted((s for s in states if s.page == english), key=lambda s: s.language):
            text = words[state.state]
            if state.status:
                text += f", {state.status}"
            if state.english_changed_on:
                text += f" (English changed {state.english_changed_on.isoformat()})"
            cells.append(text)
        detail.append(f"| `{english}` | " + " | ".join(cells) + " |")
    return "\n".join(rows + detail) + "\n"


def handouts_table(language: str, config) -> str:
    """Every handout of this language in navigation order: the page, then its two PDFs.

    The table sits on the page at handouts/, beside the PDFs, so the links are file names.
    """
    docs = Path(config.docs_dir)
    default = next(lang["locale"] for lang in config.plugins["i18n"].config.languages
                   if lang["default"])
    strings = _strings(language, default)
    rows = [f"| {strings['handouts_page']} | PDF | {strings['handout_large']} |", "|---|---|---|"]
    for source in _nav_sources(config.nav):
        own = docs / (source if language == default else f"{source[:-3]}.{language}.md")
        if not own.exists():
            continue
        meta = translations.read_doc(docs.parent, own.relative_to(docs).as_posix()).meta or {}
        if meta.get("handout") is False:
            continue
        name = handouts.handout_name(source)
        rows.append(f"| {meta.get('title', name)} | {_pdf_link(name)} | {_pdf_link(name + '.large')} |")
    rows.append(f"| **{strings['handout_booklet']}** | {_pdf_link('fbss-guide')} "
                f"| {_pdf_link('fbss-guide.large')} |")
    return "\n".join(rows) + "\n"


def _pdf_link(name: str) -> str:
    # Raw HTML: the PDFs are made after MkDocs' link validation, which would call them missing.
    # scripts/check_links.py checks them in the built site.
    return f'<a class="guide-pdf" href="{name}.pdf" download>{name}.pdf</a>'


def _nav_sources(nav) -> list[str]:
    """The Markdown files of the navigation, in order."""
    found = []
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        found += _nav_sources(value) if isinstance(value, list) else [value]
    return found


def _strings(language: str, default: str) -> dict:
    return site_strings.load_strings(language, default)


def readability_table(language: str, config) -> str:
    return _readability(Path(config.docs_dir), Path(config.config_file_path))
