"""PDF handouts: one per translated page and language, a booklet, made for paper, every script.

The real site (built once, with handouts, by the `built_site` fixture) is checked for what a
patient gets; small fixture sites check the failures; fixture pages in eight scripts check
the engine (tests/fixtures/handouts/scripts.yml), Persian and Arabic right to left included.
Needs Chromium, Noto fonts and poppler-utils (python -m scripts.setup --system).
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT, TRANSLATED, page
from scripts import handouts

FIXTURES = ROOT / "tests" / "fixtures" / "handouts"
SCRIPTS = yaml.safe_load((FIXTURES / "scripts.yml").read_text(encoding="utf-8"))
SAMPLE_PAGES = ["index.md", "causes.md", "treatments/medicines.md", "pain-diary.md"]
# Direction marks pdftotext puts around right-to-left runs; they are not part of the text.
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                    "\u2066\u2067\u2068\u2069"))
DIGITS = {"fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20"/></svg>')


# --------------------------------------------------------------------------- helpers

# pdftotext writes the two letters of the lam-alef ligature (لا, لأ ...) in reverse order;
# both sides of a comparison are folded the same way.
LAM_ALEF = re.compile("\u0644([\u0627\u0623\u0625\u0622])")


def squash(text: str) -> str:
    """Text compared without layout: no whitespace (lines wrap anywhere), no direction marks,
    compatibility forms folded (Arabic presentation forms -> letters)."""
    text = LAM_ALEF.sub("\\1\u0644", unicodedata.normalize("NFKC", text))
    return "".join(text.translate(BIDI_MARKS).split())


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def pdf_fonts(pdf: Path) -> list[tuple[str, str, str]]:
    """(name without subset tag, type, embedded yes/no) of each font, by pdffonts."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [(fields[0].split("+")[-1], " ".join(fields[1:-6]), fields[-5])
            for fields in map(str.split, lines)]


def assert_fonts_embedded_and_noto(pdf: Path) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts, f"{pdf.name}: no fonts"
    assert all(embedded == "yes" for *_, embedded in fonts), f"{pdf.name}: {fonts}"
    # Any other name is the system's last resort (DejaVu, Liberation): a character the font
    # stack of scripts/handouts.py does not cover. Chromium embeds fonts with CFF outlines as
    # unnamed Type 3 fonts; the only such fonts installed are Noto CJK (fonts-noto-cjk), and
    # the fixture test below checks that the stack covers every character.
    for name, kind, _ in fonts:
        assert name.startswith("Noto") or (name == "[none]" and kind == "Type 3"), \
            f"{pdf.name}: {fonts}"


@functools.cache
def stack_characters(lang: str) -> frozenset[int]:
    """Every character the fonts of the handouts' font stack for `lang` have (fontconfig)."""
    covered: set[int] = set()
    for family in re.findall(r'"([^"]+)"', handouts.font_stack(lang)):
        found = subprocess.run(["fc-match", "-f", "%{family}\t%{file}", family],
                               capture_output=True, text=True, check=True).stdout
        names, _, file = found.partition("\t")
        if family not in names.split(","):
            continue  # not installed: fontconfig offers a substitute
        charset = subprocess.run(["fc-query", "-f", "%{charset}\n", file],
                                 capture_output=True, text=True, check=True).stdout
        for span in charset.split():
            first, _, last = span.partition("-")
            covered.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(covered)


def notdef_glyphs(pdf: Path) -> int:
    """Glyphs drawn as .notdef (glyph 0: the empty box of a missing character).

    Chromium writes text with two-byte glyph ids, one `<hex> Tj` per run of glyphs (fonts it
    embeds as Type 3 use one byte, and are not checked here: see stack_characters)."""
    count = 0
    for page_ in PdfReader(str(pdf)).pages:
        for run in re.findall(rb"<([0-9A-Fa-f\s]*)>\s*Tj", page_.get_contents().get_data()):
            ids = re.sub(rb"\s", b"", run)
            if len(ids) % 4 == 0:
                count += sum(ids[i:i + 4] == b"0000" for i in range(0, len(ids), 4))
    return count


