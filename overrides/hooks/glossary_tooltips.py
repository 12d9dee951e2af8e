"""Turn each language's glossary page into tooltips on every page of that language.

The glossary (docs/glossary.md, docs/glossary.es.md, ...) is a definition list:

    epidural fibrosis
    :   Scar tissue that forms around the nerves near the spine after surgery.

Every other page of the same language gets abbreviation lines appended, which the `abbr`
extension and Material's tooltips show wherever the term appears:

    *[epidural fibrosis]: Scar tissue that forms around the nerves near the spine after surgery.
    *[Epidural fibrosis]: Scar tissue that forms around the nerves near the spine after surgery.
"""

from __future__ import annotations

import re
from pathlib import Path

TERM_AND_DEFINITION = re.compile(r"^(?P<term>[^\s:#!*>|-][^\n]*)\n:[ \t]+(?P<definition>[^\n]+)", re.M)
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def glossary_entries(glossary: Path) -> dict[str, str]:
    """Map each term (and its capitalised form) to a one-line, markup-free definition."""
    entries = {}
    for match in TERM_AND_DEFINITION.finditer(glossary.read_text(encoding="utf-8")):
        term = match["term"].strip()
        definition = MARKDOWN_LINK.sub(r"\1", match["definition"]).replace("*", "").strip()
        entries[term] = definition
        entries.setdefault(term[:1].upper() + term[1:], definition)
    return entries


def on_page_markdown(markdown, page, config, files):
    """Append the glossary of the page's language as abbreviations (not to the glossary itself)."""
    language = getattr(page.file, "locale", None) or config.theme["language"]
    name = "glossary.md" if language == _default_language(config) else f"glossary.{language}.md"
    glossary = Path(config.docs_dir) / name
    if not glossary.exists() or Path(page.file.abs_src_path) == glossary:
        return markdown
    lines = [f"*[{term}]: {definition}" for term, definition in glossary_entries(glossary).items()]
    return markdown + "\n\n" + "\n".join(lines) + "\n"


def _default_language(config) -> str:
    return next(lang["locale"] for lang in config.plugins["i18n"].config.languages if lang["default"])
