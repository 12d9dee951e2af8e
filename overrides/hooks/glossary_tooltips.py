"""Turn each language's glossary page into tooltips on every page of that language.

The glossary (docs/glossary.md, docs/glossary.es.md, ...) is a definition list:

    epidural fibrosis
    :   Scar tissue that forms around the nerves near the spine after surgery.

Every other page of the same language gets abbreviation lines appended, which the `abbr`
extension and Material's tooltips show where the term appears:

    *[epidural fibrosis]: Scar tissue that forms around the nerves near the spine after surgery.
    *[Epidural fibrosis]: Scar tissue that forms around the nerves near the spine after surgery.

In English and Spanish the simple plural gets the same tooltip ("side effects", "efectos
secundarios"); other languages match the glossary's words as written. A term keeps its
tooltip on its first use in each section (a reader may arrive at any section from the
contents or from search); later uses in the same section are plain text, which also saves
Material's script setting up dozens of tooltips on a long page.
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


SPANISH_STOP_WORDS = {"a", "al", "con", "de", "del", "en", "la", "el", "o", "para", "por", "sin", "y"}
SPANISH_STRESSED_ENDINGS = {"ón": "ones", "án": "anes", "én": "enes", "ín": "ines", "ún": "unes"}


def plural_english(term: str) -> str | None:
    """'risk factor' -> 'risk factors', 'flare-up' -> 'flare-ups', 'injury' -> 'injuries'."""
    head, _, last = term.rpartition(" ")
    if re.search(r"(s|x|z|ch|sh)$", last):
        last += "es"
    elif re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def plural_spanish(term: str) -> str | None:
    """'efecto secundario' -> 'efectos secundarios', 'factor de riesgo' -> 'factores de
    riesgo', 'inyección' -> 'inyecciones'; None where the rules here do not know."""
    if term.isupper():
        return None  # acronyms do not take a plural ending in Spanish
    words = term.split(" ")
    for index, word in enumerate(words):
        if word.lower() in SPANISH_STOP_WORDS:
            break  # "factor de riesgo": only the words before "de" change
        ending = word[-2:]
        if ending in SPANISH_STRESSED_ENDINGS:
            words[index] = word[:-2] + SPANISH_STRESSED_ENDINGS[ending]
        elif re.search(r"[aeiouáéó]$", word):
            words[index] = word + "s"
        elif word.endswith("z"):
            words[index] = word[:-1] + "ces"
        elif re.search(r"[lrndj]$", word):
            words[index] = word + "es"
        else:
            return None  # e.g. "-s", "-x": often the same in the plural
    return " ".join(words)


PLURALS = {"en": plural_english, "es": plural_spanish}


def on_page_markdown(markdown, page, config, files):
    """Append the glossary of the page's language as abbreviations (not to the glossary itself)."""
    language = getattr(page.file, "locale", None) or config.theme["language"]
    name = "glossary.md" if language == _default_language(config) else f"glossary.{language}.md"
    glossary = Path(config.docs_dir) / name
    if not glossary.exists() or Path(page.file.abs_src_path) == glossary:
        return markdown
    entries = glossary_entries(glossary)
    plural = PLURALS.get(language.split("-")[0].lower())
    if plural:
        for term, definition in list(entries.items()):
            form = plural(term)
            if form and form != term:
                entries.setdefault(form, definition)
    lines = [f"*[{term}]: {definition}" for term, definition in entries.items()]
    # One block per line: Python-Markdown takes one abbreviation off the top of a block and
    # parses the rest of the block again, so one block of N lines cost N^2 (10 s of an 18 s
    # build with ~300 lines; 30 s more with the plurals).
    return markdown + "\n\n" + "\n\n".join(lines) + "\n"


ABBREVIATION = re.compile(r'<abbr title="([^"]*)">(.*?)</abbr>', re.S)
SECTION_START = re.compile(r"(?=<h2[\s>])")


def on_page_content(html, page, config, files):
    """Keep each term's tooltip on its first use in each section only."""
    return "".join(_first_uses(section) for section in SECTION_START.split(html))


def _first_uses(section: str) -> str:
    seen = set()

    def keep_first(match):
        if match[1] in seen:  # same definition: the same term, singular or plural
            return match[2]
        seen.add(match[1])
        return match[0]

    return ABBREVIATION.sub(keep_first, section)


def _default_language(config) -> str:
    return next(lang["locale"] for lang in config.plugins["i18n"].config.languages if lang["default"])
