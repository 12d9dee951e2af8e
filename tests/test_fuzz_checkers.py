"""Fuzz the content checkers with Hypothesis-made pages: they never crash; they pass or report.

Each example writes a small docs tree (random front matter: valid YAML, invalid YAML, wrong
types, missing keys, RTL and CJK text; random Markdown: headings, lists, boxes, links with odd
targets, footnotes, tables, code fences, raw HTML, emoji, control characters, very long lines)
beside a copy of the project's mkdocs.yml, and runs one checker on it. A checker passes when no
exception escapes, it exits 0 or 1 (2 is for usage errors, which these never are), it writes
text, and when it exits 1 it names a file and line (`path:LINE: ...`).

Example counts are modest so the file runs in well under a minute (FUZZ_SCALE=20 multiplies
them for a deeper run by hand); with CI=true the examples are derandomized and no example
database is kept, so CI runs the same ones every time. A failure prints the smallest page tree
that makes it (Hypothesis shrinks it) and its @reproduce_failure blob.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import ROOT
from scripts import check_links, check_safety, reading_level, translations

CI = os.environ.get("CI") == "true"
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))  # FUZZ_SCALE=20 for a deeper run by hand
FUZZ = settings(max_examples=int(100 * SCALE), deadline=None, derandomize=CI,
                database=None if CI else settings.default.database,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
FINDING = re.compile(r"^[ \t]*\S[^\n]*:\d+: ", re.M)

_spec = importlib.util.spec_from_file_location("front_matter_hook", ROOT / "overrides" / "hooks" / "front_matter.py")
front_matter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(front_matter)

# ---------------------------------------------------------------- pages

TOKENS = ["pain", "surgery", "Dr.", "e.g.", "MRI", "X-ray", "3,110", "37%", "dolor", "¿Qué?", "¡Ay!",
          "cirugía", "مرحبا بالعالم", "שלום", "درد پشت", "\u202eabc\u202c", "中文", "腰痛。", "日本語の文",
          "한국어", "🙂", "👩‍⚕️", "🏳️‍🌈", "\u200b", "\u00ad", "\x00", "\x07", "\x1b[31m", "\x0b", "\x0c",
          "\u2028", "\ufeff", "\r", "\t", "é", "ﬁ", "İ", "ß", "...", "…", "*", "**", "_", "`", "``",
          "\\", "|", "<", ">", "&amp;", "&#0;", "&#x110000;", "[", "]", "(", ")", "{", "}", "#", "!", ":",
          "[^1]", "[^a b]", "{#id}", "{: .class}", "*[MRI]", "<br>", "https://example.org/x", "<https://a.b>",
          "mailto:a@b", "--8<--", "$$", "~~~", "```"]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
WORD = st.one_of(st.sampled_from(TOKENS), TEXT)
LINE = st.lists(WORD, max_size=12).map(" ".join)
TARGETS = ["", "#", "#top", "#nope", "causes.md", "causes.md#nope", "causes.es.md", "../x.md", "../../../etc/passwd",
           "/abs.md", "treatments/", "treatments/medicines.md#x", "./", "..", "?q=1", "%zz", "%00", "a b.md",
           "<a b.md>", "http://", "https://", "https://example.org/?utm_source=x", "http://example.org",
           "//example.org/x.png", "javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "vbscript:x",
           "mailto:", "mailto:a@b", "tel:abc", "tel:+1 555", "ftp://x", "file:///etc/passwd", "x.png",
           "image.svg", "ñandú.md", "中文.md", "\u202e.md", "x.md\x00", "x.md#ü", "#fn:1", "#fnref:1",
           "glossary.md#mri", "index.md", "https://[::1", "https://example.org:99999/", "\\\\host\\x"]
TARGET = st.one_of(st.sampled_from(TARGETS), TEXT)
HTML = ["<div>", "</div>", "<div markdown>\n\ntext\n\n</div>", "<script>alert(1)</script>", "<script>",
        "<iframe src=x>", "<img src=x.png>", "<img src=\"https://a/b.png\" alt=\"\">", "<img alt='a' src=''>",
        "<a href=\"javascript:x\">x</a>", "<a href='#nope'>x</a>", "<a href=causes/>x</a>", "<a name=x>",
        "<p onclick=\"x\">", "<!-- comment", "<!-- -->", "-->", "<![CDATA[x]]>", "<?php x ?>",
        "<!DOCTYPE html>", "<svg><a xlink:href=\"javascript:x\"/></svg>", "<math><mi>x</mi></math>",
        "<details><summary>s</summary>", "</details>", "<table><tr><td>x", "<abbr title=\"x\">MRI</abbr>",
        "<span id=\"a\" id=\"b\">", "<a href=\"&#106;avascript:x\">", "<img src=x onerror=y", "</",
        "<", "<a href=\"%\">", "<style>x{background:url(http://a)}</style>", "<b><i>x</b></i>",
        "<p style=\"background:url(//a/b)\">", "<base href=//x>", "<object data=x>", "<embed src=x>"]
BOXES = ["note", "warning", "danger", "tip", "info", "abstract", "question", "failure", "bug", "example",
         "quote", "", "WARNING", "note inline", "custom-type", "ñ"]


def indent(text: str, spaces: int = 4) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.split("\n"))


def inline(draw) -> str:
    kind = draw(st.sampled_from(["text", "link", "image", "code", "footnote", "html", "ref", "auto"]))
    text = draw(LINE)
    if kind == "link":
        title = draw(st.sampled_from(["", ' "title"', " (x)", " 'y'"]))
        return f"{text} [{draw(LINE)}]({draw(TARGET)}{title})"
    if kind == "image":
        return f"{text} ![{draw(st.sampled_from(['', ' ', 'Alt text', 'Texto alternativo', '代替テキスト']))}]({draw(TARGET)})"
    if kind == "code":
        return f"{text} `{draw(st.one_of(st.sampled_from(HTML), LINE))}`"
    if kind == "footnote":
        return f"{text}[^{draw(st.sampled_from(['1', 'a', 'kumar2008', 'ñ', 'a b', '']))}]"
    if kind == "html":
        return f"{text} {draw(st.sampled_from(HTML))} {draw(LINE)}"
    if kind == "ref":
        return f"{text} [{draw(LINE)}][{draw(st.sampled_from(['a', 'b', '', 'Ñ']))}]"
    if kind == "auto":
        return f"{text} <{draw(st.sampled_from(['https://example.org', 'http://x', 'mailto:a@b', 'ftp://x']))}>"
    return text


@st.composite
def block(draw, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["heading", "setext", "paragraph", "list", "box", "fence", "table",
                                 "footnote", "definition", "html", "long", "abbr", "deflist", "tabs",
                                 "snippet", "rule", "quote", "glossary"]))
    if kind == "heading":
        attrs = draw(st.sampled_from(["", " {#custom}", " {#}", " {: #a .b}", " {onclick=x}", " #"]))
        return f"{'#' * draw(st.integers(1, 7))} {inline(draw)}{attrs}"
    if kind == "setext":
        return f"{draw(LINE)}\n{draw(st.sampled_from(['=', '-'])) * draw(st.integers(1, 5))}"
    if kind == "list":
        items = draw(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["-", "*", "+", "1.", "2)", "- [ ]", "- [x]"])),
                              min_size=1, max_size=5))
        return "\n".join(" " * (4 * level) + f"{marker} {inline(draw)}" for level, marker in items)
    if kind in ("box", "tabs", "quote") and depth < 2:
        inner = "\n\n".join(draw(st.lists(block(depth + 1), min_size=0, max_size=2)))
        if kind == "tabs":
            return f'=== "{draw(LINE)}"\n\n{indent(inner)}'
        if kind == "quote":
            return "\n".join("> " + line for line in inner.split("\n"))
        opener = draw(st.sampled_from(["!!!", "???", "???+"]))
        title = draw(st.sampled_from(["", ' ""', f' "{draw(LINE)}"']))
        return f"{opener} {draw(st.sampled_from(BOXES))}{title}\n\n{indent(inner, draw(st.sampled_from([4, 2, 8])))}"
    if kind == "fence":
        fence = draw(st.sampled_from(["```", "~~~", "````", "```html", "``` {.python}", "```mermaid"]))
        body = "\n".join(draw(st.lists(st.one_of(st.sampled_from(HTML), LINE), max_size=4)))
        close = draw(st.sampled_from([fence[:3], fence[:3], "", "``"]))
        return indent(f"{fence}\n{body}\n{close}", draw(st.sampled_from([0, 0, 4])))
    if kind == "table":
        columns = draw(st.integers(1, 4))
        rows = draw(st.lists(st.lists(LINE.map(lambda t: t.replace("|", "\\|")), min_size=1, max_size=5),
                             max_size=4))
        lines = ["| " + " | ".join(f"H{n}" for n in range(columns)) + " |",
                 "|" + draw(st.sampled_from(["---|", ":--|", "--:|", ":-:|", "-|"])) * columns]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    if kind == "footnote":
        return f"[^{draw(st.sampled_from(['1', 'a', 'kumar2008', 'ñ', '']))}]: {inline(draw)}\n    {draw(LINE)}"
    if kind == "definition":
        return f"[{draw(st.sampled_from(['a', 'b', 'Ñ', '']))}]: {draw(TARGET)}"
    if kind == "html":
        return "\n".join(draw(st.lists(st.sampled_from(HTML), min_size=1, max_size=4)))
    if kind == "long":
        return draw(st.sampled_from(["word ", "palabra. ", "x", "中", "🙂", "[a](b) ", "<b>"])) * draw(st.integers(500, 6000))
    if kind == "abbr":
        return f"*[{draw(st.sampled_from(['MRI', 'FBSS', 'ñ', '', '*']))}]: {draw(LINE)}"
    if kind in ("deflist", "glossary"):
        marker = f"<!-- en: {draw(LINE)} -->\n" if kind == "glossary" else ""
        return f"{marker}{draw(LINE)}\n:   {inline(draw)}"
    if kind == "snippet":
        return f'--8<-- "{draw(st.sampled_from(["missing.md", "mkdocs.yml", "", "../x", "docs/index.md"]))}"'
    if kind == "rule":
        return draw(st.sampled_from(["---", "***", "___", "- - -"]))
    return inline(draw)


META_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.dates(), TEXT, st.sampled_from(TOKENS),
                       st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2))
DATE = st.one_of(st.dates(), META_VALUE, st.sampled_from(["2026-13-01", "2026-02-30", "tomorrow", "2026/11/24"]))
META = st.fixed_dictionaries({}, optional={
    "title": st.one_of(LINE, META_VALUE), "description": st.one_of(LINE, META_VALUE),
    "last_reviewed": DATE, "next_review": DATE,
    "clinical_review": st.one_of(st.sampled_from(["pending", "reviewed", "Reviewed", ""]), META_VALUE),
    "clinical_reviewer": META_VALUE, "urgent_signs": META_VALUE, "handout": META_VALUE, "translate": META_VALUE,
    "translation": st.one_of(META_VALUE, st.fixed_dictionaries({}, optional={
        "status": st.one_of(st.sampled_from(["machine-assisted", "reviewed", "draft"]), META_VALUE),
        "source_commit": st.one_of(st.sampled_from(["0000000", "1a2b3c4", "e1234"]), META_VALUE),
        "translator": META_VALUE})),
    "reading_level": st.one_of(META_VALUE, st.fixed_dictionaries({}, optional={
        "max_grade": st.one_of(st.integers(-5, 30), st.floats(), META_VALUE),
        "min_inflesz": st.one_of(st.integers(-5, 120), st.floats(), META_VALUE),
        "reason": st.one_of(LINE, META_VALUE)})),
    "search": st.one_of(META_VALUE, st.fixed_dictionaries({"exclude": META_VALUE})),
    "extra key ñ": META_VALUE, "títle": LINE,
})
BROKEN_YAML = ["title: [unclosed", "a: b: c", "\ttitle: tab", "title: 'open", "- a\nb: c", "{", "title: *alias",
               "title: !!python/object/apply:os.system [x]", "key: !ENV [X, y]", ": no key", "? complex\n: x",
               "title: x\ntitle: y", "&a x: *a", "title: |\n  block\n bad", "%YAML 1.1", "title: \x00", "[1, 2]",
               "just a sentence", "42", "- list\n- only", "", "null", "title: >\n"]


@st.composite
def front(draw) -> str:
    kind = draw(st.sampled_from(["valid", "valid", "valid", "broken", "none", "unclosed", "dots", "bom"]))
    dumped = yaml.safe_dump(draw(META), allow_unicode=draw(st.booleans()), sort_keys=False)
    if kind == "broken":
        return f"---\n{draw(st.sampled_from(BROKEN_YAML))}\n{draw(LINE)}\n---\n"
    if kind == "none":
        return ""
    if kind == "unclosed":
        return f"---\n{dumped}"
    if kind == "dots":
        return f"---\n{dumped}...\n"
    return ("\ufeff" if kind == "bom" else "") + f"---\n{dumped}---\n"


@st.composite
def page(draw) -> str:
    blocks = draw(st.lists(block(), max_size=6))
    separator = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n"]))
    return draw(front()) + "\n" + separator.join(blocks) + draw(st.sampled_from(["\n", "", "\n\n\n"]))


NAMES = ["index.md", "causes.md", "causes.es.md", "index.es.md", "glossary.md", "glossary.es.md",
         "treatments/medicines.md", "treatments/medicines.es.md", "treatments/index.md", "ñandú.md",
         "ñandú.es.md", "notes.zz.md", "page.pt-BR.md", "a.b.c.md", "deep/er/page.es.md", "orphan.es.md",
         "中文.md", "readability.md", "translations.md"]
TREE = st.dictionaries(st.sampled_from(NAMES), page(), min_size=1, max_size=4)


@contextmanager
def project(pages: dict[str, str]):
    """A throwaway project: mkdocs.yml copied from the repo (without its nav, as fixture sites
    list their pages by themselves) and `pages` in docs/."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        root = Path(folder)
        config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(config.split("\nnav:")[0] + "\n", encoding="utf-8")
        (root / "docs" / "stylesheets").mkdir(parents=True)
        shutil.copy(ROOT / "docs" / "stylesheets" / "extra.css", root / "docs" / "stylesheets")
        for name, text in pages.items():
            path = root / "docs" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        yield root