def decode_qr(pdf: Path, page_number: int, folder: Path) -> list[str]:
    import zxingcpp

    out = folder / f"{pdf.stem}-{page_number}"
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-singlefile", "-f", str(page_number),
                    "-l", str(page_number), str(pdf), str(out)], check=True)
    data = out.with_suffix(".pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = memoryview(data[header.end():header.end() + width * height]).cast(
        "B", (height, width))
    return [code.text for code in zxingcpp.read_barcodes(pixels)]


def body_font_size(pdf: Path, page_index: int = 0) -> float:
    """The size (pt) most of a page's characters are printed at."""
    sizes: Counter = Counter()

    def visit(text, cm, tm, font, size):
        scale = abs(tm[2] * cm[1] + tm[3] * cm[3])  # the text's vertical scale
        if text.strip():
            sizes[round(size * scale, 1)] += len(text.strip())

    PdfReader(str(pdf)).pages[page_index].extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def structure(pdf: Path) -> list[tuple[str, str]]:
    """The tagged PDF's structure elements: (type, alternative text), in order."""
    root = PdfReader(str(pdf)).trailer["/Root"]
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get"):
            if node.get("/S"):
                found.append((str(node["/S"]), str(node.get("/Alt", ""))))
            if node.get("/K") is not None:
                walk(node["/K"])

    walk(root["/StructTreeRoot"])
    return found


def structure_types(pdf: Path) -> set[str]:
    return {kind for kind, _ in structure(pdf)}


def strip_tags(fragment: str) -> str:
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def article_of(html_file: Path) -> str:
    text = html_file.read_text(encoding="utf-8")
    return text[text.index('<article class="md-content__inner'):text.index("</article>")]


