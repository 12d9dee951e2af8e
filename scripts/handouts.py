"""Make the printable PDF handouts of the built site: one per page and language, and a booklet.

    python -m scripts.handouts [--site-dir site] [--paper letter|a4] [--force] [--quiet]

`python -m scripts.build` runs this step on its partial folder before moving it into place.
Under each language root (the site root for the default language, <lang>/ for the others):

    handouts/<NAME>.pdf, handouts/<NAME>.large.pdf      one page; NAME is handout_name()
    handouts/fbss-guide.pdf, handouts/fbss-guide.large.pdf   every page: cover, contents, pages

A language gets handouts of its translated pages only (no English sheet labelled Spanish);
pages whose front matter says `handout: false` get none. The large-print variant has body
text of 16 pt.

Engine: headless Chromium (Debian's, driven by Playwright). Its print shapes every script,
right-to-left included, supports CSS page margin boxes (since version 131) and writes tagged
PDFs with the document's language and title. WeasyPrint's paged media is richer, but it does
not support right-to-left text (its issue #106), and the guide will be in Persian and Arabic.

Each PDF is cached under .cache/handouts/ by a hash of everything that goes into it (its HTML,
with the stylesheet and template applied, this script, the paper size and the browser's
version): a rebuild renders only what changed and copies the rest. --force renders all.

Pages are checked first: an image without a text alternative, or one that does not exist,
fails the run, naming the page's source file, and no PDF is written.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html as htmllib
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import yaml

from scripts.markdown_source import FRONT_MATTER
from scripts.site_strings import load_strings

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
CSS_FILE = HERE / "handout.css"
TEMPLATE_FILE = HERE / "handout_template.html"
BOOKLET_NAME = "fbss-guide"
VARIANTS = ("regular", "large")
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
WORKERS = 2  # pages rendered at once; this machine (and CI) has 2 cores
CACHE_MAX_AGE_DAYS = 30

RIGHT_TO_LEFT = {"ar", "fa", "he", "ur", "ps", "ckb", "sd", "ug", "yi", "dv"}
# Page numbers in the page's own digits ("صفحه ۱ از ۳"): CSS counter styles.
COUNTER_STYLES = {"fa": "persian", "ar": "arabic-indic", "ur": "persian"}
# Noto CJK (fonts-noto-cjk) has one family per region; the reader's comes first so that Han
# characters take that region's forms.
CJK_REGIONS = {"zh-hant": "TC", "zh-tw": "TC", "zh-hk": "HK", "zh": "SC", "zh-hans": "SC",
               "zh-cn": "SC", "ja": "JP", "ko": "KR"}


class HandoutError(Exception):
    """A problem in the guide's content or setup that the author must fix."""


# --------------------------------------------------------------------------- names

def handout_name(src_uri: str, language: str | None = None) -> str:
    """The handout's file name (without .pdf) for a page's source path relative to docs/.

    "causes.md" -> "causes"; "treatments/medicines.md" -> "treatments-medicines";
    "treatments/index.md" -> "treatments-index". With a language, its suffix is dropped too
    ("causes.es.md", "es" -> "causes").
    """
    stem = src_uri.replace("\\", "/").removesuffix(".md")
    if language:
        stem = stem.removesuffix(f".{language}")
    return stem.replace("/", "-")


def url_path(src_uri: str, directory_urls: bool = True) -> str:
    """The page's address relative to its language root, as MkDocs writes it."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/" if directory_urls else f"{stem}.html"


def html_path(src_uri: str, directory_urls: bool = True) -> str:
    path = url_path(src_uri, directory_urls)
    return f"{path}index.html" if path == "" or path.endswith("/") else path


# --------------------------------------------------------------------------- configuration

class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml: !ENV like MkDocs does, other Python tags as plain text."""


def _env_tag(loader, node):
    if isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    else:
        names, default = [loader.construct_scalar(node)], None
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name]) if os.environ[name] else ""
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/",
                                    lambda loader, suffix, node: f"python/{suffix}")


def load_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}


def front_matter(path: Path) -> dict:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8-sig"))
    if not match:
        return {}
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}  # the site build reports it
    return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    default: bool
    site_name: str
    site_description: str

    @property
    def root(self) -> str:
        return "" if self.default else f"{self.code}/"

    @property
    def direction(self) -> str:
        return "rtl" if self.code.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


@dataclass
class Settings:
    config_file: Path
    site_dir: Path
    docs_dir: Path
    site_url: str
    directory_urls: bool
    languages: list[Language]
    nav: list[str]
    clinic: dict
    paper: str
    i18n_dir: Path

    @classmethod
    def load(cls, config_file: Path, site_dir: Path, paper: str | None = None) -> "Settings":
        config = load_config(config_file)
        base = config_file.parent
        site_url = str(config.get("site_url") or "http://127.0.0.1:8000/")
        site_url = site_url if site_url.endswith("/") else site_url + "/"
        extra = config.get("extra") or {}
        paper = (paper or (extra.get("handouts") or {}).get("paper") or "letter").lower()
        if paper not in PAPER_SIZES:
            raise HandoutError(f"paper size {paper!r} is not one of: {', '.join(PAPER_SIZES)}")
        i18n_dir = base / "i18n" if (base / "i18n").is_dir() else ROOT / "i18n"
        return cls(config_file=config_file, site_dir=site_dir,
                   docs_dir=base / config.get("docs_dir", "docs"), site_url=site_url,
                   directory_urls=config.get("use_directory_urls", True),
                   languages=_languages(config), nav=list(_flatten_nav(config.get("nav"))),
                   clinic={k: str(v).strip() for k, v in (extra.get("clinic") or {}).items()
                           if v is not None and str(v).strip()},
                   paper=paper, i18n_dir=i18n_dir)

    def strings(self, language: Language) -> dict:
        """The default language's strings, overlaid with the language's own where present."""
        default = next(lang for lang in self.languages if lang.default)
        return load_strings(language.code, default.code, self.i18n_dir)


