"""Help translators: what is translated, what changed in English, new pages and languages, checks.

    python -m scripts.translations status [LANG] [--format json]   # every page x language
    python -m scripts.translations diff LANG PAGE          # what changed in English since
    python -m scripts.translations new LANG PAGE           # start a translated page
    python -m scripts.translations new-language LANG [--name NAME]   # add a language
    python -m scripts.translations verify [LANG]           # compare structure with English

PAGE is the English page, written "causes", "causes.md", "docs/causes.md" or
"treatments/medicines". `new` and `new-language` accept --dry-run: show, change nothing.
Exit status: 0 done, 1 problems found (or the command refused, saying why), 2 the command
line names something that does not exist (a language, a page, an option).

A translation docs/NAME.LANG.md names the English version it follows in its front matter:

    translation:
      status: machine-assisted   # or: reviewed, with translator: "Real Name"
      source_commit: 46c9746     # git log -1 --format=%h -- docs/NAME.md

It is out of date when docs/NAME.md changed since that commit (uncommitted edits count).

Glossary terms: where an English page uses a term of docs/glossary.md, its translation must
use that term's translation from docs/glossary.LANG.md. Each translated entry names the
English term it translates on the line above it, so entries can be in any order (the
copy `new-language` makes has these lines already):

    <!-- en: epidural fibrosis -->
    fibrosis epidural
    :   Tejido cicatricial que se forma alrededor de los nervios ...

A glossary without such lines is paired by order (entry 1 with entry 1), and only when it
has as many entries as the English one. Only terms of two or more words, hyphenated terms
and acronyms are checked: single words change too much with grammar to check without false
alarms. A translated term counts as used when its words appear in order, each possibly with
an ending (plurals).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import difflib
import html
import json
import posixpath
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import yaml
from markdown.extensions.toc import slugify, unique

from scripts.markdown_source import FRONT_MATTER

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python -m scripts.translations"
# mkdocs-static-i18n's own rule for language codes (en, pt-BR, zh-Hant, zh_TW).
LOCALE = re.compile(r"(^[a-z]{2}(-[A-Za-z]{4})?(-[A-Z]{2})?$)|(^[a-z]{2}_[A-Z]{2}$)")
# The languages the guide plans, with their own names (what the language menu shows).
KNOWN_NAMES = {"es": "Español", "zh-Hant": "繁體中文", "vi": "Tiếng Việt", "tl": "Tagalog",
               "ko": "한국어", "hy": "Հայերեն", "fa": "فارسی", "ru": "Русский", "ar": "العربية"}
RIGHT_TO_LEFT = {"ar", "fa", "he", "ur"}  # Material's own language files say "rtl" for these
TRANSLATION_STATUS = ("machine-assisted", "reviewed")
ONLY_IN_TRANSLATIONS = ("translation", "clinical_reviewer")  # keys English pages need not have
SAME_AS_ENGLISH = ("urgent_signs",)  # keys whose value a translation keeps unchanged

FRONT_MATTER_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:")
FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t#]*$")
ATTR_ID = re.compile(r"\{:?[ \t]*#([\w-]+)[^}]*\}")
BOX = re.compile(r"[ \t]*(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)")
SOURCE = re.compile(r"\[\^([^\]]+)\]:")
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# A glossary entry, as the tooltip hook reads it; in a translated glossary, optionally with the
# English term it translates on the line above: <!-- en: epidural fibrosis -->
GLOSSARY_ENTRY = re.compile(r"^(?:<!--[ \t]*en:[ \t]*(?P<english>[^\n]*?)[ \t]*-->\n)?"
                            r"(?P<term>[^\s:#!*>|<-][^\n]*)\n:[ \t]+", re.M)


class UsageError(Exception):
    """The command line names something that does not exist (exit 2)."""


class Refused(Exception):
    """The command cannot do what was asked; the message says why and what to do (exit 1)."""


@dataclasses.dataclass(frozen=True)
class PageState:
    page: str                  # the English page, relative to docs/: "treatments/medicines.md"
    language: str
    state: str                 # translated (and current), missing, outdated or unknown
    status: str | None         # machine-assisted, reviewed, or None
    translator: str | None
    source_commit: str | None
    english_changed_on: datetime.date | None  # when English changed since source_commit


class Finding(NamedTuple):
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Change(NamedTuple):
    path: Path
    text: str


# --- The site: languages and pages --------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml: !ENV [NAME, default] as its default, other tags as nothing."""


_Loader.add_constructor("!ENV", lambda loader, node: (
    loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None))
_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_config(root: Path) -> dict:
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}


def _i18n_languages(config: dict) -> list[dict]:
    plugins = config.get("plugins") or []
    entries = [plugins] if isinstance(plugins, dict) else [p for p in plugins if isinstance(p, dict)]
    for entry in entries:
        if isinstance(entry.get("i18n"), dict):
            return entry["i18n"].get("languages") or []
    return []


def site_languages(root: Path) -> tuple[str, dict[str, str]]:
    """(the default language, {code: own name} of every other language), from mkdocs.yml."""
    languages = _i18n_languages(load_config(root))
    default = next((lang["locale"] for lang in languages if lang.get("default")), "en")
    return default, {lang["locale"]: lang.get("name", lang["locale"])
                     for lang in languages if lang["locale"] != default}


def _language_of(path: Path) -> str | None:
    """The language code in a file name like causes.es.md, or None for an English page."""
    code = Path(Path(path.name).stem).suffix[1:]
    return code if LOCALE.match(code) else None


def english_pages(root: Path) -> list[str]:
    """English pages that are meant to be translated (team pages say `translate: false`)."""
    docs = root / "docs"
    pages = (path.relative_to(docs).as_posix() for path in docs.rglob("*.md")
             if _language_of(path) is None)
    return sorted(page for page in pages
                  if (read_doc(root, page).meta or {}).get("translate") is not False)


def translation_of(page: str, language: str) -> str:
    return f"{page[:-3]}.{language}.md"