def page_headings(html_file: Path) -> tuple[str, list[str]]:
    article = article_of(html_file)
    title = strip_tags(re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S).group(1))
    return title, [strip_tags(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", article, re.S)]


def english_sources() -> list[str]:
    codes = {lang.code for lang in real_settings_languages()}
    return sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")
                  if not (len(p.name.split(".")) == 3 and p.name.split(".")[1] in codes))


def real_settings_languages() -> list[handouts.Language]:
    return handouts.Settings.load(ROOT / "mkdocs.yml", ROOT / "site").languages


def strings_of(language: handouts.Language) -> dict:
    return handouts.Settings.load(ROOT / "mkdocs.yml", ROOT / "site").strings(language)


def translated_source(src: str, language: handouts.Language) -> Path | None:
    """The page's source in this language, or None if the language shows it in English."""
    path = ROOT / "docs" / (src if language.default else f"{src[:-3]}.{language.code}.md")
    return path if path.exists() else None


def wants_handout(src: str, language: handouts.Language) -> bool:
    source = translated_source(src, language)
    return bool(source) and all(handouts.front_matter(p).get("handout") is not False
                                for p in (source, ROOT / "docs" / src))


LANGUAGES = real_settings_languages()
LANGUAGE_IDS = [language.code for language in LANGUAGES]


@pytest.fixture(scope="module")
def settings(built_site) -> handouts.Settings:
    return handouts.Settings.load(ROOT / "mkdocs.yml", built_site)


# --------------------------------------------------------------------------- the real site

@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_a_handout_for_each_translated_page_and_nothing_else(built_site, language):
    folder = built_site / language.root / "handouts"
    expected = {f"{handouts.handout_name(src)}{variant}.pdf"
                for src in english_sources() if wants_handout(src, language)
                for variant in ("", ".large")}
    expected |= {"fbss-guide.pdf", "fbss-guide.large.pdf"}
    assert len(expected) > 2
    # Fallback pages (English text in this language's section) and team pages get none.
    assert {p.name for p in folder.glob("*.pdf")} == expected


def test_handout_name_follows_the_source_path():
    assert handouts.handout_name("causes.md") == "causes"
    assert handouts.handout_name("treatments/medicines.md") == "treatments-medicines"
    assert handouts.handout_name("index.md") == "index"
    assert handouts.handout_name("treatments/index.md") == "treatments-index"
    assert handouts.handout_name("treatments/index.es.md", "es") == "treatments-index"


def test_every_handout_link_on_the_site_finds_its_pdf(built_site):
    links = 0
    for html_file in built_site.rglob("*.html"):
        for href in re.findall(r'href="([^"]*handouts/[^"]*\.pdf)"', html_file.read_text("utf-8")):
            links += 1
            assert (html_file.parent / href).resolve().is_file(), f"{html_file}: {href}"
    assert links, "no page links to its handout"


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
@pytest.mark.parametrize("src", SAMPLE_PAGES)
def test_text_is_the_page_in_its_language(built_site, settings, language, src):
    if not wants_handout(src, language):
        pytest.skip(f"{src} has no {language.code} handout")
    pdf = built_site / language.root / "handouts" / f"{handouts.handout_name(src)}.pdf"
    html_file = built_site / language.root / handouts.html_path(src)
    title, sections = page_headings(html_file)
    text = squash(pdf_text(pdf))
    assert squash(title) in text
    for heading in sections:
        assert squash(heading) in text, heading
    # page numbers, in the page's language, on the first and the last page
    pages = len(PdfReader(str(pdf)).pages)
    label = strings_of(language)["handout_page"]
    for number in (1, pages):
        assert squash(label.format(page=number, pages=pages)) in squash(
            pdf_text(pdf, number, number))
    # footer and header: last-reviewed date, disclaimer, clinic
    source_meta = handouts.front_matter(translated_source(src, language))
    assert squash(str(source_meta["last_reviewed"])) in text
    assert squash(strings_of(language)["disclaimer"]) in text
    assert squash(settings.clinic["name"]) in text


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_links_are_printed_so_they_can_be_typed(built_site, settings, language):
    src = "causes.md"
    if not wants_handout(src, language):
        pytest.skip(f"{src} has no {language.code} handout")
    pdf = built_site / language.root / "handouts" / "causes.pdf"
    # pdftotext drops a hyphen at the end of a line ("surgical-|site" -> "surgicalsite")
    text = squash(pdf_text(pdf)).replace("-", "")
    page_url = settings.site_url + language.root + handouts.url_path(src)
    article = article_of(built_site / language.root / handouts.html_path(src))
    hrefs = re.findall(r'<a (?![^>]*class="(?:headerlink|footnote-ref|footnote-backref)")'
                       r'[^>]*href="([^"#][^"]*)"', article)
    hrefs = [h for h in hrefs if not h.endswith(".pdf")]
    assert hrefs
    for href in hrefs:
        address = urldefrag(urljoin(page_url, href))[0]
        assert squash(address).replace("-", "") in text, address


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_fonts_are_embedded_noto_fonts(built_site, language):
    pdfs = sorted((built_site / language.root / "handouts").glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert_fonts_embedded_and_noto(pdf)


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_no_glyph_is_missing(built_site, language):
    # The booklet has every page of the language.
    assert notdef_glyphs(built_site / language.root / "handouts" / "fbss-guide.pdf") == 0


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_qr_code_opens_the_same_page_in_the_same_language(built_site, settings, language,
                                                          tmp_path):
    src = "causes.md" if wants_handout("causes.md", language) else "index.md"
    pdf = built_site / language.root / "handouts" / f"{handouts.handout_name(src)}.pdf"
    url = settings.site_url + language.root + handouts.url_path(src)
    last = len(PdfReader(str(pdf)).pages)
    assert decode_qr(pdf, last, tmp_path) == [url]
    assert squash(url) in squash(pdf_text(pdf, last, last))
    booklet = built_site / language.root / "handouts" / "fbss-guide.pdf"
    assert decode_qr(booklet, 1, tmp_path) == [settings.site_url + language.root]


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_pdf_is_tagged_with_title_and_language(built_site, language):
    src = "index.md"
    pdf = built_site / language.root / "handouts" / "index.pdf"
    title, _ = page_headings(built_site / language.root / handouts.html_path(src))
    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == title
    assert root["/Lang"] == language.code
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert {"/H1", "/P", "/L"} <= structure_types(pdf)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    # bookmarks carry the headings' real text (Chromium's own join wrapped lines)
    assert reader.outline[0].title == title


def test_large_print_has_body_text_of_at_least_16_points(built_site):
    regular = body_font_size(built_site / "handouts" / "causes.pdf", 1)
    large = body_font_size(built_site / "handouts" / "causes.large.pdf", 1)
    assert large >= 16, large
    assert regular < large


def test_letter_paper_by_default(built_site):
    box = PdfReader(str(built_site / "handouts" / "causes.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.mark.parametrize("language", LANGUAGES, ids=LANGUAGE_IDS)
def test_booklet_has_cover_and_contents_with_page_numbers(built_site, language):
    pdf = built_site / language.root / "handouts" / "fbss-guide.pdf"
    reader = PdfReader(str(pdf))
    strings = strings_of(language)
    assert squash(language.site_name) in squash(pdf_text(pdf, 1, 1))
    contents = pdf_text(pdf, 2, 2)
    assert squash(strings["handout_contents"]) in squash(contents)
    sources = [src for src in handouts.Settings.load(ROOT / "mkdocs.yml", built_site).nav
               if wants_handout(src, language)]
    titles = [page_headings(built_site / language.root / handouts.html_path(src))[0]
              for src in sources]
    found = squash(contents)
    positions = [found.find(squash(title)) for title in titles]
    assert -1 not in positions, [t for t, p in zip(titles, positions) if p == -1]
    assert positions == sorted(positions), "contents not in navigation order"
    # each number is the page where that page of the guide starts (its bookmark)
    starts = [reader.get_destination_page_number(item) + 1 for item in reader.outline[1:]
              if not isinstance(item, list)]
    printed = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", contents, re.M)]
    assert printed == starts[:len(titles)] and len(printed) == len(titles)


@contextlib.contextmanager
def opened_for_print(document: str, path: Path):
    """A handout document open in Chromium with print media, as the PDF step lays it out."""
    from playwright.sync_api import sync_playwright

    path.write_text(document, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=handouts.find_browser(),
                                             args=handouts.BROWSER_FLAGS)
        try:
            tab = browser.new_page()
            tab.emulate_media(media="print")
            tab.goto(path.as_uri())
            yield tab
        finally:
            browser.close()


def test_warning_boxes_are_drawn_in_black_with_bold_titles(tmp_path):
    """Readable in grayscale: the warning boxes' meaning is in heavy black borders and bold
    titles, not in colour."""
    article = ('<h1>Boxes</h1><aside class="admonition danger guide-urgent"><p class="'
               'admonition-title">Get help now</p><p>Text</p></aside>'
               '<div class="admonition warning"><p class="admonition-title">Careful</p>'
               '<p>Text</p></div><div class="admonition danger"><p class="admonition-title">'
               'Danger</p><p>Text</p></div>')
    document = make_fixture_document("en", "Boxes", article, strings_of(LANGUAGES[0]))
    with opened_for_print(document, tmp_path / "boxes.html") as tab:
        styles = tab.evaluate("""() => [...document.querySelectorAll('.admonition')].map(box => {
            const s = getComputedStyle(box);
            const t = getComputedStyle(box.querySelector('.admonition-title'));
            return [s.borderTopWidth, s.borderTopColor, s.borderTopStyle, t.fontWeight];
        })""")
    assert len(styles) == 3
    for width, colour, style, weight in styles:
        assert float(width.removesuffix("px")) * 0.75 >= 2, width  # px -> pt
        assert colour == "rgb(0, 0, 0)" and style in ("solid", "double"), (colour, style)
        assert int(weight) >= 700


LINE_ENDS = """element => {
  // The character before each line break inside the element, from each character's box.
  const ends = [];
  let previous = null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (previous && box.top > previous.top + 1) ends.push(previous.char);
      previous = {top: box.top, char: node.data[i]};
    }
  }
  return ends;
}"""


def test_printed_urls_wrap_after_a_slash_never_at_a_hyphen(tmp_path):
    """A URL split at its hyphen reads like a word hyphenated at the end of a line: which
    characters should a reader type? The printed page address must wrap after "/" only."""
    url = ("https://clinic-patient-guide.example.org/es/living-with-back-pain/"
           "physical-therapy-and-exercise/questions-for-your-doctor/")
    section = handouts.Section(anchor="page-fixture", page_name="section-0",
                               html="<h1>Long address</h1><p>Text.</p>", url=url,
                               qr_svg=handouts.qr_svg(url, "QR"), top_note="", title="Long address")
    document = handouts.make_document(lang="en", title="Long address", sections=[section],
                                      strings=strings_of(LANGUAGES[0]), clinic={"name": "Clinic"},
                                      paper="letter", large=True)
    with opened_for_print(document, tmp_path / "long-url.html") as tab:
        address = tab.locator(".handout-online .url")
        printed = address.inner_text()
        ends = address.evaluate(LINE_ENDS)
    assert printed.replace("\n", "") == url
    assert ends, "the address fits one line: make it longer so the test can see it wrap"
    assert set(ends) == {"/"}, f"the address wraps after {ends}"


# --------------------------------------------------------------------------- fixture sites

def add_image(site_fixture) -> None:
    site_fixture.write("images/spine.svg", SVG)


def no_pdf_anywhere(root: Path) -> bool:
    return not list(root.rglob("*.pdf"))


def test_image_without_alt_text_fails_naming_the_source(site_fixture):
    add_image(site_fixture)
    site_fixture.write("causes.md", page("Causes", "## Scar\n\n![](images/spine.svg)"))
    site_fixture.write("index.es.md", page("Inicio", "Hola.\n\n![](images/spine.svg)",
                                           **TRANSLATED))
    result = site_fixture.build(handouts=True)
    assert result.returncode == 1
    assert "docs/causes.md: image 'images/spine.svg'" in result.stderr
    assert "docs/index.es.md: image 'images/spine.svg'" in result.stderr
    assert "alt text" in result.stderr
    assert not site_fixture.site.exists()
    assert no_pdf_anywhere(site_fixture.root)


def test_missing_image_fails_naming_the_source(site_fixture):
    # Raw HTML: MkDocs does not check it, the handouts do.
    site_fixture.write("causes.md", page(
        "Causes", '## Scar\n\n<img src="images/missing.png" alt="A spine">'))
    result = site_fixture.build(handouts=True)
    assert result.returncode == 1
    assert "docs/causes.md: image 'images/missing.png' does not exist" in result.stderr
    assert not site_fixture.site.exists()
    assert no_pdf_anywhere(site_fixture.root)


def test_failed_handouts_leave_the_previous_site_as_it_was(site_fixture):
    assert site_fixture.build(handouts=True).returncode == 0
    before = {p: p.read_bytes() for p in site_fixture.site.rglob("*.pdf")}
    assert before
    # `make build`: the new site is not moved into place
    add_image(site_fixture)
    site_fixture.write("causes.md", page("Causes", "![](images/spine.svg)"))
    result = site_fixture.build(handouts=True)
    assert result.returncode == 1 and "docs/causes.md" in result.stderr
    assert {p: p.read_bytes() for p in site_fixture.site.rglob("*.pdf")} == before
    # `make handouts` on a site whose page has an image without alt: nothing is replaced
    built = site_fixture.site / "causes" / "index.html"
    built.write_text(built.read_text("utf-8").replace(
        "<h2", '<img src="../assets/images/favicon.png"><h2', 1), "utf-8")
    result = subprocess.run(handouts_command(), cwd=site_fixture.root, capture_output=True,
                            text=True)
    assert result.returncode == 1, result.stdout
    assert "docs/causes.md: image 'assets/images/favicon.png' has no alt text" in result.stderr
    assert {p: p.read_bytes() for p in site_fixture.site.rglob("*.pdf")} == before
    assert not list(site_fixture.root.rglob("*.tmp"))


def handouts_command() -> list[str]:
    return [sys.executable, "-m", "scripts.handouts", "--quiet"]


def test_fixture_handouts_are_made_once_and_remade_only_when_changed(site_fixture):
    add_image(site_fixture)
    site_fixture.write("causes.md", page(
        "Causes", "## Scar tissue\n\nNerve text.\n\n![A drawing of the spine](images/spine.svg)"
        "\n\n![](images/spine.svg){ role=presentation }", urgent_signs=True))
    site_fixture.write("readability.md", page("Readability", "For the team.", handout=False))
    result = site_fixture.build(handouts=True)
    assert result.returncode == 0, result.stderr
    english, spanish = site_fixture.site / "handouts", site_fixture.site / "es" / "handouts"
    # the team page (handout: false) has none
    assert {p.name for p in english.glob("*.pdf")} == {
        "index.pdf", "index.large.pdf", "causes.pdf", "causes.large.pdf",
        "fbss-guide.pdf", "fbss-guide.large.pdf"}
    # causes is shown in English in the Spanish section: no Spanish handout of it
    assert {p.name for p in spanish.glob("*.pdf")} == {
        "index.pdf", "index.large.pdf", "fbss-guide.pdf", "fbss-guide.large.pdf"}
    assert "10 made, 0 reused" in result.stdout
    assert "Página 1 de 1" in pdf_text(spanish / "index.pdf")
    # the image is tagged as a figure with its alternative text (the QR code too)
    figures = [alt for kind, alt in structure(english / "causes.pdf") if kind == "/Figure"]
    assert "A drawing of the spine" in figures
    assert strings_of(LANGUAGES[0])["handout_qr"] in figures

    again = site_fixture.build(handouts=True)
    assert "0 made, 10 reused" in again.stdout

    site_fixture.write("causes.md", page("Causes", "## Scar tissue\n\nChanged text."))
    changed = site_fixture.build(handouts=True)
    # the page, its large print, and the two English booklets
    assert "4 made, 6 reused" in changed.stdout, changed.stdout
    assert "Changedtext" in squash(pdf_text(english / "causes.pdf"))

    forced = subprocess.run([*handouts_command(), "--force", "--paper", "a4"],
                            cwd=site_fixture.root, capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr
    assert "10 made, 0 reused" in forced.stdout
    box = PdfReader(str(english / "causes.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_cache_keeps_a_few_runs_and_drops_the_rest(tmp_path):
    used = {"used0", "used1"}
    for name in used:
        (tmp_path / f"{name}.pdf").write_bytes(b"%PDF")
    for index in range(10):  # not used by this run, last used long ago
        old = tmp_path / f"old{index}.pdf"
        old.write_bytes(b"%PDF")
        os.utime(old, (1_000_000_000 + index, 1_000_000_000 + index))
    (tmp_path / "old9.pdf").touch()  # used lately by another run (another paper size, say)
    handouts._prune_cache(tmp_path, used)
    assert {p.stem for p in tmp_path.glob("*.pdf")} == used | {"old9"}


# --------------------------------------------------------------------------- every script

def make_fixture_document(lang: str, title: str, article: str, strings: dict,
                          large: bool = False) -> str:
    url = f"https://example.org/{lang}/fixture/"
    section = handouts.Section(anchor="page-fixture", page_name="section-0", html=article,
                               url=url, qr_svg=handouts.qr_svg(url, "QR"),
                               top_note="Last reviewed: 2026-11-24", title=title)
    return handouts.make_document(lang=lang, title=title, sections=[section], strings=strings,
                                  clinic={"name": "Clinic", "phone": "555-0100"},
                                  paper="letter", large=large)


def fixture_article(sample: dict) -> str:
    e = html.escape
    items = "".join(f"<li>{e(item)}</li>" for item in sample["items"])
    return (f"<h1>{e(sample['title'])}</h1><p>{e(sample['paragraph'])}</p><ul>{items}</ul>"
            f"<h2>{e(sample['heading'])}</h2><p>{e(sample['mixed'])}</p>")


@pytest.fixture(scope="module")
def script_pdfs(tmp_path_factory) -> Path:
    """Each script's fixture page, printed like a handout (one browser for all)."""
    folder = tmp_path_factory.mktemp("scripts")
    english = yaml.safe_load((ROOT / "i18n" / "en.yml").read_text(encoding="utf-8"))
    documents = {}
    for lang, sample in SCRIPTS.items():
        strings = {**english, "handout_page": sample["page_label"]}
        documents[folder / f"{lang}.pdf"] = make_fixture_document(
            lang, sample["title"], fixture_article(sample), strings)
    # A control for the glyph check: a private-use character no font has.
    documents[folder / "control.pdf"] = make_fixture_document(
        "en", "Control", "<h1>Control</h1><p>A missing glyph: \ue000.</p>", english)
    handouts.render_documents(documents)
    return folder


@pytest.mark.parametrize("lang", list(SCRIPTS))
def test_every_script_prints_its_own_text(script_pdfs, lang):
    sample = SCRIPTS[lang]
    pdf = script_pdfs / f"{lang}.pdf"
    text = squash(pdf_text(pdf))
    for part in (sample["title"], sample["heading"], sample["paragraph"], *sample["items"],
                 sample["mixed"]):
        assert squash(part) in text, part
    one = DIGITS.get(lang, "0123456789")[1]
    assert squash(sample["page_label"].format(page=one, pages=one)) in text


@pytest.mark.parametrize("lang", list(SCRIPTS))
def test_every_script_uses_embedded_fonts_with_every_glyph(script_pdfs, lang):
    sample = SCRIPTS[lang]
    text = "".join([sample["title"], sample["heading"], sample["paragraph"], *sample["items"],
                    sample["mixed"], sample["page_label"]])
    # Persian and Arabic digits come from the counter style, not the text
    text += DIGITS.get(lang, "")
    missing = {c for c in text if not c.isspace() and ord(c) not in stack_characters(lang)
               and unicodedata.category(c) != "Cf"}
    assert not missing, f"no font of the stack has {sorted(missing)}"
    pdf = script_pdfs / f"{lang}.pdf"
    assert_fonts_embedded_and_noto(pdf)
    assert notdef_glyphs(pdf) == 0
    reader = PdfReader(str(pdf))
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert reader.metadata.title == SCRIPTS[lang]["title"]
    assert reader.outline[0].title == SCRIPTS[lang]["title"]


def test_glyph_check_catches_a_missing_glyph(script_pdfs):
    assert notdef_glyphs(script_pdfs / "control.pdf") > 0


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_right_to_left_text_is_shaped_and_in_reading_order(script_pdfs, lang):
    """The engine proof for Persian and Arabic: letters joined (contextual forms), words and
    the embedded Latin abbreviation and digits in reading order, lines set from the right."""
    sample = SCRIPTS[lang]
    pdf = script_pdfs / f"{lang}.pdf"
    # Reading order (logical), the mixed-direction sentence included.
    text = pdf_text(pdf).translate(BIDI_MARKS)
    assert squash(sample["mixed"]) in squash(text)
    assert squash(sample["title"]) in squash(text)
    # Shaping: the glyphs used are the joined forms, which the PDF maps to Arabic
    # presentation forms (an unshaped text would map to the plain letters).
    raw = PdfReader(str(pdf)).pages[0].extract_text()
    assert re.search("[\ufb50-\ufdff\ufe70-\ufeff]", raw), "Arabic letters were not joined"
    # Right to left: the title ends at the right margin, the English fixture's starts at the
    # left one.
    assert title_left_edge(pdf, sample["title"]) > 612 / 3
    assert title_left_edge(script_pdfs / "es.pdf", SCRIPTS["es"]["title"]) < 612 / 6


def title_left_edge(pdf: Path, title: str) -> float:
    """Where the title (the largest text of page 1) starts, in points from the left."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y1) - float(y0), html.unescape(word)) for x0, y0, y1, word in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" '
                        r'yMax="([\d.]+)">([^<]*)</word>', out)]
    tallest = max(height for _, height, _ in words)
    wanted = {squash(word) for word in title.split()}
    # -bbox lists right-to-left words as drawn: letters in visual order
    edges = [x for x, height, word in words if height > 0.9 * tallest
             and {squash(word), squash(word[::-1])} & wanted]
    assert edges, f"title of {pdf.name} not found"
    return min(edges)


def test_margin_boxes_print_clinic_page_numbers_and_disclaimer(script_pdfs):
    text = squash(pdf_text(script_pdfs / "fa.pdf"))
    assert squash("Clinic · 555-0100") in text
    assert squash("صفحه ۱ از ۱") in text
    assert squash("Last reviewed: 2026-11-24") in text
    english = yaml.safe_load((ROOT / "i18n" / "en.yml").read_text(encoding="utf-8"))
    assert squash(english["disclaimer"]) in text