def _languages(config: dict) -> list[Language]:
    plugin = next((p["i18n"] for p in config.get("plugins") or []
                   if isinstance(p, dict) and "i18n" in p), None)
    site_name = config.get("site_name", "")
    description = " ".join(str(config.get("site_description") or "").split())
    if not plugin:
        code = (config.get("theme") or {}).get("language", "en")
        return [Language(code, code, True, site_name, description)]
    entries = [lang for lang in plugin.get("languages") or [] if lang.get("build", True)]
    default_code = next((lang["locale"] for lang in entries if lang.get("default")),
                        entries[0]["locale"] if entries else "en")
    return [Language(code=lang["locale"], name=lang.get("name", lang["locale"]),
                     default=lang["locale"] == default_code,
                     site_name=lang.get("site_name") or site_name,
                     site_description=" ".join(str(lang.get("site_description")
                                                   or description).split()))
            for lang in entries]


def _flatten_nav(nav):
    for item in nav or []:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from _flatten_nav(value)


# --------------------------------------------------------------------------- pages

FALLBACK_MARK = re.compile(r'class="[^"]*\bguide-fallback\b')

@dataclass
class Page:
    src_uri: str          # the default language's source, relative to docs/ ("causes.md")
    source: str           # this language's source file, for messages ("docs/causes.es.md")
    language: Language
    html_file: Path       # the built page
    url: str              # its public web address
    meta: dict

    @property
    def name(self) -> str:
        return handout_name(self.src_uri)


def discover(settings: Settings) -> dict[str, list[Page]]:
    """Each language's pages that get a handout, in navigation order."""
    docs = settings.docs_dir
    codes = {lang.code for lang in settings.languages}

    def is_translation(path: Path) -> bool:
        parts = path.name.split(".")
        return len(parts) >= 3 and parts[-2] in codes

    sources = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                     if not is_translation(p))
    order = {src: index for index, src in enumerate(settings.nav)}
    sources.sort(key=lambda src: (order.get(src, len(order)), src != "index.md", src))
    base = settings.config_file.parent
    pages: dict[str, list[Page]] = {}
    for language in settings.languages:
        pages[language.code] = []
        for src in sources:
            file = docs / (src if language.default else f"{src[:-3]}.{language.code}.md")
            if not file.exists():
                continue  # shown in English in this language's section: no handout
            meta = front_matter(file)
            if meta.get("handout") is False or front_matter(docs / src).get("handout") is False:
                continue
            built = settings.site_dir / language.root / html_path(src, settings.directory_urls)
            if not built.exists() or FALLBACK_MARK.search(built.read_text(encoding="utf-8")):
                continue  # not built (excluded from the site), or shown in English
            try:
                source = file.relative_to(base).as_posix()
            except ValueError:
                source = file.as_posix()
            pages[language.code].append(Page(
                src_uri=src, source=source, language=language, html_file=built,
                url=settings.site_url + language.root + url_path(src, settings.directory_urls),
                meta=meta))
    return pages


# --------------------------------------------------------------------------- HTML

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SKIP_TAGS = {"script", "style", "noscript", "template", "button", "form", "iframe", "video",
             "audio", "object"}
# Screen-only parts of a page: permalink icons, footnote back-links, the "Print or download
# this page" links, the "not yet translated" notice, edit buttons.
SKIP_CLASSES = {"headerlink", "footnote-backref", "guide-handout", "guide-fallback",
                "md-content__button", "md-source-file"}


@dataclass
class Article:
    html: str
    title: str
    lang: str
    images: int = 0