def translation_files(root: Path, language: str | None = None) -> list[Path]:
    """Every translated page, of one language or of all."""
    _, languages = site_languages(root)
    return [path for path in (root / "docs").rglob("*.md")
            if _language_of(path) in ([language] if language else languages)]


def resolve_page(root: Path, name: str, language: str | None = None) -> str:
    """The English page meant by "causes", "causes.md", "docs/causes.md" (or causes.es.md)."""
    page = name.replace("\\", "/").strip("/")
    page = page[5:] if page.startswith("docs/") else page
    page = page if page.endswith(".md") else page + ".md"
    if language and page.endswith(f".{language}.md"):
        page = page[: -len(f".{language}.md")] + ".md"
    pages = english_pages(root)
    if page in pages:
        return page
    close = difflib.get_close_matches(page, pages, n=3)
    hint = f" Did you mean: {', '.join(p[:-3] for p in close)}?" if close else ""
    raise UsageError(f"there is no English page docs/{page}.{hint} "
                     f"The list of pages: {COMMAND} status")


def _check_language(root: Path, language: str) -> None:
    default, others = site_languages(root)
    if language == default:
        raise UsageError(f"'{language}' is the original language of the guide; translations go "
                         f"into the other languages: {', '.join(others) or 'none yet'}.")
    if language not in others:
        raise UsageError(f"'{language}' is not a language of this site yet (it has: "
                         f"{', '.join(others) or 'none'}). To add it, run: "
                         f"{COMMAND} new-language {language}")


# --- Git ----------------------------------------------------------------------------------