def assert_passes_or_reports(status, out: str) -> None:
    assert status in (0, 1), f"exit status {status!r} (2 is for usage errors)\n{out}"
    assert isinstance(out, str)
    if status == 1:
        assert FINDING.search(out), f"exit 1 without a 'path:LINE: ' finding:\n{out}"


# ---------------------------------------------------------------- checkers


# Inputs that crashed a checker once: always tried first, so a fix is checked every run.
MALFORMED_SECTION = {"index.md": "<div>\n<![ x\n</div>\n"}  # html.parser: AssertionError


@FUZZ
@given(pages=TREE)
@example(pages={"index.md": "[a](https://[::1)\n"})  # urlsplit: ValueError: Invalid IPv6 URL
def test_check_links_sources(pages, capsys):
    with project(pages) as root:
        config = check_links.load_config(root / "mkdocs.yml")
        result = check_links.check_sources(config)
        assert all(isinstance(str(finding), str) for finding in result.findings)
        status = check_links.main(["--config", str(root / "mkdocs.yml"), "--no-site"])
    assert_passes_or_reports(status, capsys.readouterr().out)


@functools.lru_cache(maxsize=1)
def reading_settings() -> reading_level.Settings:
    """Loaded once (it reads the pronouncing dictionary); not a fixture, so a failing example
    does not print it."""
    return reading_level.load_settings(ROOT / "mkdocs.yml")