class ArticleRewriter(HTMLParser):
    """The page's <article> made for paper, checked as it goes.

    Links get their web address printed after them; images must exist and have a text
    alternative; ids get a prefix (so pages can share one booklet); tooltips, permalink
    icons, scripts and screen-only parts go.
    """

    def __init__(self, page: Page, site_dir: Path, errors: list[str], id_prefix: str = "",
                 local_targets: dict[str, str] | None = None):
        super().__init__(convert_charrefs=False)
        self.page, self.site_dir, self.errors = page, site_dir.resolve(), errors
        self.id_prefix, self.local_targets = id_prefix, local_targets or {}
        self.out: list[str] = []
        self.depth = 0                      # open <article> elements we are inside
        self.skip: tuple[str, int] | None = None
        self.links: list[tuple[str | None, list[str]]] = []
        self.lang = ""
        self.head_title: list[str] | None = None
        self.title_parts: list[str] = []
        self.h1_parts: list[str] | None = None
        self.h1 = ""
        self.h1_span: list[int] = []        # where the title is in self.out
        self.footnote_mark: int | None = None  # where the last footnote mark ended
        self.in_footnote_mark = False
        self.images = 0

    # -- parser events
    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if tag == "title" and self.head_title is not None:
            self.title_parts, self.head_title = self.head_title, None
        if not self.depth:
            return
        if self.skip:
            name, level = self.skip
            if tag == name:
                self.skip = (name, level - 1) if level > 1 else None
            return
        if tag == "article":
            self.depth -= 1
            if not self.depth:
                return
        self.out.append(f"</{tag}>")
        if tag == "sup" and self.in_footnote_mark:
            self.in_footnote_mark = False
            self.footnote_mark = len(self.out)
        if tag == "h1" and self.h1_parts is not None:
            self.h1 = " ".join("".join(self.h1_parts).split())
            self.h1_parts = None
            self.h1_span.append(len(self.out))
        if tag == "a" and self.links:
            printed, text = self.links.pop()
            if printed and not _same_address("".join(text), printed):
                self.out.append(f' <span class="print-url">(<bdi dir="ltr">'
                                f"{breakable_url(printed)}</bdi>)</span>")

    def handle_data(self, data):
        if self.head_title is not None:
            self.head_title.append(data)
        if self.depth and not self.skip:
            self.out.append(data)
            self._text(htmllib.unescape(data) if "&" in data else data)

    def handle_entityref(self, name):
        self._reference(f"&{name};")

    def handle_charref(self, name):
        self._reference(f"&#{name};")

    def _reference(self, raw):
        if self.head_title is not None:
            self.head_title.append(htmllib.unescape(raw))
        if self.depth and not self.skip:
            self.out.append(raw)
            self._text(htmllib.unescape(raw))

    def _text(self, text):
        for _, parts in self.links:
            parts.append(text)
        if self.h1_parts is not None:
            self.h1_parts.append(text)

    # -- elements
    def _start(self, tag, attrs, closed):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        if tag == "title" and not self.depth and not closed:
            self.head_title = []
        if not self.depth:
            if tag == "article" and "md-content__inner" in (attributes.get("class") or ""):
                self.depth = 1
            return
        if self.skip:
            if tag == self.skip[0] and tag not in VOID and not closed:
                self.skip = (tag, self.skip[1] + 1)
            return
        classes = set((attributes.get("class") or "").split())
        if tag in SKIP_TAGS or classes & SKIP_CLASSES:
            if tag not in VOID and not closed:
                self.skip = (tag, 1)
            return
        if tag == "article":
            self.depth += 1
        if tag == "sup" and (attributes.get("id") or "").startswith("fnref"):
            # Two marks side by side read as one number ("45"): print "4,5".
            if self.footnote_mark == len(self.out):
                self.out.append('<span class="footnote-separator">,</span>')
            self.in_footnote_mark = True
        attributes = self._rewrite(tag, attributes)
        if tag == "h1" and not self.h1 and self.h1_parts is None:
            self.h1_parts = []
            self.h1_span = [len(self.out)]
        self.out.append(_start_tag(tag, attributes, closed))

    def _rewrite(self, tag, attributes: dict) -> dict:
        for key in ("id", "for"):
            if attributes.get(key) and self.id_prefix:
                attributes[key] = self.id_prefix + attributes[key]
        for key in ("aria-labelledby", "aria-describedby", "aria-controls"):
            if attributes.get(key) and self.id_prefix:
                attributes[key] = " ".join(self.id_prefix + v for v in attributes[key].split())
        attributes.pop("data-search-exclude", None)
        if tag == "abbr":
            attributes.pop("title", None)  # a tooltip cannot be read on paper
        elif tag == "details":
            attributes["open"] = None
        elif tag == "a":
            href, printed = self._link(attributes.get("href"))
            if href is not None:
                attributes["href"] = href
            attributes.pop("download", None)
            attributes.pop("target", None)
            self.links.append((printed, []))
        elif tag == "img":
            self._image(attributes)
        return attributes

    def _link(self, href: str | None) -> tuple[str | None, str | None]:
        """(href to use in the PDF, address to print after the link, if any)."""
        if not href:
            return href, None
        if href.startswith("#"):
            return "#" + self.id_prefix + href[1:] if self.id_prefix else href, None
        scheme = urlsplit(href).scheme.lower()
        if scheme in ("mailto", "tel"):
            return href, unquote(href.split(":", 1)[1])
        if scheme:
            return href, href
        absolute = urljoin(self.page.url, href)
        address, fragment = urldefrag(absolute)
        if address == self.page.url:
            return ("#" + self.id_prefix + fragment) if fragment else "#", None
        target = self.local_targets.get(address)
        if target is not None:  # a page of the same booklet: jump to it in the PDF
            return "#" + target + (f"--{fragment}" if fragment else ""), address
        return absolute, address

    def _image(self, attributes: dict) -> None:
        self.images += 1
        src = attributes.get("src") or ""
        alt = attributes.get("alt")
        decorative = (attributes.get("role") in ("presentation", "none")
                      or attributes.get("aria-hidden") == "true")
        attributes.pop("srcset", None)
        attributes.pop("loading", None)  # lazy images may not be loaded when printing
        external = bool(urlsplit(src).scheme) or src.startswith("//")
        target = None
        if src and not external:
            target = (self.page.html_file.parent / unquote(urlsplit(src).path)).resolve()
        shown = src
        if target is not None and target.is_relative_to(self.site_dir) and target.is_file():
            # as the author wrote it in Markdown: relative to docs/ (MkDocs made it "../x")
            shown = target.relative_to(self.site_dir).as_posix()
            root = self.page.language.root
            shown = shown[len(root):] if root and shown.startswith(root) else shown
            attributes["src"] = target.as_uri()
        label = f"{self.page.source}: image '{shown}'"
        if alt is None:
            self.errors.append(f"{label} has no alt text. Describe what it shows: "
                               "![what the image shows](...).")
        elif not alt.strip() and not decorative:
            self.errors.append(f"{label} has an empty alt text. Describe what it shows, or mark "
                               "a purely decorative image with { role=presentation }.")
        if not src:
            self.errors.append(f"{label} has no src.")
        elif src.startswith("data:"):
            pass
        elif external:
            self.errors.append(f"{label} is on another site; handouts are made offline, so "
                               "images must be part of the guide (put it in docs/).")
        elif not attributes["src"].startswith("file:"):
            inside = target.is_relative_to(self.site_dir)
            looked = target.relative_to(self.site_dir).as_posix() if inside else str(target)
            self.errors.append(f"{label} does not exist (looked for {looked} in the built "
                               "site).")

    def article(self) -> Article:
        out = self.out
        if len(self.h1_span) == 2:  # on paper the title comes first, then the notices
            start, end = self.h1_span
            out = out[start:end] + ["\n"] + out[:start] + out[end:]
        html = "".join(out).strip()
        title = self.h1 or " ".join("".join(self.title_parts).split())
        return Article(html=html, title=title, lang=self.lang, images=self.images)