def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    """Run git in root; None when git is not installed."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              encoding="utf-8")
    except OSError:
        return None


def _commit_exists(root: Path, commit: str | None) -> bool:
    """Whether git is installed, root is in a git repository, and it has this commit."""
    if not commit or not re.fullmatch(r"[0-9a-fA-F]{4,40}", commit):
        return False
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}")
    return result is not None and result.returncode == 0


def last_commit(root: Path, page: str) -> str | None:
    """The short hash of the newest commit that changed docs/PAGE, or None."""
    result = _git(root, "log", "-1", "--format=%h", "--", f"docs/{page}")
    if result is None or result.returncode != 0:
        return None
    return result.stdout.strip() or None


def _english_changed(root: Path, page: str, commit: str) -> tuple[str, datetime.date | None]:
    """("translated" | "outdated" | "unknown", the day English changed) since commit."""
    path = f"docs/{page}"
    if not _commit_exists(root, commit):
        return "unknown", None
    changed = _git(root, "diff", "--quiet", commit, "--", path)
    if changed is None or changed.returncode not in (0, 1):
        return "unknown", None
    if changed.returncode == 0:
        return "translated", None
    today = datetime.date.today()
    uncommitted = _git(root, "diff", "--quiet", "HEAD", "--", path)
    if uncommitted is not None and uncommitted.returncode == 1:
        return "outdated", today  # the newest change is not committed yet
    log = _git(root, "log", "-1", "--format=%cs", f"{commit}..HEAD", "--", path)
    day = log.stdout.strip() if log and log.returncode == 0 else ""
    return "outdated", datetime.date.fromisoformat(day) if day else today


# --- Status -------------------------------------------------------------------------------

def page_states(root: Path) -> list[PageState]:
    """Every English page x every other language: translated, missing, outdated or unknown."""
    _, languages = site_languages(root)
    checked: dict[tuple[str, str], tuple[str, datetime.date | None]] = {}
    states = []
    for page in english_pages(root):
        for language in languages:
            path = root / "docs" / translation_of(page, language)
            if not path.exists():
                states.append(PageState(page, language, "missing", None, None, None, None))
                continue
            block = (read_doc(root, translation_of(page, language)).meta or {}).get("translation")
            block = block if isinstance(block, dict) else {}
            commit = str(block["source_commit"]) if block.get("source_commit") else None
            if (page, commit) not in checked:
                checked[page, commit] = _english_changed(root, page, commit)
            state, changed_on = checked[page, commit]
            status = block.get("status") if block.get("status") in TRANSLATION_STATUS else None
            translator = str(block["translator"]) if block.get("translator") else None
            states.append(PageState(page, language, state, status, translator, commit, changed_on))
    return states


MARKS = {"machine-assisted": "M", "reviewed": "R", None: "T"}
STATE_MARKS = {"translated": "", "outdated": "!", "unknown": "?"}
LEGEND = ("M machine-assisted (not yet checked by a medical translator), R reviewed by a named "
          "translator, T translated without a valid status, ! out of date: the English page "
          "changed since, ? cannot tell if it is up to date, - not translated yet")


def format_status(states: list[PageState], languages: list[str]) -> str:
    """The status table, the per-language totals and what to do about each out-of-date page."""
    cells = {(s.page, s.language): "-" if s.state == "missing"
             else MARKS[s.status] + STATE_MARKS[s.state] for s in states}
    pages = sorted({s.page for s in states})
    width = max([len("page"), *map(len, pages)]) + 2
    column = max([3, *map(len, languages)]) + 2
    rows = ["page".ljust(width) + "".join(lang.rjust(column) for lang in languages)]
    rows += [page.ljust(width) + "".join(cells[page, lang].rjust(column) for lang in languages)
             for page in pages]
    rows += ["", f"Legend: {LEGEND}.", "", "totals".ljust(width)
             + "".join(lang.rjust(column) for lang in languages)]
    totals = {
        "translated": lambda s: s.state != "missing",
        "current": lambda s: s.state == "translated",
        "reviewed": lambda s: s.status == "reviewed",
        "missing": lambda s: s.state == "missing",
    }
    for name, test in totals.items():
        rows.append(f"  {name}".ljust(width) + "".join(
            str(sum(1 for s in states if s.language == lang and test(s))).rjust(column)
            for lang in languages))
    notes = []
    for s in states:
        shown = f"docs/{translation_of(s.page, s.language)}"
        if s.state == "outdated":
            notes.append(f"{shown}: out of date: docs/{s.page} changed on {s.english_changed_on}. "
                         f"See what changed: {COMMAND} diff {s.language} {s.page[:-3]}")
        elif s.state == "unknown" and not s.source_commit:
            notes.append(f"{shown}: cannot tell if it is up to date: its front matter has no "
                         f"'translation: source_commit'. See: {COMMAND} verify {s.language}")
        elif s.state == "unknown":
            notes.append(f"{shown}: cannot tell if it is up to date: git does not know the commit "
                         f"'{s.source_commit}' (or git is not installed). Ask an editor which "
                         f"English version this translation follows.")
    return "\n".join(rows + ([""] + notes if notes else []))


def format_json(states: list[PageState]) -> str:
    return json.dumps([dataclasses.asdict(s) for s in states], default=str,
                      ensure_ascii=False, indent=2)


# --- Diff ---------------------------------------------------------------------------------

class EnglishChanges(NamedTuple):
    translation: str     # "docs/causes.es.md"
    source_commit: str   # the English version the translation follows
    diff: str            # git diff of the English page since then ("" when unchanged)
    latest_commit: str   # the English page's newest commit: the next source_commit
    uncommitted: bool    # the English page also has changes not yet committed


def english_changes(root: Path, language: str, page: str) -> EnglishChanges:
    """What changed in the English page since the version its translation follows."""
    shown = f"docs/{translation_of(page, language)}"
    if not (root / shown).exists():
        raise Refused(f"{shown} does not exist yet. Start it with: {COMMAND} new {language} "
                      f"{page[:-3]}")
    block = (read_doc(root, translation_of(page, language)).meta or {}).get("translation")
    commit = str(block.get("source_commit") or "") if isinstance(block, dict) else ""
    if not commit:
        raise Refused(f"{shown}: its front matter names no English version "
                      f"('translation: source_commit'), so there is nothing to compare with. "
                      f"Ask an editor which English version it follows.")
    if _git(root, "--version") is None:
        raise Refused("git is not installed, and it is needed to compare versions. Install git "
                      "(https://git-scm.com) and run this again.")
    if not _commit_exists(root, commit):
        raise Refused(f"{shown}: git does not know the commit '{commit}' named in "
                      f"'source_commit' (or this folder is not a git repository). Ask an editor "
                      f"which English version this translation follows.")
    result = _git(root, "diff", "--no-color", "--no-ext-diff", commit, "--", f"docs/{page}")
    if result is None or result.returncode != 0:
        raise Refused(f"git could not compare docs/{page} with {commit}: "
                      f"{result and result.stderr.strip()}")
    uncommitted = _git(root, "diff", "--quiet", "HEAD", "--", f"docs/{page}")
    return EnglishChanges(shown, commit, result.stdout, last_commit(root, page) or commit,
                          uncommitted is not None and uncommitted.returncode == 1)


def format_diff(changes: EnglishChanges, page: str) -> str:
    if not changes.diff:
        return (f"{changes.translation} is up to date: docs/{page} has not changed since "
                f"{changes.source_commit}. Nothing to do.")
    text = [f"What changed in docs/{page} since {changes.source_commit}, the version "
            f"{changes.translation} follows ('-' lines were removed, '+' lines were added):", "",
            changes.diff.rstrip("\n"), "",
            f"Next: update only these parts in {changes.translation}."]
    if changes.uncommitted:
        text.append(f"Some of these changes to docs/{page} are not committed yet, so there is no "
                    f"commit to name for them. Once they are committed, run this command again: "
                    f"it will tell you the value to write in source_commit.")
    else:
        text += ["Then, in its front matter, change the line under 'translation:' to",
                 f"    source_commit: {changes.latest_commit}",
                 f"(the English page's newest commit: git log -1 --format=%h -- docs/{page})."]
    return "\n".join(text)


# --- New page, new language ---------------------------------------------------------------

def _scaffold(root: Path, page: str) -> str:
    """The English page at its newest commit, with a translation block in its front matter."""
    commit = last_commit(root, page)
    if not commit:
        raise Refused(f"docs/{page} has no commit yet (or git is not installed), so there is no "
                      f"English version to name in source_commit. Ask an editor to commit the "
                      f"English page first.")
    shown = _git(root, "show", f"{commit}:./docs/{page}")
    if shown is None or shown.returncode != 0:
        raise Refused(f"git could not read docs/{page} at {commit}: {shown and shown.stderr.strip()}")
    match = FRONT_MATTER.match(shown.stdout)
    if not match:
        raise Refused(f"docs/{page} has no front matter to copy; ask an editor to fix the English "
                      f"page first (see CONTRIBUTING.md).")
    quoted = f'"{commit}"' if commit.isdigit() else commit  # all digits would read as a number
    block = ("translation:\n"
             "  # Change to reviewed, and add a line translator: \"Their Name\", once a qualified\n"
             "  # medical translator has checked this page against the English.\n"
             "  status: machine-assisted\n"
             f"  source_commit: {quoted}  # the English version this translation follows\n")
    note = ("# Translate the values of title and description. Keep the keys, the dates,\n"
            "# clinical_review and urgent_signs as they are.\n")
    return "---\n" + note + match.group(1) + block + shown.stdout[match.end(1):]


def _mark_glossary(text: str) -> str:
    """A glossary copy with '<!-- en: TERM -->' above each entry: what verify pairs it by."""
    note = ("# Translate each term and definition. Keep the '<!-- en: ... -->' line above each\n"
            "# entry: it names the English term the entry translates, so entries may be sorted\n"
            "# in this language's A to Z order.\n")
    text = text.replace("---\n", "---\n" + note, 1)
    return GLOSSARY_ENTRY.sub(lambda m: f"<!-- en: {m['term'].strip()} -->\n{m[0]}", text)


def plan_new_page(root: Path, language: str, page: str) -> list[Change]:
    """Start docs/NAME.LANG.md: a copy of the English page to translate, with front matter."""
    _check_language(root, language)
    target = root / "docs" / translation_of(page, language)
    if target.exists():
        raise Refused(f"docs/{translation_of(page, language)} already exists; nothing was "
                      f"changed. To see what changed in English since it was translated: "
                      f"{COMMAND} diff {language} {page[:-3]}")
    text = _scaffold(root, page)
    return [Change(target, _mark_glossary(text) if page == "glossary.md" else text)]


def _yaml_scalar(text: str) -> str:
    """text as a YAML value: plain where YAML reads it back unchanged, else quoted."""
    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _nav_sections(nav: list) -> list[str]:
    sections = []
    for item in nav or []:
        for name, value in (item.items() if isinstance(item, dict) else []):
            if isinstance(value, list):
                sections += [name, *_nav_sections(value)]
    return sections


def _language_entry(config: dict, code: str, name: str) -> tuple[list[str], dict]:
    """The mkdocs.yml lines of a new language (not yet indented), and what they should read as."""
    site_name = str(config.get("site_name") or "")
    description = " ".join(str(config.get("site_description") or "").split())
    sections = _nav_sections(config.get("nav"))
    lines = [f"- locale: {_yaml_scalar(code)}", f"  name: {_yaml_scalar(name)}", "  build: true",
             f"  site_name: {_yaml_scalar(site_name)}  # translate"]
    expected = {"locale": code, "name": name, "build": True, "site_name": site_name}
    if description:
        lines.append(f"  site_description: {_yaml_scalar(description)}  # translate")
        expected["site_description"] = description
    if sections:
        lines.append("  nav_translations:  # translate each title after the colon; keep the English"
                     " before it")
        lines += [f"    {_yaml_scalar(s)}: {_yaml_scalar(s)}" for s in sections]
        expected["nav_translations"] = {s: s for s in sections}
    return lines, expected


def _insert_language(text: str, entry: list[str]) -> str:
    """mkdocs.yml's text with entry added after the last item of the i18n languages: list."""
    lines = text.splitlines(keepends=True)
    plugin = next((i for i, line in enumerate(lines)
                   if re.match(r"\s*(- )?i18n:\s*(#.*)?$", line)), len(lines))
    key = next((i for i in range(plugin + 1, len(lines))
                if re.match(r"\s*languages:\s*(#.*)?$", lines[i])), None)
    if key is None:
        raise ValueError("no 'languages:' list under the i18n plugin")
    item_indent, last = None, key
    for i in range(key + 1, len(lines)):
        content = lines[i].strip()
        if not content or content.startswith("#"):
            continue
        indent = len(lines[i]) - len(lines[i].lstrip())
        if item_indent is None:
            if not content.startswith("- "):
                raise ValueError("the languages list is not written one '- locale:' item a line")
            item_indent = indent
        if indent < item_indent or (indent == item_indent and not content.startswith("- ")):
            break
        last = i
    if item_indent is None:
        raise ValueError("the languages list is empty")
    head = "".join(lines[: last + 1])
    head += "" if head.endswith("\n") else "\n"
    return head + "".join(" " * item_indent + line + "\n" for line in entry) + "".join(lines[last + 1:])