@FUZZ
@given(pages=TREE)
@example(pages=MALFORMED_SECTION)
@example(pages={"index.md": "---\nreading_level: {max_grade: 9, reason: 5}\n---\n\nText.\n"})
def test_reading_level(pages):
    with project(pages) as root:
        reports = reading_level.check(reading_level.pages_in(root / "docs"), reading_settings(), shown_from=root)
        text, as_json = reading_level.as_text(reports), reading_level.as_json(reports)
    assert isinstance(text, str) and isinstance(as_json, str)
    lines = text.split("\n")
    for report in reports:  # one verdict line per page: its path, language, scores, ok or FAIL
        verdict = next(line for line in lines if line.startswith(f"{report.path}  {report.language}  "))
        assert verdict.endswith("  ok" if report.passed else "  FAIL"), verdict


@FUZZ
@given(pages=TREE)
@example(pages=MALFORMED_SECTION)
def test_check_safety(pages, capsys):
    with project(pages) as root:
        status = check_safety.main([str(root / "docs"), "--config-file", str(root / "mkdocs.yml")])
    assert_passes_or_reports(status, capsys.readouterr().out)


@FUZZ
@given(pages=TREE)
def test_translations_verify(pages, capsys):
    with project(pages) as root:
        findings = translations.verify(root)
        assert all(isinstance(str(finding), str) for finding in findings)
        status = translations.main(["--root", str(root), "verify"])
    assert_passes_or_reports(status, capsys.readouterr().out)


@settings(FUZZ, max_examples=int(300 * SCALE))
@given(text=page(), name=st.sampled_from(NAMES))
def test_front_matter_hook(text, name):
    with project({name: text}) as root:
        found = front_matter.problems(root / "docs" / name, "en", f"docs/{name}")
    assert isinstance(found, list) and all(isinstance(problem, str) for problem in found)
    assert all(re.match(rf"docs/{re.escape(name)}:\d+: ", problem) for problem in found), found


def test_reading_level_command_line(capsys):
    """main() itself, once, on a tree with broken front matter and odd Markdown."""
    pages = {"index.md": "---\ntitle: [unclosed\n---\n\n# Hi\n\n<div>\n\n```\n", "x.es.md": "\x00\u202e🙂\n"}
    with project(pages) as root:
        status = reading_level.main([str(root / "docs"), "--config-file", str(root / "mkdocs.yml")])
    assert_passes_or_reports(status, capsys.readouterr().out)  # the YAML error has its line