def _start_tag(tag: str, attributes: dict, closed: bool) -> str:
    parts = [tag]
    for key, value in attributes.items():
        parts.append(key if value is None else f'{key}="{htmllib.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed and tag not in VOID else ">")


def _same_address(text: str, address: str) -> bool:
    def bare(value: str) -> str:
        value = value.strip().lower()
        value = re.sub(r"^(https?://|mailto:|tel:)", "", value)
        return value.removeprefix("www.").rstrip("/")
    return bare(text) == bare(address)


def read_article(page: Page, settings: Settings, errors: list[str], id_prefix: str = "",
                 local_targets: dict[str, str] | None = None) -> Article:
    rewriter = ArticleRewriter(page, settings.site_dir, errors, id_prefix, local_targets)
    rewriter.feed(page.html_file.read_text(encoding="utf-8"))
    rewriter.close()
    article = rewriter.article()
    if not article.html:
        errors.append(f"{page.source}: no page content found in {page.html_file} "
                      "(expected <article class=\"md-content__inner\">).")
    return article


# --------------------------------------------------------------------------- documents

def font_stack(language: str) -> str:
    """Noto families (fonts-noto-core, fonts-noto-cjk) that together cover every script the
    guide is written in; the language's own script first."""
    code = language.lower()
    region = CJK_REGIONS.get(code) or CJK_REGIONS.get(code.split("-")[0], "SC")
    cjk = [f"Noto Sans CJK {r}" for r in dict.fromkeys([region, "SC", "TC", "HK", "JP", "KR"])]
    arabic = ["Noto Sans Arabic", "Noto Naskh Arabic"]
    latin = ["Noto Sans"]
    if code.split("-")[0] in RIGHT_TO_LEFT:
        families = arabic + latin
    else:
        families = latin + arabic
    families += ["Noto Sans Armenian", *cjk, "Noto Sans Symbols", "Noto Sans Math"]
    return ", ".join(f'"{family}"' for family in families)


def mono_stack(language: str) -> str:
    code = language.lower()
    region = CJK_REGIONS.get(code) or CJK_REGIONS.get(code.split("-")[0], "SC")
    return f'"Noto Sans Mono CJK {region}", {font_stack(language)}'


def css_string(value) -> str:
    """A CSS string literal, safe inside <style>."""
    from markupsafe import Markup

    text = str(value or "")
    for character, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\A "), ("<", "\\3C ")):
        text = text.replace(character, escaped)
    return Markup(f'"{text}"')


def local_digits(number: str, language: str) -> str:
    """A page number in the digits the language's page numbers use (COUNTER_STYLES)."""
    style = COUNTER_STYLES.get(language.split("-")[0].lower())
    zero = {"persian": 0x06F0, "arabic-indic": 0x0660}.get(style)
    return "".join(chr(zero + int(c)) if zero and c.isdigit() else c for c in number)


def isolate(text) -> str:
    """Text that takes its own direction wherever it stands (Unicode first-strong isolate):
    an English clinic name or a not yet translated string on a Persian page reads right."""
    return f"\u2068{text}\u2069" if text else ""


URL_PART_MAX = 32  # characters; a longer part may still wrap anywhere (it must fit a line)


def breakable_url(url: str) -> str:
    """HTML for a printed URL that wraps after a "/" and never at a hyphen, where a reader
    could not tell the URL's hyphen from one that splits a word at the end of a line."""
    parts = [part for part in re.split(r"(?<=/)", url) if part]
    return "<wbr>".join(
        f'<span class="url-part">{htmllib.escape(part)}</span>' if len(part) <= URL_PART_MAX
        else htmllib.escape(part) for part in parts)


def page_label(template: str, language: str) -> str:
    """'Page {page} of {pages}' as CSS content: strings and page counters."""
    style = COUNTER_STYLES.get(language.split("-")[0].lower())
    parts = []
    for token in re.split(r"(\{pages?\})", template):
        if token in ("{page}", "{pages}"):
            counter = token[1:-1]
            parts.append(f"counter({counter}, {style})" if style else f"counter({counter})")
        elif token:
            parts.append(css_string(token))
    return " ".join(parts) or "none"


def qr_svg(url: str, title: str) -> str:
    import segno

    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True,
                          title=title)
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


_environment = None


def _template():
    global _environment
    if _environment is None:
        import jinja2
        import markupsafe

        _environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE)), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        _environment.filters["css_string"] = css_string
        _environment.filters["isolate"] = isolate
        _environment.filters["breakable_url"] = lambda url: markupsafe.Markup(breakable_url(url))
    return _environment.get_template(TEMPLATE_FILE.name)