def plan_new_language(root: Path, code: str, name: str | None) -> tuple[list[Change], list[str]]:
    """Add a language: its entry in mkdocs.yml, i18n/LANG.yml and docs/glossary.LANG.md."""
    if not LOCALE.match(code):
        raise UsageError(f"'{code}' is not a language code the site can use. Use a two-letter "
                         f"code (vi, ko), optionally with a script or region (zh-Hant, pt-BR).")
    default, languages = site_languages(root)
    if code == default or code in languages:
        raise Refused(f"'{code}' is already a language of this site; nothing was changed. To see "
                      f"its pages: {COMMAND} status {code}")
    name = name or KNOWN_NAMES.get(code)
    if not name:
        raise UsageError(f"give the language's name in that language, for example: "
                         f"{COMMAND} new-language {code} --name \"Deutsch\"")
    config_path = root / "mkdocs.yml"
    text = config_path.read_text(encoding="utf-8")
    config = load_config(root)
    entry, expected = _language_entry(config, code, name)
    by_hand = ("Add these lines by hand at the end of the 'languages:' list in mkdocs.yml:\n"
               + "\n".join("        " + line for line in entry))
    try:
        new_text = _insert_language(text, entry)
        new_config = yaml.load(new_text, Loader=_Loader) or {}
    except (ValueError, yaml.YAMLError) as error:
        raise Refused(f"mkdocs.yml could not be changed safely ({error}). {by_hand}") from error
    added = _i18n_languages(new_config)
    if added[-1:] == [expected]:
        added.pop()  # what is left must be the old configuration, unchanged
    if new_config != config:
        raise Refused(f"mkdocs.yml could not be changed safely. {by_hand}")
    changes, notes = [Change(config_path, new_text)], []
    strings = root / "i18n" / f"{code}.yml"
    english_strings = root / "i18n" / f"{default}.yml"
    if strings.exists():
        notes.append(f"i18n/{code}.yml already exists; it was kept as it is.")
    elif english_strings.exists():
        body = english_strings.read_text(encoding="utf-8").splitlines(keepends=True)
        while body and body[0].startswith("#"):
            body.pop(0)
        header = (f"# {name} ({code}): the words the guide's own templates show.\n"
                  f"# Translate the text in quotes. Keep the keys (before the colon) and the\n"
                  f"# {{placeholders}} such as {{date}} exactly as they are. Until a line is\n"
                  f"# translated it shows the English copied here; a deleted line falls back to\n"
                  f"# English.\n")
        changes.append(Change(strings, header + "".join(body)))
    glossary = root / "docs" / f"glossary.{code}.md"
    if glossary.exists():
        notes.append(f"docs/glossary.{code}.md already exists; it was kept as it is.")
    elif (root / "docs" / "glossary.md").exists():
        try:
            changes.append(Change(glossary, _mark_glossary(_scaffold(root, "glossary.md"))))
        except Refused as reason:
            notes.append(f"docs/glossary.{code}.md was not created: {reason}")
    return changes, notes


def page_address(language: str, page: str) -> str:
    path = page[:-3]
    path = path[: -len("index")] if path == "index" or path.endswith("/index") else path + "/"
    return f"http://127.0.0.1:8000/{language}/{path}"


def format_changes(changes: list[Change], root: Path, dry_run: bool) -> str:
    lines = []
    for change in changes:
        shown = change.path.relative_to(root).as_posix()
        if not change.path.exists():
            lines.append(f"{'Would create' if dry_run else 'Created'} {shown} "
                         f"({len(change.text.splitlines())} lines).")
            continue
        lines.append(f"{'Would change' if dry_run else 'Changed'} {shown}:")
        old = change.path.read_text(encoding="utf-8").splitlines()
        lines += [line for line in difflib.unified_diff(old, change.text.splitlines(), shown, shown,
                                                        lineterm="")][2:]
    return "\n".join(lines)


def write_changes(changes: list[Change]) -> None:
    for change in changes:
        change.path.parent.mkdir(parents=True, exist_ok=True)
        change.path.write_text(change.text, encoding="utf-8")


# --- Verify -------------------------------------------------------------------------------

@dataclasses.dataclass
class Doc:
    shown: str                 # "docs/causes.es.md", as messages name it
    lines: list[str]
    meta: dict | None          # None: no front matter, or not valid YAML
    key_lines: dict[str, int]  # front matter key -> its line number
    body_start: int            # the number of front matter lines (the closing '---' line)


@dataclasses.dataclass
class Structure:
    headings: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (line, anchor)
    anchors: set[str] = dataclasses.field(default_factory=set)
    boxes: list[tuple[int, str]] = dataclasses.field(default_factory=list)     # (line, type)
    sources: dict[str, int] = dataclasses.field(default_factory=dict)          # label -> line
    links: list[tuple[int, str]] = dataclasses.field(default_factory=list)     # (line, target)
    prose: list[tuple[int, str]] = dataclasses.field(default_factory=list)     # text lines


def read_doc(root: Path, relative: str) -> Doc:
    text = (root / "docs" / relative).read_text(encoding="utf-8")
    lines = text.splitlines()
    match = FRONT_MATTER.match(text)
    if not match:
        return Doc(f"docs/{relative}", lines, None, {}, 0)
    body_start = match.group(0).count("\n")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        meta = None
    key_lines = {m[1]: number for number, line in enumerate(lines[1:body_start], start=2)
                 if (m := FRONT_MATTER_KEY.match(line))}
    return Doc(f"docs/{relative}", lines, meta if isinstance(meta, dict) else None, key_lines,
               body_start)