@dataclass
class Section:
    anchor: str
    page_name: str
    html: str
    url: str
    qr_svg: str
    top_note: str
    title: str


def make_document(*, lang: str, title: str, sections: list[Section], strings: dict,
                  clinic: dict, paper: str, large: bool, booklet: dict | None = None,
                  direction: str | None = None) -> str:
    """The full HTML of one handout, ready to print."""
    direction = direction or ("rtl" if lang.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr")
    start, end = ("right", "left") if direction == "rtl" else ("left", "right")
    header = " · ".join(v for v in (clinic.get("name"), clinic.get("phone")) if v)
    return _template().render(
        lang=lang, dir=direction, title=title, css=CSS_FILE.read_text(encoding="utf-8"),
        font_stack=font_stack(lang), mono_stack=mono_stack(lang),
        paper=PAPER_SIZES[paper], large=large, start=start, end=end, header=header,
        disclaimer=strings.get("disclaimer", ""),
        page_label=page_label(strings.get("handout_page", "{page} / {pages}"), lang),
        sections=sections, strings=strings, booklet=booklet)


def _top_note(page_meta: dict, strings: dict, large: bool) -> str:
    parts = []
    if large:
        parts.append(strings.get("handout_large_print", "Large print"))
    if page_meta.get("last_reviewed"):
        parts.append(strings.get("last_reviewed", "{date}")
                     .replace("{date}", str(page_meta["last_reviewed"])))
    return " · ".join(parts)


@dataclass
class Booklet:
    """What a booklet needs besides its first HTML: the contents' page numbers come from
    the page counts of the single handouts it is made of (same layout, same breaks)."""
    render: Callable[[list[str], bool], str]   # (page numbers, with the pages?) -> HTML
    parts: list[str]                            # outputs of its pages' single handouts


@dataclass
class Job:
    output: str               # relative to the site: "es/handouts/causes.large.pdf"
    html: str
    title: str
    booklet: Booklet | None = None
    key: str = ""
    rendered: Path | None = None


def plan(settings: Settings, pages: dict[str, list[Page]]) -> tuple[list[Job], list[str]]:
    """Every handout to make, as HTML; and the content errors found on the way."""
    errors: list[str] = []
    jobs: list[Job] = []
    for language in settings.languages:
        own = pages.get(language.code) or []
        if not own:
            continue
        clash = [page.source for page in own if page.name == BOOKLET_NAME]
        if clash:
            errors.append(f"{clash[0]}: its handout would be named like the booklet "
                          f"({BOOKLET_NAME}.pdf); rename the page.")
        strings = settings.strings(language)
        qr_title = strings.get("handout_qr", "QR code")
        articles = {page.src_uri: read_article(page, settings, errors) for page in own}
        qrs = {page.src_uri: qr_svg(page.url, qr_title) for page in own}
        anchors = {page.url: f"page-{page.name}" for page in own}
        # In the booklet, ids get their page's prefix, and links to another page of the
        # booklet jump to it inside the PDF.
        booklet_articles = {
            page.src_uri: read_article(page, settings, [], id_prefix=f"page-{page.name}--",
                                       local_targets=anchors)
            for page in own}
        for large in (False, True):
            suffix = ".large" if large else ""
            parts = []
            for page in own:
                article = articles[page.src_uri]
                section = Section(anchor=f"page-{page.name}", page_name="section-0",
                                  html=article.html, url=page.url, qr_svg=qrs[page.src_uri],
                                  top_note=_top_note(page.meta, strings, large),
                                  title=article.title)
                document = make_document(lang=article.lang or language.code,
                                         title=article.title, sections=[section],
                                         strings=strings, clinic=settings.clinic,
                                         paper=settings.paper, large=large,
                                         direction=language.direction)
                parts.append(f"{language.root}handouts/{page.name}{suffix}.pdf")
                jobs.append(Job(output=parts[-1], html=document, title=article.title))
            jobs.append(_booklet_job(settings, language, own, booklet_articles, qrs, strings,
                                     large, suffix, parts))
    return jobs, errors


def _booklet_job(settings, language, own, articles, qrs, strings, large, suffix,
                 parts) -> Job:
    sections = [Section(anchor=f"page-{page.name}", page_name=f"section-{index}",
                        html=articles[page.src_uri].html, url=page.url,
                        qr_svg=qrs[page.src_uri],
                        top_note=_top_note(page.meta, strings, large),
                        title=articles[page.src_uri].title)
                for index, page in enumerate(own)]
    home = settings.site_url + language.root
    clinic = settings.clinic
    clinic_lines = [line for line in (
        strings.get("clinic_notice", "{clinic}").replace(
            "{clinic}", clinic.get("name", "") + (f", {clinic['region']}"
                                                  if clinic.get("region") else ""))
        if clinic.get("name") else "",
        clinic.get("phone", ""), clinic.get("address", ""), clinic.get("website", ""))
        if line]
    title = language.site_name
    if large:
        title = f"{title} ({strings.get('handout_large_print', 'Large print')})"
    home_qr = qr_svg(home, strings.get("handout_qr", "QR code"))

    def render(numbers: list[str], with_pages: bool = True) -> str:
        booklet = {"site_name": language.site_name, "description": language.site_description,
                   "clinic_lines": clinic_lines, "url": home, "qr_svg": home_qr,
                   "toc": [{"title": s.title, "anchor": s.anchor,
                            "page": local_digits(number, language.code)}
                           for s, number in zip(sections, numbers)]}
        return make_document(lang=language.code, title=title,
                             sections=sections if with_pages else [], strings=strings,
                             clinic=clinic, paper=settings.paper, large=large,
                             booklet=booklet, direction=language.direction)

    return Job(output=f"{language.root}handouts/{BOOKLET_NAME}{suffix}.pdf",
               html=render([""] * len(sections)), title=title,
               booklet=Booklet(render=render, parts=parts))


# --------------------------------------------------------------------------- rendering

def find_browser() -> str:
    explicit = os.environ.get("HANDOUTS_BROWSER")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    raise HandoutError("handouts need Chromium, and none was found on PATH. Install it "
                       "(python -m scripts.setup --test installs it on Debian/Ubuntu), set "
                       "HANDOUTS_BROWSER to its path, or build with --no-handouts.")


BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--allow-file-access-from-files"]
PDF_OPTIONS = dict(tagged=True, outline=True, prefer_css_page_size=True, print_background=True,
                   display_header_footer=False)


def browser_version(executable: str) -> str:
    """The browser's version, for the cache key, without starting it for nothing."""
    import subprocess

    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    found = re.search(r"\d+(\.\d+)+", out)
    return found.group(0) if found else "unknown"


class Headings(HTMLParser):
    """The headings of a handout's HTML, in order: (level, text, section anchor)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._open: tuple[int, list[str]] | None = None
        self._section = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" and "handout-section" in (attributes.get("class") or ""):
            self._section = attributes.get("id") or ""
        elif re.fullmatch(r"h[1-6]", tag) and self._open is None:
            self._open = (int(tag[1]), [])

    def handle_endtag(self, tag):
        if self._open and tag == f"h{self._open[0]}":
            level, parts = self._open
            self.found.append((level, " ".join("".join(parts).split()), self._section))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)


class ChromiumPdf:
    """Just enough of a PDF reader and writer for what Chromium's Skia backend writes (a
    classic cross-reference table, plain objects) to fix its outline and read page numbers.

    Chromium builds the outline (bookmarks) from the headings, but joins a wrapped heading's
    lines without a space, sometimes repeats them, and stores right-to-left headings in
    visual order. The headings' real text is known, so the titles are replaced, as an
    incremental update (new versions of those objects appended; nothing else rewritten).
    """

    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", self.data)
        if not found:
            raise ValueError("no cross-reference table found")
        self.xref = int(found.group(1))
        self.offsets: dict[int, int] = {}
        self.trailer = self._read_xref(self.xref)

    def _read_xref(self, offset: int, depth: int = 0) -> bytes:
        """One cross-reference section (older ones first, via /Prev); its trailer."""
        if not self.data.startswith(b"xref", offset) or depth > 100:
            raise ValueError("not a PDF with a classic cross-reference table")
        trailer_at = self.data.index(b"trailer", offset)
        trailer = self.data[trailer_at:self.data.index(b"startxref", trailer_at)]
        previous = re.search(rb"/Prev\s+(\d+)", trailer)
        if previous:
            self._read_xref(int(previous.group(1)), depth + 1)
        number = 0
        for line in self.data[offset + 4:trailer_at].split(b"\n"):
            fields = line.split()
            if len(fields) == 2:
                number = int(fields[0])
            elif len(fields) == 3:
                if fields[2] == b"n":
                    self.offsets[number] = int(fields[0])
                number += 1
        return trailer

    def body(self, number: int) -> bytes:
        start = self.offsets[number]
        start = self.data.index(b"obj", start) + 3
        return self.data[start:self.data.index(b"endobj", start)].strip()

    @staticmethod
    def ref(body: bytes, key: bytes) -> int | None:
        found = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
        return int(found.group(1)) if found else None

    def pages(self) -> list[int]:
        order: list[int] = []

        def visit(number: int) -> None:
            body = self.body(number)
            kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
            if kids and b"/Pages" in body:
                for kid in re.findall(rb"(\d+)\s+0\s+R", kids.group(1)):
                    visit(int(kid))
            else:
                order.append(number)

        visit(self.ref(self.body(self.ref(self.trailer, b"Root")), b"Pages"))
        return order

    def outline(self) -> list[int]:
        """The outline items' object numbers, in document order (depth first)."""
        root = self.ref(self.body(self.ref(self.trailer, b"Root")), b"Outlines")
        items: list[int] = []

        def visit(number: int | None) -> None:
            while number is not None:
                items.append(number)
                body = self.body(number)
                visit(self.ref(body, b"First"))
                number = self.ref(body, b"Next")

        if root is not None:
            visit(self.ref(self.body(root), b"First"))
        return items

    def page_of(self, item: int, pages: list[int]) -> int | None:
        found = re.search(rb"/Dest\s*\[\s*(\d+)\s+0\s+R", self.body(item))
        return pages.index(int(found.group(1))) + 1 if found else None

    def retitle(self, titles: dict[int, str]) -> None:
        """Give outline items new titles, as an incremental update of the file."""
        if not titles:
            return
        out = bytearray(self.data if self.data.endswith(b"\n") else self.data + b"\n")
        written = {}
        for number, title in sorted(titles.items()):
            encoded = b"<FEFF" + title.encode("utf-16-be").hex().upper().encode() + b">"
            body, count = re.subn(rb"/Title\s*(\((?:\\.|[^\\()])*\)|<[^>]*>)",
                                  lambda _: b"/Title " + encoded, self.body(number), count=1)
            if not count:
                raise ValueError(f"outline item {number} has no title")
            written[number] = len(out)
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n"
        for number, offset in written.items():
            out += b"%d 1\n%010d 00000 n \n" % (number, offset)
        size = re.search(rb"/Size\s+(\d+)", self.trailer).group(1)
        info = self.ref(self.trailer, b"Info")
        out += (b"trailer\n<</Size " + size + b" /Root %d 0 R" % self.ref(self.trailer, b"Root")
                + (b" /Info %d 0 R" % info if info is not None else b"")
                + b" /Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (self.xref, xref))
        self.path.write_bytes(bytes(out))


def finish_pdf(pdf: Path, html: str, sections: int = 0) -> list[str] | None:
    """Correct the PDF's outline titles; for a booklet, return where each section starts.

    Returns None when the PDF cannot be read this way (a future Chromium may write another
    kind of PDF); the outline is then left as Chromium made it.
    """
    headings = Headings(html).found
    try:
        document = ChromiumPdf(pdf)
        items = document.outline()
        if len(items) != len(headings):
            return None
        numbers: list[str] = []
        if sections:
            pages = document.pages()
            starts: dict[str, str] = {}
            for item, (level, _, section) in zip(items, headings):
                if section and section not in starts:
                    starts[section] = str(document.page_of(item, pages) or "")
            numbers = list(starts.values())
        document.retitle({item: text for item, (_, text, _) in zip(items, headings)})
    except (ValueError, KeyError, AttributeError) as error:
        print(f"warning: {pdf.name}: outline not corrected ({error})", file=sys.stderr)
        return None
    return numbers if not sections or len(numbers) == sections else None


async def _render(phases: list[list[Job]], work: Path, executable: str, progress,
                  page_count: Callable[[str], int | None]) -> None:
    """Print every job with one browser and WORKERS tabs; one phase after the other."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, headless=True,
                                                   args=BROWSER_FLAGS)
        try:
            tabs = []
            for _ in range(WORKERS):
                # A context each, so that each tab has its own renderer process.
                context = await browser.new_context()
                tabs.append(await context.new_page())

            async def print_pdf(tab, html: str, target: Path) -> None:
                source = target.with_suffix(".html")
                source.write_text(html, encoding="utf-8")
                await tab.goto(source.as_uri(), wait_until="load")
                await tab.evaluate("document.fonts.ready.then(() => true)")
                await tab.pdf(path=str(target), **PDF_OPTIONS)

            async def make(tab, job: Job) -> None:
                target = work / f"{hashlib.sha256(job.output.encode()).hexdigest()}.pdf"
                if job.booklet is None:
                    await print_pdf(tab, job.html, target)
                    finish_pdf(target, job.html)
                else:
                    await _make_booklet(job, target, lambda html: print_pdf(tab, html, target),
                                        page_count)
                job.rendered = target
                progress.update(1)

            for phase in phases:
                queue = sorted(phase, key=lambda job: len(job.html))  # largest first

                async def worker(tab) -> None:
                    while queue:
                        await make(tab, queue.pop())

                await asyncio.gather(*(worker(tab) for tab in tabs[:max(1, len(queue))]))
        finally:
            await browser.close()


async def _make_booklet(job: Job, target: Path, print_html, page_count) -> None:
    """Cover, contents and every page, with the page where each one starts.

    Each page of the guide starts on a new sheet and is laid out exactly as its own handout,
    so it takes as many sheets as that handout: the numbers follow from those counts and
    the length of the cover and contents (printed alone first, a few sheets). The outline of
    the result confirms them; if a page started elsewhere, it is printed once more.
    """
    booklet = job.booklet
    sections = len(booklet.parts)
    counts = [page_count(part) for part in booklet.parts]
    numbers = [""] * sections
    if all(counts):
        front = booklet.render(numbers, False)
        await print_html(front)
        front_pages = page_count_of(target)
        if front_pages:
            start = front_pages + 1
            numbers = []
            for count in counts:
                numbers.append(str(start))
                start += count
    html = booklet.render(numbers)
    await print_html(html)
    actual = finish_pdf(target, html, sections)
    if actual and actual != numbers:
        html = booklet.render(actual)
        await print_html(html)
        actual = finish_pdf(target, html, sections)
    if not actual:
        print(f"warning: {job.output}: could not check the contents' page numbers",
              file=sys.stderr)


def render_documents(documents: dict[Path, str], executable: str | None = None) -> None:
    """Print finished HTML documents (make_document) to the given PDF files, as the handouts
    are printed. For tests and benchmarks."""
    jobs = {path: Job(output=str(path), html=html, title="") for path, html in documents.items()}
    work = Path(tempfile.mkdtemp(prefix="handouts-"))
    try:
        asyncio.run(_render([list(jobs.values())], work, executable or find_browser(),
                            _progress(0, True), lambda _: None))
        for path, job in jobs.items():
            shutil.copyfile(job.rendered, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def page_count_of(pdf: Path) -> int | None:
    try:
        return len(ChromiumPdf(pdf).pages())
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --------------------------------------------------------------------------- the run

_SOURCE = Path(__file__).read_text(encoding="utf-8")  # a new version of this script: all anew


def cache_dir(settings: Settings) -> Path:
    return settings.config_file.parent / ".cache" / "handouts"


def _key(job: Job, settings: Settings, version: str) -> str:
    digest = hashlib.sha256()
    for part in (_SOURCE, version, settings.paper, job.output.rsplit("/", 1)[-1], job.html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _progress(total: int, quiet: bool):
    try:
        from tqdm import tqdm
    except ImportError:  # the bar is a nicety
        tqdm = None
    if tqdm is None or quiet or not sys.stderr.isatty():
        class _Silent:
            def update(self, n=1): pass
            def close(self): pass
        return _Silent()
    return tqdm(total=total, desc="Handouts", unit="pdf", file=sys.stderr, leave=False)


@dataclass
class Result:
    made: int = 0
    reused: int = 0
    seconds: float = 0.0
    prepare_seconds: float = 0.0   # reading the pages and writing their HTML
    outputs: list[str] = field(default_factory=list)


def make_handouts(settings: Settings, force: bool = False, quiet: bool = False) -> Result:
    """Write every handout into settings.site_dir. Raises HandoutError, writing nothing."""
    started = time.perf_counter()
    pages = discover(settings)
    jobs, errors = plan(settings, pages)
    if errors:
        raise HandoutError("\n".join(errors))
    result = Result(outputs=[job.output for job in jobs],
                    prepare_seconds=time.perf_counter() - started)
    if not jobs:
        result.seconds = time.perf_counter() - started
        return result
    executable = find_browser()
    version = browser_version(executable)
    cache = cache_dir(settings)
    cache.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        job.key = _key(job, settings, version)
    todo = [job for job in jobs if force or not (cache / f"{job.key}.pdf").exists()]
    by_output = {job.output: job for job in jobs}

    def page_count(output: str) -> int | None:
        job = by_output[output]
        return page_count_of(job.rendered or cache / f"{job.key}.pdf")

    progress = _progress(len(jobs), quiet)
    progress.update(len(jobs) - len(todo))
    work = Path(tempfile.mkdtemp(prefix="handouts-"))
    try:
        if todo:
            # Single pages first: the booklets are laid out from their page counts.
            phases = [[job for job in todo if job.booklet is None],
                      [job for job in todo if job.booklet is not None]]
            asyncio.run(_render(phases, work, executable, progress, page_count))
            for job in todo:
                cached = cache / f"{job.key}.pdf"
                partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
                shutil.copyfile(job.rendered, partial)
                os.replace(partial, cached)
        # Everything is made: now put it in place, each file by an atomic rename.
        staged = []
        for job in jobs:
            target = settings.site_dir / job.output
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(cache / f"{job.key}.pdf", temporary)
            staged.append((temporary, target))
        for temporary, target in staged:
            os.replace(temporary, target)
    except BaseException:
        for job in jobs:
            target = settings.site_dir / job.output
            for leftover in target.parent.glob(f".{target.name}.*.tmp"):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        progress.close()
        shutil.rmtree(work, ignore_errors=True)
    _remove_stale(settings, result.outputs)
    _prune_cache(cache, {job.key for job in jobs})
    result.made, result.reused = len(todo), len(jobs) - len(todo)
    result.seconds = time.perf_counter() - started
    return result


def _remove_stale(settings: Settings, outputs: list[str]) -> None:
    """PDFs of pages that no longer have a handout (deleted, or marked handout: false)."""
    wanted = {settings.site_dir / output for output in outputs}
    for language in settings.languages:
        folder = settings.site_dir / language.root / "handouts"
        for pdf in folder.glob("*.pdf") if folder.is_dir() else []:
            if pdf not in wanted:
                pdf.unlink()


def _prune_cache(cache: Path, used: set[str]) -> None:
    """Keep what this run used, and a few runs' worth of others (another paper size or site
    address), used in the last CACHE_MAX_AGE_DAYS days; delete the rest."""
    now = time.time()
    others = []
    for pdf in cache.glob("*.pdf"):
        if pdf.stem in used:
            os.utime(pdf, (now, now))
        else:
            others.append((pdf.stat().st_mtime, pdf))
    others.sort(reverse=True)
    for index, (modified, pdf) in enumerate(others):
        if index >= 3 * len(used) or now - modified > CACHE_MAX_AGE_DAYS * 86400:
            pdf.unlink(missing_ok=True)


def run(site_dir: Path, config_file: Path, paper: str | None = None, force: bool = False,
        quiet: bool = False) -> int:
    """The handouts step of the build: 0 when every handout is in place, 1 otherwise."""
    try:
        if not site_dir.is_dir():
            raise HandoutError(f"{site_dir} does not exist: build the site first "
                               "(python -m scripts.build).")
        settings = Settings.load(config_file, site_dir, paper)
        result = make_handouts(settings, force=force, quiet=quiet)
    except HandoutError as error:
        print(f"{error}\n\nHandouts failed: no PDF was written.", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - the browser failing, a full disk ...
        print(f"Handouts failed: {type(error).__name__}: {error}\nNo PDF was written.",
              file=sys.stderr)
        return 1
    languages = len({output.split("handouts/")[0] for output in result.outputs})
    per = f" ({result.seconds / result.made:.2f} s per PDF made)" if result.made else ""
    print(f"Handouts: {len(result.outputs)} PDFs for {languages} language"
          f"{'s' if languages != 1 else ''}: {result.made} made, {result.reused} reused, "
          f"in {result.seconds:.1f} s{per}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--paper", choices=sorted(PAPER_SIZES),
                        help="paper size (default: mkdocs.yml extra.handouts.paper, or letter)")
    parser.add_argument("--force", action="store_true", help="ignore the cache: render all")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    return run(args.site_dir.resolve(), args.config_file.resolve(), args.paper, args.force,
               args.quiet)


if __name__ == "__main__":
    sys.exit(main())