def _heading_text(text: str) -> str:
    """A heading's text as Python-Markdown's toc sees it: without markup or {#id}."""
    text = ATTR_ID.sub("", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>|[*`]", "", text)
    return html.unescape(text).strip()


def structure(doc: Doc) -> Structure:
    """Headings and their anchors, boxes, sources, links and prose of a page's body."""
    found, headings = Structure(), []
    fence, in_source = None, False
    for number, line in enumerate(doc.lines[doc.body_start:], start=doc.body_start + 1):
        if fence:
            fence = None if line.strip().startswith(fence) else fence
            continue
        if match := FENCE.match(line):
            fence = match[1]
            continue
        if match := SOURCE.match(line):
            found.sources.setdefault(match[1], number)
            in_source = True
            continue
        if in_source and (not line.strip() or line.startswith(("    ", "\t"))):
            continue  # the rest of a source's definition
        in_source = False
        if match := HEADING.match(line):
            explicit = ATTR_ID.search(match[2])
            headings.append((number, explicit[1] if explicit else None, _heading_text(match[2])))
        if match := BOX.match(line):
            found.boxes.append((number, match[1]))
        found.anchors.update(ATTR_ID.findall(line))
        found.links += [(number, target) for target in LINK.findall(line) + AUTOLINK.findall(line)]
        found.prose.append((number, LINK.sub(lambda m: m[0][: m[0].index("](") + 1], line)))
    used = set(found.anchors)
    for number, explicit, text in headings:  # as Python-Markdown's toc extension names them
        anchor = explicit or unique(slugify(text, "-"), used)
        found.headings.append((number, anchor))
        found.anchors.add(anchor)
    return found


def _section(struct: Structure, line: int) -> int:
    """The index of the heading a line falls under (-1 before the first heading)."""
    return sum(1 for number, _ in struct.headings if number <= line) - 1


def _near(english: Structure, translated: Structure, doc: Doc, english_line: int) -> int:
    """The translated line matching an English line: its section's heading, when the headings
    match one to one; else the first line of the body."""
    index = _section(english, english_line)
    if index >= 0 and len(english.headings) == len(translated.headings):
        return translated.headings[index][0]
    return doc.body_start + 1


def _where(english: Structure, translated: Structure, doc: Doc,
           e_lines: list[int], t_lines: list[int]) -> int:
    """Where a count differs: the first extra item, or the section that lacks one."""
    if len(english.headings) == len(translated.headings):
        for index in range(-1, len(english.headings)):
            here_e = [n for n in e_lines if _section(english, n) == index]
            here_t = [n for n in t_lines if _section(translated, n) == index]
            if len(here_t) > len(here_e):
                return here_t[len(here_e)]
            if len(here_t) < len(here_e):
                return _near(english, translated, doc, here_e[0])
    return t_lines[len(e_lines)] if len(t_lines) > len(e_lines) else doc.body_start + 1


def _check_front_matter(english: Doc, doc: Doc) -> list[Finding]:
    if doc.meta is None:
        return [Finding(doc.shown, 1, f"the front matter is missing or is not valid YAML. Copy "
                        f"it from {english.shown} (between the '---' lines), translate the values "
                        f"of title and description, and add the 'translation:' block.")]
    if english.meta is None:
        return []  # the English page's own problem: the site build names it
    found = []
    missing = [key for key in english.meta if key not in doc.meta]
    unknown = [key for key in doc.meta if key not in english.meta and key not in ONLY_IN_TRANSLATIONS]
    for key in unknown:
        guess = missing[0] if len(missing) == len(unknown) == 1 else next(
            iter(difflib.get_close_matches(key, missing, n=1, cutoff=0.5)), None)
        if guess:
            missing.remove(guess)
            found.append(Finding(doc.shown, doc.key_lines.get(key, 1), f"the front matter key "
                                 f"'{key}' should be '{guess}': keys stay in English; only the "
                                 f"values are translated."))
        else:
            found.append(Finding(doc.shown, doc.key_lines.get(key, 1), f"the front matter key "
                                 f"'{key}' is not in {english.shown}; remove it, or ask an editor."))
    for key in missing:
        found.append(Finding(doc.shown, doc.body_start or 1, f"the front matter has no '{key}' "
                             f"(see {english.shown}:{english.key_lines.get(key, 1)}). Add that "
                             f"line before the closing '---'; translate its value only if it "
                             f"is text for readers."))
    for key in SAME_AS_ENGLISH:
        if key in english.meta and key in doc.meta and doc.meta[key] != english.meta[key]:
            found.append(Finding(doc.shown, doc.key_lines.get(key, 1), f"'{key}' must be "
                                 f"{english.meta[key]!r} as in {english.shown}."))
    block = doc.meta.get("translation")
    line = doc.key_lines.get("translation", doc.body_start or 1)
    if not isinstance(block, dict):
        return found + [Finding(doc.shown, line, "a translated page needs a 'translation:' block "
                                "with 'status: machine-assisted' and 'source_commit:' (the "
                                "English version it follows); see the top of "
                                "scripts/translations.py.")]
    if block.get("status") not in TRANSLATION_STATUS:
        found.append(Finding(doc.shown, line, f"'translation: status' must be machine-assisted or "
                             f"reviewed, not {block.get('status')!r}."))
    if block.get("status") == "reviewed" and not block.get("translator"):
        found.append(Finding(doc.shown, line, "a reviewed translation names its translator: add "
                             "'translator: \"Their Name\"' under 'translation:'."))
    commit = block.get("source_commit")
    if not commit:
        found.append(Finding(doc.shown, line, "'translation: source_commit' is missing: it names "
                             "the English version this page follows. Ask an editor for it."))
    elif not isinstance(commit, str):
        found.append(Finding(doc.shown, line, f"write source_commit in quotes "
                             f"(source_commit: \"{commit}\"), or it is read as a number."))
    return found


def _check_counts(es: Structure, doc: Doc, ts: Structure,
                  e_items: list[tuple[int, str]], t_items: list[tuple[int, str]],
                  describe) -> list[Finding]:
    """A finding for every key whose number of items differs from English."""
    e_by, t_by = defaultdict(list), defaultdict(list)
    for number, key in e_items:
        e_by[key].append(number)
    for number, key in t_items:
        t_by[key].append(number)
    return [Finding(doc.shown, _where(es, ts, doc, e_by[key], t_by[key]),
                    describe(key, e_by[key], t_by[key]))
            for key in sorted(set(e_by) | set(t_by)) if len(e_by[key]) != len(t_by[key])]


def _lines(numbers: list[int]) -> str:
    if not numbers:
        return "none"
    return f"line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def _link_key(target: str) -> str:
    """A link's destination without its #anchor: the anchor may be translated."""
    path = target.split("#")[0]
    return path or "(this page)"


def _check_page(english: Doc, es: Structure, doc: Doc, ts: Structure) -> list[Finding]:
    found = _check_front_matter(english, doc)
    found += _check_counts(es, doc, ts, es.boxes, ts.boxes, lambda kind, e, t: (
        f"{len(e)} '!!! {kind}' box(es) in {english.shown} ({_lines(e)}), {len(t)} here "
        f"({_lines(t)}). Keep every box, and keep '!!! {kind}' in English; translate the rest."))
    links_e = [(n, _link_key(target)) for n, target in es.links]
    links_t = [(n, _link_key(target)) for n, target in ts.links]
    if len(links_e) != len(links_t):
        difference = len(links_t) - len(links_e)
        line = _where(es, ts, doc, [n for n, _ in links_e], [n for n, _ in links_t])
        found.append(Finding(doc.shown, line,
                             f"{len(links_t)} links here, {len(links_e)} in {english.shown} "
                             f"({'+' if difference > 0 else ''}{difference}). Keep each link of "
                             f"the English page, with the same target."))
    found += _check_counts(es, doc, ts, links_e, links_t, lambda target, e, t: (
        f"{len(e)} link(s) to {target} in {english.shown} ({_lines(e)}), {len(t)} here "
        f"({_lines(t)}). Links keep their English targets; translate only the link text."))
    sources_line = min(ts.sources.values(), default=ts.headings[-1][0] if ts.headings else 1)
    for label, number in es.sources.items():
        if label not in ts.sources:
            found.append(Finding(doc.shown, sources_line, f"the source [^{label}] is missing (see "
                                 f"{english.shown}:{number}). Copy its definition from the English "
                                 f"page, and cite it where the English does."))
    for label, number in ts.sources.items():
        if label not in es.sources:
            unused = [known for known in es.sources if known not in ts.sources]
            guess = difflib.get_close_matches(label, unused, n=1)
            hint = f" Did you mean [^{guess[0]}]?" if guess else ""
            found.append(Finding(doc.shown, number, f"the source [^{label}] is not in "
                                 f"{english.shown}. Footnote labels stay exactly as in English.{hint}"))
    return found


def _resolve_link(page: str, target: str) -> tuple[str | None, str]:
    """(the English page a link points to, or None if not a page link; its anchor)."""
    path, _, anchor = target.partition("#")
    if re.match(r"[a-z][a-z0-9+.-]*:", path) or not (path.endswith(".md") or not path):
        return None, anchor
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    language = _language_of(Path(resolved))
    return (resolved[: -len(f".{language}.md")] + ".md" if language else resolved), anchor


def _check_anchors(english: dict[str, Doc], e_structs: dict[str, Structure],
                   translated: dict[str, Doc], t_structs: dict[str, Structure]) -> list[Finding]:
    """Every #anchor a page of this language's site links to exists on the page it goes to.

    The language's site shows each page's translation, or the English page until there is one.
    """
    def shown(page):
        if page in translated:
            return translated[page], t_structs[page]
        return english[page], e_structs[page]

    found = []
    for page in english:
        doc, struct = shown(page)
        for number, target in struct.links:
            to, anchor = _resolve_link(page, target)
            if not anchor or to not in english:
                continue
            to_doc, to_struct = shown(to)
            if anchor in to_struct.anchors or not (page in translated or to in translated):
                continue
            if to in translated:
                english_heading = next((n for n, a in e_structs[to].headings if a == anchor), None)
                line = (_near(e_structs[to], to_struct, to_doc, english_heading)
                        if english_heading else to_doc.body_start + 1)
                until = "" if page in translated else " (shown in this language until it is translated)"
                found.append(Finding(to_doc.shown, line, f"no heading here has the anchor #{anchor}, "
                                     f"which {doc.shown}:{number}{until} links to. Add "
                                     f"{{#{anchor}}} at the end of the matching heading, for "
                                     f"example: ## Your heading {{#{anchor}}}"))
            else:
                found.append(Finding(doc.shown, number, f"this link goes to {to_doc.shown} (it has "
                                     f"no translation yet), which has no anchor #{anchor}. Use "
                                     f"one of that page's anchors, or link to the page without "
                                     f"'#{anchor}'."))
    return found


def glossary_terms(doc: Doc) -> list[tuple[int, str, str | None]]:
    """(line, term, the English term its <!-- en: ... --> line names) of every entry, in order."""
    body = "\n".join(doc.lines[doc.body_start:])
    return [(doc.body_start + body.count("\n", 0, m.start("term")) + 1, m["term"].strip(),
             m["english"]) for m in GLOSSARY_ENTRY.finditer(body)]


def _glossary_pairs(english: Doc, translated: Doc) -> tuple[list[tuple[str, int, str]], list[Finding]]:
    """[(English term, line, translated term)], and problems with the pairing.

    Entries marked <!-- en: TERM --> pair with that English term, whatever their order. A
    glossary without such lines pairs by order, entry 1 with entry 1, when the counts match.
    """
    e_terms = [term for _, term, _ in glossary_terms(english)]
    t_terms = glossary_terms(translated)
    if any(marked for _, _, marked in t_terms):
        pairs = [(marked, line, term) for line, term, marked in t_terms if marked in e_terms]
        return pairs, [Finding(translated.shown, line - 1, f"'<!-- en: {marked} -->' names no "
                               f"term of docs/glossary.md; write the English term exactly as "
                               f"it is there.") for line, _, marked in t_terms
                       if marked and marked not in e_terms]
    if len(e_terms) != len(t_terms):
        return [], [Finding(translated.shown, translated.body_start + 1, f"{len(t_terms)} terms "
                            f"here, {len(e_terms)} in docs/glossary.md, so terms cannot be paired "
                            f"by their order and glossary terms on the pages were not checked. "
                            f"Write '<!-- en: English term -->' on the line above each entry.")]
    return [(e, line, t) for e, (line, t, _) in zip(e_terms, t_terms)], []


def _is_acronym(term: str) -> bool:
    return len(term) > 1 and term.isupper() and " " not in term


def _term_pattern(term: str, english: bool) -> re.Pattern:
    """A term in text: its words in order, each maybe with an ending; acronyms exactly."""
    if _is_acronym(term):
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}s?(?![A-Za-z0-9])")
    words = r"\s+".join(re.escape(word) + r"\w*" for word in term.split())
    return re.compile((r"(?<!\w)" if english else "") + words, re.I)


def _check_glossary(root: Path, language: str, english: dict[str, Doc], e_structs, translated,
                    t_structs) -> list[Finding]:
    own = f"glossary.{language}.md"
    if "glossary.md" not in english or not (root / "docs" / own).exists():
        return []
    t_doc = translated.get("glossary.md") or read_doc(root, own)
    pairs, found = _glossary_pairs(english["glossary.md"], t_doc)
    pairs = [pair for pair in pairs if _is_acronym(pair[0]) or re.search(r"[\s-]", pair[0])]
    for page, doc in translated.items():
        if page == "glossary.md":
            continue
        text = "\n".join(line for _, line in t_structs[page].prose)
        for e_term, t_line, t_term in pairs:
            pattern = _term_pattern(e_term, english=True)
            used = next((n for n, line in e_structs[page].prose if pattern.search(line)), None)
            if used and not _term_pattern(t_term, english=False).search(text):
                found.append(Finding(doc.shown, _near(e_structs[page], t_structs[page], doc, used),
                                     f"the English page uses the glossary term \"{e_term}\" "
                                     f"({english[page].shown}:{used}), but this page never uses "
                                     f"its translation \"{t_term}\" ({t_doc.shown}:{t_line}). Use "
                                     f"that wording, or correct the glossary entry."))
    return found


def verify(root: Path, language: str | None = None) -> list[Finding]:
    """Compare each translation's structure with its English page.

    Front matter keys; headings whose #anchor a link needs; boxes (!!! warning, ...); sources
    ([^label]); links; and glossary terms. Each finding names the file and line.
    """
    _, languages = site_languages(root)
    pages = english_pages(root)
    english = {page: read_doc(root, page) for page in pages}
    e_structs = {page: structure(doc) for page, doc in english.items()}
    docs, found = root / "docs", []
    for lang in [language] if language else languages:
        for path in sorted(docs.rglob(f"*.{lang}.md")):
            relative = path.relative_to(docs).as_posix()
            if relative[: -len(f".{lang}.md")] + ".md" not in english:
                found.append(Finding(f"docs/{relative}", 1, f"there is no English page "
                                     f"docs/{relative[: -len(f'.{lang}.md')]}.md. A translation is "
                                     f"named after its English page; rename this file."))
        translated = {page: read_doc(root, translation_of(page, lang)) for page in pages
                      if (docs / translation_of(page, lang)).exists()}
        t_structs = {page: structure(doc) for page, doc in translated.items()}
        for page, doc in translated.items():
            found += _check_page(english[page], e_structs[page], doc, t_structs[page])
        found += _check_anchors(english, e_structs, translated, t_structs)
        found += _check_glossary(root, lang, english, e_structs, translated, t_structs)
    return sorted(set(found), key=lambda f: (f.file, f.line, f.message))


# --- Command line -------------------------------------------------------------------------

def _help(function) -> str:
    return function.__doc__.splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the project folder (default: this one)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    status = commands.add_parser("status", help=_help(page_states), description=page_states.__doc__)
    status.add_argument("language", nargs="?", metavar="LANG")
    status.add_argument("--format", choices=("text", "json"), default="text")
    diff = commands.add_parser("diff", help=_help(english_changes), description=english_changes.__doc__)
    new = commands.add_parser("new", help=_help(plan_new_page), description=plan_new_page.__doc__)
    for command in (diff, new):
        command.add_argument("language", metavar="LANG")
        command.add_argument("page", metavar="PAGE",
                             help='for example "causes" or "treatments/medicines"')
    new_language = commands.add_parser("new-language", help=_help(plan_new_language),
                                       description=plan_new_language.__doc__)
    new_language.add_argument("language", metavar="LANG", help="a code such as vi, ko or zh-Hant")
    new_language.add_argument("--name", help='the language\'s own name, for example "Tiếng Việt"')
    for command in (new, new_language):
        command.add_argument("--dry-run", action="store_true",
                             help="show what would be written; change nothing")
    check = commands.add_parser("verify", help=_help(verify), description=verify.__doc__)
    check.add_argument("language", nargs="?", metavar="LANG")
    args = parser.parse_args(argv)
    root = args.root.resolve()

    try:
        if args.command == "status":
            if args.language:
                _check_language(root, args.language)
            languages = [args.language] if args.language else list(site_languages(root)[1])
            states = [s for s in page_states(root) if s.language in languages]
            print(format_json(states) if args.format == "json" else format_status(states, languages))
            return 0
        if args.command == "diff":
            _check_language(root, args.language)
            page = resolve_page(root, args.page, args.language)
            print(format_diff(english_changes(root, args.language, page), page))
            return 0
        if args.command == "new":
            _check_language(root, args.language)
            page = resolve_page(root, args.page, args.language)
            changes = plan_new_page(root, args.language, page)
            report = format_changes(changes, root, args.dry_run)
            if not args.dry_run:
                write_changes(changes)
                report += "\n" + _next_after_new(args.language, page)
            print(report)
            return 0
        if args.command == "new-language":
            changes, notes = plan_new_language(root, args.language, args.name)
            report = "\n".join([format_changes(changes, root, args.dry_run), *notes])
            if not args.dry_run:
                write_changes(changes)
                report += "\n" + _next_after_new_language(args.language)
            print(report)
            return 0
        if args.language:
            _check_language(root, args.language)
        findings = verify(root, args.language)
        for finding in findings:
            print(finding)
        if findings:
            print(f"\n{len(findings)} problem(s) in {len({f.file for f in findings})} file(s). Fix "
                  f"them (each line says where and how), then run this again.")
            return 1
        print(f"All {len(translation_files(root, args.language))} translated page(s) match their English pages.")
        return 0
    except UsageError as error:
        print(f"{COMMAND} {args.command}: {error}", file=sys.stderr)
        return 2
    except Refused as error:
        print(f"{COMMAND} {args.command}: {error}", file=sys.stderr)
        return 1


def _next_after_new(language: str, page: str) -> str:
    return "\n".join([
        "Next:",
        "  1. Translate the text, including title and description in the front matter. Keep the",
        "     structure: the same headings, boxes (the word after '!!!' stays in English), links",
        "     (same targets) and source labels such as [^kumar2008].",
        f"  2. Check it: {COMMAND} verify {language}",
        f"  3. See it: python -m mkdocs serve, then open {page_address(language, page)}",
        "  4. Once a qualified medical translator has checked it, set 'status: reviewed' and add",
        "     'translator: \"Their Name\"' under 'translation:'.",
    ])


def _next_after_new_language(code: str) -> str:
    steps = [
        "Next:",
        f"  1. Translate the text in quotes in i18n/{code}.yml (keep the keys and {{placeholders}}).",
        f"  2. In mkdocs.yml, under '- locale: {code}', translate site_name, site_description and",
        "     the titles after the colon under nav_translations.",
        f"  3. Translate docs/glossary.{code}.md. Keep the '<!-- en: ... -->' line above each entry:",
        "     it says which English term the entry translates. Entries may be in your A to Z order.",
        f"  4. Start each page with: {COMMAND} new {code} PAGE (the list: {COMMAND} status {code})",
        f"  5. See the site: python -m mkdocs serve, then open http://127.0.0.1:8000/{code}/",
        f"  6. Before you share your work: {COMMAND} verify {code}",
    ]
    if re.split("[-_]", code)[0] in RIGHT_TO_LEFT:
        steps.append("This language is written right to left: the theme sets that by itself; "
                     "nothing else is needed.")
    return "\n".join(steps)


if __name__ == "__main__":
    sys.exit(main())
