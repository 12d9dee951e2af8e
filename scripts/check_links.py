"""Check every link, image and anchor of the guide, in every language.

    python -m scripts.check_links                  # sources, and site/ when it exists
    python -m scripts.check_links --site DIR       # sources, and the site built into DIR
    python -m scripts.check_links --external       # also fetch external links (kept a day)
    python -m scripts.check_links --format json    # for machines

Sources (docs/ and the nav in mkdocs.yml): every Markdown link, image, reference definition,
autolink and raw HTML href/src, resolved the way the site resolves it. A link to `other.md`
from a page shown in Spanish means `other.es.md` when it exists, else the English `other.md`;
an English page shown in the Spanish site (no translation yet) is checked there too. Anchors
are the ids the site gives: headings (the toc extension's slugify, repeats get _1, _2),
explicit {#id}s, raw HTML ids and footnotes (#fn:label, #fnref:label).

Built site: every href, src and srcset in every HTML file (and every location in the search
indexes and sitemaps) resolves to a file in the site, and every #fragment to an id on that
page. This catches links from templates, overrides, the nav, the language switcher and the
handouts. The same broken target on several pages, or a template's link to each page's own
missing file (handouts/<page>.pdf) on half the pages or more, is reported once, with the
number of pages. The site's own address (from the canonical links) counts as internal.

External links are only checked for form (https, no tracking parameters, no javascript:)
unless --external: then each is fetched (HEAD, then GET), 8 at a time and 2 per host, with a
10 s timeout and 2 retries; results are kept a day in .cache/links.json.

Exit status: 0 clean, 1 findings, 2 usage error.
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import html
import json
import os
import posixpath
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from scripts.markdown_source import FRONT_MATTER

# YAML, Markdown and the network modules are imported where they are used: checking a built
# site needs none of them, and starts in a third of the time.

ROOT = Path(__file__).resolve().parent.parent
DAY = 24 * 60 * 60
USER_AGENT = "fbss-guide-link-check/1.0"
TEMPLATE_PAGES = 3  # the same broken target on this many pages: likely a template

# mkdocs-static-i18n's test for a language suffix (config.RE_LOCALE).
LOCALE = re.compile(r"(^[a-z]{2}(-[A-Za-z]{4})?(-[A-Z]{2})?$)|(^[a-z]{2}_[A-Z]{2}$)")
TRACKING = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid",
                      "mc_eid", "yclid", "igshid", "twclid", "ttclid", "li_fat_id", "_ga",
                      "_gl", "ref_src", "spm"})
TEL = re.compile(r"^\+?[0-9][0-9().\-]{2,}$")

# Markdown, read on text whose code, comments and front matter are blanked out.
COMMENT = re.compile(r"<!--.*?-->", re.S)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)((?:(?!\n[ \t]*\n)[\s\S])+?)(?<!`)\1(?!`)")
# Lines after which indented text belongs to a block, not code: lists, admonitions, details,
# tabs, footnotes, definitions, md_in_html.
CONTAINER = re.compile(r"([-*+]|\d+[.)])[ \t]|!!!|\?\?\?|===|\[\^[^\]]+\]:|:[ \t]|<\w[^>]*markdown")
BRACKETED = r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
INLINE = re.compile(r"(!?)" + BRACKETED + r"\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))+)"
                    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)")
REFERENCE = re.compile(r"(!?)" + BRACKETED + r"\[([^\]\n]*)\]")
DEFINITION = re.compile(r"^[ \t]*\[([^\]^][^\]]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]*|mailto:[^>\s]+)>", re.I)
ATTR_LIST = re.compile(r"\{:?[ \t]*([^}\n]*)\}")
ATX = re.compile(r"^[ \t]*(#{1,6})(.*?)#*[ \t]*$")
SETEXT = re.compile(r"^[ \t]*(=+|-+)[ \t]*$")
FOOTNOTE_DEFINITION = re.compile(r"^[ \t]*\[\^([^\]]+)\]:", re.M)
FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]]+)\](?!:)")
# Site: comments, scripts and tags; attributes; absolute addresses in sitemaps.
VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'>]+)"""
MARKUP = re.compile(r"<!--.*?-->|<(script|style)\b([^>]*)>.*?</\1\s*>"
                    rf"|<([a-zA-Z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*{VALUE})?)*)\s*/?>",
                    re.S | re.I)
ATTRIBUTE_VALUE = re.compile(rf"([^\s=/>]+)(?:\s*=\s*({VALUE}))?")
SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")
SITEMAP_URL = re.compile(r"<loc>([^<]+)</loc>|\shref=\"([^\"]+)\"")


class UsageError(Exception):
    """A bad argument or an unreadable configuration: exit status 2."""


@dataclass
class Finding:
    file: str
    line: int
    kind: str       # missing, anchor, outside, absolute, reference, nav, form, external
    target: str
    message: str
    suggestion: str = ""
    also: list[dict] = field(default_factory=list)  # the same problem elsewhere: file, line, target

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.message}"
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        pages = len({self.file} | {place["file"] for place in self.also})
        if pages >= TEMPLATE_PAGES:
            text += f"; appears on {pages} pages: likely from a template, an override or the nav"
        elif self.also:
            text += "; also in " + ", ".join(f"{p['file']}:{p['line']}" for p in self.also)
        return text


def _places(places: list[tuple[str, int, str]]) -> list[dict]:
    return [{"file": file, "line": line, "target": target} for file, line, target in sorted(places)]


@dataclass
class Result:
    pages: int = 0
    links: int = 0
    findings: list[Finding] = field(default_factory=list)
    external: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # url: places
    fetched: int | None = None  # with --external: addresses fetched (the others from the cache)

    def add(self, other: Result) -> None:
        self.pages += other.pages
        self.links += other.links
        self.findings += other.findings
        for url, places in other.external.items():
            self.external.setdefault(url, []).extend(places)


@dataclass(frozen=True)
class Config:
    path: Path
    root: Path
    docs: Path
    default: str
    languages: tuple[str, ...]        # built languages, the default first
    nav: tuple[str, ...]
    slugify: Callable[[str, str], str]
    separator: str


# ---------------------------------------------------------------- configuration


def _env(loader, node):
    """`!ENV NAME` or `!ENV [NAME, ..., default]`: the first variable set, else the default."""
    if isinstance(node.value, list):
        names = loader.construct_sequence(node)
    else:
        names = [loader.construct_scalar(node)]
    *variables, default = names if len(names) > 1 else (*names, None)
    return next((os.environ[name] for name in variables if name in os.environ), default)


def _named(items: list, name: str) -> dict | None:
    """The options of plugin or extension `name` in a MkDocs list of names and {name: options}."""
    for item in items or []:
        if item == name:
            return {}
        if isinstance(item, dict) and name in item:
            return item[name] or {}
    return None


def load_config(path: Path) -> Config:
    """Read what link resolution needs from mkdocs.yml."""
    import pkgutil

    import yaml
    from markdown.extensions.toc import slugify as default_slugify

    class Loader(yaml.SafeLoader):
        """mkdocs.yml's tags: !ENV as its value, !!python/name as the name, others as None."""

    Loader.add_constructor("!ENV", _env)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda _, name, __: name)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    if not path.is_file():
        raise UsageError(f"{path}: no such configuration file")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader) or {}
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: not valid YAML ({error})") from error
    i18n = _named(data.get("plugins"), "i18n") or {}
    languages = [lang for lang in i18n.get("languages") or [] if lang.get("build", True)]
    default = next((lang["locale"] for lang in languages if lang.get("default")),
                   languages[0]["locale"] if languages else "en")
    toc = _named(data.get("markdown_extensions"), "toc") or {}
    slugify = toc.get("slugify") or default_slugify
    if isinstance(slugify, str):
        slugify = pkgutil.resolve_name(slugify)
    return Config(
        path=path, root=path.parent, docs=path.parent / data.get("docs_dir", "docs"),
        default=default,
        languages=(default, *(lang["locale"] for lang in languages if lang["locale"] != default)),
        nav=tuple(_nav_entries(data.get("nav") or [])), slugify=slugify,
        separator=toc.get("separator", "-"))


def _nav_entries(nav) -> list[str]:
    if isinstance(nav, str):
        return [] if urlsplit(nav).scheme else [nav]
    if isinstance(nav, dict):
        nav = list(nav.values())
    return [entry for item in nav for entry in _nav_entries(item)] if isinstance(nav, list) else []


def shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# ---------------------------------------------------------------- external links (form)


def form_problem(url: str) -> tuple[str, str] | None:
    """(message, suggestion) when an external address is badly formed, else None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "javascript":
        return f"'javascript:' link '{url}': link to a page instead", ""
    if scheme == "mailto":
        return None if "@" in parts.path else (f"mail link '{url}' has no address", "")
    if scheme == "tel":
        if TEL.match(unquote(parts.path)):
            return None
        return f"phone link '{url}' is not a number", ""
    if scheme == "data":
        return None
    if scheme in ("http", ""):
        return f"insecure link '{url}': use https", urlunsplit(("https", *parts[1:]))
    if scheme != "https":
        return f"link '{url}' uses '{scheme}:': use https", ""
    if not parts.hostname:
        return f"link '{url}' has no host", ""
    query = parse_qsl(parts.query, keep_blank_values=True)
    tracking = [key for key, _ in query
                if key.lower().startswith("utm_") or key.lower() in TRACKING]
    if tracking:
        kept = urlencode([(key, value) for key, value in query if key not in tracking])
        return (f"tracking parameter{'s' if len(tracking) > 1 else ''} {', '.join(tracking)} "
                f"in '{url}': remove {'them' if len(tracking) > 1 else 'it'}",
                urlunsplit((*parts[:3], kept, parts.fragment)))
    return None


def _splits(url: str) -> bool:
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


def _is_external(target: str) -> bool:
    """Has a scheme (https:, mailto:) or a host (//example.org)."""
    return bool(SCHEME.match(target))


def _form_findings(result: Result, skip: set[str] = frozenset()) -> list[Finding]:
    found = []
    for url, places in result.external.items():
        problem = form_problem(url)
        if problem and url not in skip:
            (file, line), *rest = places
            found.append(Finding(file, line, "form", url, *problem,
                                 _places([(f, n, url) for f, n in rest])))
    return found


# ---------------------------------------------------------------- Markdown sources


@dataclass(frozen=True)
class Link:
    line: int
    target: str
    kind: str  # link, image, html (raw HTML: not rewritten by MkDocs)


@dataclass(frozen=True)
class Scan:
    links: tuple[Link, ...]
    ids: frozenset[str]
    headings: tuple[str, ...]  # heading ids in page order
    problems: tuple[tuple[int, str, str], ...]  # (line, target, message)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask(text: str) -> str:
    """The text with front matter, comments and code blanked out: same length, same lines."""
    text = COMMENT.sub(_blank, FRONT_MATTER.sub(_blank, text, count=1))
    lines = text.split("\n")
    fence, code, container, blank_before = "", False, False, True
    for number, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence or opening:
            if not fence:
                fence = opening.group(1)
                container = container and line[:1] in " \t"
            elif (opening and opening.group(1)[0] == fence[0]
                  and len(opening.group(1)) >= len(fence) and not line[opening.end():].strip()):
                fence = ""
            lines[number] = " " * len(line)
            continue
        if not line.strip():
            blank_before = True
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip())
        code = indent >= 4 and (code or (blank_before and not container))
        if code:
            lines[number] = " " * len(line)
        elif indent == 0:
            container = bool(CONTAINER.match(line))
        blank_before = False
    return CODE_SPAN.sub(_blank, "\n".join(lines))


def _label(text: str) -> str:
    return " ".join(text.split()).lower()


def _heading_text(text: str) -> str:
    """A heading's text as the toc extension sees it (footnotes, images, markup removed)."""
    text = FOOTNOTE_REFERENCE.sub("", text)
    text = re.sub(r"!" + BRACKETED + r"(\([^)]*\)|\[[^\]]*\])", "", text)
    text = re.sub(BRACKETED + r"(\([^)]*\)|\[[^\]]*\])", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", "", text)
    return html.unescape(re.sub(r"\\(.)", r"\1", text)).strip()


def _attribute_ids(attributes: str) -> list[str] | None:
    """The ids in an attr_list body ('#id .class key=value'); None when it is not one."""
    tokens = attributes.split()
    if tokens and all(token[0] in "#." or "=" in token for token in tokens):
        return [token[1:] for token in tokens if token.startswith("#")]
    return None


def scan_markdown(text: str, slugify: Callable[[str, str], str] | None = None,
                  separator: str = "-") -> Scan:
    """Every link in a Markdown page, with its line, and every id the page will have."""
    from markdown.extensions.toc import slugify as default_slugify, unique

    slugify = slugify or default_slugify
    masked = mask(text)
    line_starts = [0] + [i + 1 for i, char in enumerate(masked) if char == "\n"]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset)

    raw_html = scan_html(masked)  # raw HTML is not rewritten by MkDocs: kind "html"
    links = [Link(line, target, "html") for line, target in raw_html.links]
    problems = []
    definitions = {_label(m.group(1)) for m in DEFINITION.finditer(masked)}
    for match in INLINE.finditer(masked):
        if not match.group(2).startswith("^"):
            target = match.group(3)
            links.append(Link(line_of(match.start(3)), target.strip("<>"),
                              "image" if match.group(1) else "link"))
    for match in DEFINITION.finditer(masked):
        links.append(Link(line_of(match.start(2)), match.group(2).strip("<>"), "link"))
    for match in REFERENCE.finditer(masked):
        label = _label(match.group(3) or match.group(2))
        if not match.group(2).startswith("^") and label not in definitions:
            problems.append((line_of(match.start()), label,
                             f"reference '[{label}]' is not defined"))
    for match in AUTOLINK.finditer(masked):
        links.append(Link(line_of(match.start(1)), match.group(1), "link"))

    # An address urllib cannot split (e.g. "https://[::1") is reported, not followed.
    for link in [link for link in links if not _splits(link.target)]:
        links.remove(link)
        problems.append((link.line, link.target,
                         f"malformed address '{link.target}': check the brackets and spelling"))

    attribute_ids = set()
    for match in ATTR_LIST.finditer(masked):
        attribute_ids.update(_attribute_ids(match.group(1)) or [])

    # Headings, in order, as the toc extension names them: explicit ids first, then slugs.
    used, headings = set(attribute_ids), []
    original, masked_lines = text.split("\n"), masked.split("\n")
    for number, line in enumerate(masked_lines):
        heading = ATX.match(line)
        if heading and line.strip():
            words = original[number][heading.start(2):heading.end(2)]
        elif (SETEXT.match(line) and number and masked_lines[number - 1].strip()
              and not (number > 1 and masked_lines[number - 2].strip())
              and not ATX.match(masked_lines[number - 1])):
            words = original[number - 1].strip()
        else:
            continue
        explicit = re.search(r"[ \t]+\{:?([^}\n]*)\}[ \t]*$", words)
        if explicit and _attribute_ids(explicit.group(1)):
            headings.append(_attribute_ids(explicit.group(1))[-1])
            continue
        words = words[:explicit.start()] if explicit else words
        headings.append(unique(slugify(_heading_text(words), separator), used))

    footnotes = {match.group(1) for match in FOOTNOTE_DEFINITION.finditer(masked)}
    ids = used | raw_html.ids | {f"fn:{label}" for label in footnotes}
    seen: dict[str, int] = defaultdict(int)
    for match in FOOTNOTE_REFERENCE.finditer(masked):
        label = match.group(1)
        if label in footnotes:
            seen[label] += 1
            ids.add(f"fnref{seen[label] if seen[label] > 1 else ''}:{label}")
    return Scan(tuple(sorted(links, key=lambda link: link.line)), frozenset(ids),
                tuple(headings), tuple(problems))


def _split_language(rel: str, config: Config) -> tuple[str, str]:
    """('causes.md', 'es') for 'causes.es.md'; ('causes.md', default) for 'causes.md'."""
    path = PurePosixPath(rel)
    stem = PurePosixPath(path.stem)
    code = stem.suffix[1:]
    if code and (code in config.languages or LOCALE.match(code)):
        return str(path.with_name(stem.stem + path.suffix)), code
    return rel, config.default


def site_files(files: list[str], config: Config) -> dict[str, set[str]]:
    """For each language, the docs files its build uses: its own, else the default's."""
    chosen = {}
    for language in config.languages:
        picked: dict[str, str] = {}
        for rel in files:
            norm, code = _split_language(rel, config)
            if code == language:
                picked[norm] = rel
            elif code == config.default:
                picked.setdefault(norm, rel)
        chosen[language] = set(picked.values())
    return chosen


def _resolve(rel: str, language: str, config: Config, available: set[str]) -> str | None:
    """The docs file a link to `rel` reaches in `language` (mkdocs-static-i18n's lookup)."""
    path = PurePosixPath("index.md" if rel in ("", ".") else rel)
    for candidate in (path.with_suffix(f".{language}{path.suffix}"),
                      path.with_suffix(f".{config.default}{path.suffix}"), path):
        if str(candidate) in available:
            return str(candidate)
    return None


def _page_url(norm: str) -> str:
    """'a/b.md' -> 'a/b/', 'a/index.md' -> 'a/' (use_directory_urls)."""
    stem = norm[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def _closest(word: str, choices, cutoff: float = 0.7, prefix: bool = True) -> str:
    """The choice that `word` most likely meant: one it begins, else the most similar."""
    longer = [choice for choice in choices if choice.startswith(word)] if prefix and word else []
    if longer:
        return min(longer, key=lambda choice: (len(choice), choice))
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=cutoff)
    return found[0] if found else ""


def _check_link(link: Link, rel: str, language: str, config: Config,
                available: set[str], scans: dict[str, Scan]) -> tuple[str, str, str] | None:
    """(kind, message, suggestion) when `link` in docs file `rel` is broken in `language`."""
    parts = urlsplit(link.target)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    folder = posixpath.dirname(rel)
    if path.startswith("/"):
        return ("absolute", f"absolute link '{link.target}': link to the file, relative to "
                "this page", "")
    if not path:
        target = rel
    elif link.kind == "html":  # raw HTML is not rewritten: it is a URL relative to the page
        url = posixpath.normpath(posixpath.join(_page_url(_split_language(rel, config)[0]), path))
        candidates = [url, f"{url}.md", f"{url}/index.md"] if url != "." else ["index.md"]
        if url.endswith(".md"):
            return "missing", (f"raw HTML link '{link.target}' is not rewritten by MkDocs: "
                               "use a Markdown link or the page's address"), ""
        found = (_resolve(candidate, language, config, available) for candidate in candidates)
        target = next(filter(None, found), None)
        if target is None:
            return ("missing", f"link '{link.target}' not found (raw HTML, resolved as an address)",
                    "")
    else:
        wanted = posixpath.normpath(posixpath.join(folder, path))
        if wanted == ".." or wanted.startswith("../"):
            return "outside", f"link '{link.target}' points outside {config.docs.name}/", ""
        target = _resolve(wanted, language, config, available)
        if target is None:
            norms = {_split_language(f, config)[0] for f in available}
            guess = next((c for c in (f"{wanted}.md", f"{wanted}/index.md") if c in norms), "") \
                or _closest(wanted, norms)
            what = "image" if link.kind == "image" else "link"
            return ("missing", f"{what} '{link.target}' not found",
                    posixpath.relpath(guess, folder or ".") if guess else "")
    if fragment and target.endswith(".md") and fragment not in scans[target].ids:
        name = target if target != rel else "this page"
        guess = (_closest(fragment, scans[target].ids)
                 or _same_heading(fragment, target, config, scans))
        return "anchor", f"anchor '#{fragment}' not found in {name}", f"#{guess}" if guess else ""
    return None


def _same_heading(fragment: str, translation: str, config: Config, scans: dict[str, Scan]) -> str:
    """The translation's heading at the place of the original's heading `fragment`, if any."""
    original = scans.get(_split_language(translation, config)[0])
    translated = scans[translation].headings
    if original and fragment in original.headings and original.headings != translated:
        place = original.headings.index(fragment)
        return translated[place] if place < len(translated) else ""
    return ""


def check_sources(config: Config) -> Result:
    """Every link, image and anchor of every Markdown page, in every language it is shown in."""
    if not config.docs.is_dir():
        raise UsageError(f"{config.docs}: no such docs folder")
    files = sorted(rel for rel in (p.relative_to(config.docs).as_posix()
                                   for p in config.docs.rglob("*") if p.is_file())
                   if not any(part.startswith(".") for part in rel.split("/")))
    available = site_files(files, config)
    scans = {rel: scan_markdown(text=(config.docs / rel).read_text(encoding="utf-8"),
                                slugify=config.slugify, separator=config.separator)
             for rel in files if rel.endswith(".md")}
    result = Result(pages=len(scans))
    docs_shown = shown(config.docs, config.root)
    # (file, line, kind, target, message, suggestion) -> languages it fails in
    failures: dict[tuple, list[str]] = defaultdict(list)
    shown_in: dict[str, list[str]] = defaultdict(list)
    for language in config.languages:
        for rel in sorted(f for f in available[language] if f.endswith(".md")):
            shown_in[rel].append(language)
            for link in scans[rel].links:
                if not _is_external(link.target):
                    problem = _check_link(link, rel, language, config, available[language], scans)
                    if problem:
                        kind, message, suggestion = problem
                        key = (rel, link.line, kind, link.target, message, suggestion)
                        failures[key].append(language)
    for rel, scan in scans.items():
        file = f"{docs_shown}/{rel}"
        result.links += len(scan.links)
        for link in scan.links:
            if _is_external(link.target):
                result.external.setdefault(link.target, []).append((file, link.line))
        for line, target, message in scan.problems:
            result.findings.append(Finding(file, line, "reference", target, message))
    for (rel, line, kind, target, message, suggestion), languages in failures.items():
        if len(languages) < len(shown_in[rel]):
            message += f" (in the {', '.join(languages)} site)"
        file = f"{docs_shown}/{rel}"
        result.findings.append(Finding(file, line, kind, target, message, suggestion))
    result.findings += _check_nav(config, available)
    return result


def _check_nav(config: Config, available: dict[str, set[str]]) -> list[Finding]:
    path = config.path
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("nav:")), 0)
    found = []
    for entry in config.nav:
        missing = [lang for lang in config.languages
                   if _resolve(entry, lang, config, available[lang]) is None]
        if missing:
            line = next((i + 1 for i, text in enumerate(lines[start:], start)
                         if re.search(rf"[\s:'\"]{re.escape(entry)}['\"]?\s*$", text)), 1)
            where = "" if len(missing) == len(config.languages) else \
                f" (in the {', '.join(missing)} site)"
            norms = {_split_language(f, config)[0] for f in available[config.default]}
            found.append(Finding(shown(path, config.root), line, "nav", entry,
                                 f"nav entry '{entry}' not found in {config.docs.name}/{where}",
                                 _closest(entry, {n for n in norms if n.endswith(".md")})))
    return found


# ---------------------------------------------------------------- built site


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[int, str]] = field(default_factory=list)  # (line, href/src/srcset value)
    canonical: str = ""


def scan_html(text: str) -> Page:
    """The ids of one HTML file, its href, src and srcset values with their lines, and its
    canonical address. (Regular expressions, not html.parser: 3-4x faster on MkDocs output,
    with the same results on the real site.)"""
    page, line, counted = Page(), 1, 0
    for tag in MARKUP.finditer(text):
        attributes = tag.group(2) or tag.group(4)
        if not attributes or not any(word in attributes for word in ("id=", "href", "src", "name")):
            continue
        name = (tag.group(1) or tag.group(3)).lower()
        values = {}
        for match in ATTRIBUTE_VALUE.finditer(attributes):
            if (value := match.group(2)) is not None:
                values[match.group(1).lower()] = html.unescape(
                    value[1:-1] if value[:1] in "\"'" else value)
        if "id" in values:
            page.ids.add(values["id"])
        if name == "a" and "name" in values:
            page.ids.add(values["name"])
        links = [values[key].strip() for key in ("href", "src") if key in values]
        links += [part.split()[0] for part in values.get("srcset", "").split(",") if part.strip()]
        if links:
            line, counted = line + text.count("\n", counted, tag.start()), tag.start()
            page.links += [(line, link) for link in links]
        if name == "link" and values.get("rel") == "canonical":
            page.canonical = values.get("href", "")
    return page


def _site_base(pages: dict[str, Page]) -> str:
    """The site's public address, from the canonical links ('' when there are none)."""
    bases: dict[str, int] = defaultdict(int)
    for rel, page in pages.items():
        address = rel[:-len("index.html")] if rel.endswith("index.html") else rel
        if page.canonical.endswith(address):
            bases[page.canonical[:len(page.canonical) - len(address)]] += 1
    return max(bases, key=bases.get) if bases else ""


def check_site(site: Path, root: Path = ROOT) -> Result:
    """Every href, src and srcset of every HTML file, and the search indexes and sitemaps."""
    if not site.is_dir():
        raise UsageError(f"{site}: no such site folder (build it: python -m scripts.build)")
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    folders = {str(parent) for rel in files for parent in PurePosixPath(rel).parents}
    pages = {rel: scan_html((site / rel).read_text(encoding="utf-8", errors="replace"))
             for rel in sorted(f for f in files if f.endswith(".html"))}
    base = _site_base(pages)
    base_path = urlsplit(base).path or "/"
    site_shown = shown(site, root)
    result = Result(pages=len(pages))

    def resolve(rel: str, start: str, target: str) -> tuple[str, str, str] | None:
        """(kind, broken file or anchor, message) when `target`, seen in file `rel` of folder
        `start`, is broken."""
        parts = urlsplit(target)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if base and target.startswith(base):  # the site's own address (canonical, sitemap)
            start, path = "", unquote(urlsplit(target[len(base):]).path) or "."
        elif path.startswith("/"):
            if not path.startswith(base_path):
                return "outside", path, f"link '{target}' points outside the site ({base_path})"
            start, path = "", path[len(base_path):] or "."
        if not path:
            wanted = rel
        else:
            joined = posixpath.normpath(posixpath.join(start, path))
            if joined == ".." or joined.startswith("../"):
                return "outside", joined, f"link '{target}' points outside the site"
            folder = path.endswith("/") or joined in folders
            wanted = posixpath.normpath(posixpath.join(joined, "index.html")) if folder else joined
            if wanted not in files:
                return "missing", wanted, f"link '{target}' not found (no {wanted})"
        if fragment and fragment != "top" and wanted in pages and fragment not in pages[wanted].ids:
            return "anchor", f"{wanted}#{fragment}", f"anchor '#{fragment}' not found in {wanted}"
        return None

    # Suggestions for a missing file: its siblings of the same type (pages as their folders).
    siblings: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for rel in files:
        name = PurePosixPath(rel.removesuffix("/index.html"))
        siblings[(str(name.parent), name.suffix)][str(name)] = rel

    def suggest(kind: str, key: str) -> str:
        if kind == "missing":
            wanted = PurePosixPath(key.removesuffix("/index.html"))
            same = siblings.get((str(wanted.parent), wanted.suffix), {})
            return same.get(_closest(str(wanted), same, 0.85, prefix=False), "")
        if kind == "anchor":
            wanted, fragment = key.split("#", 1)
            guess = _closest(fragment, pages[wanted].ids)
            return f"#{guess}" if guess else ""
        return ""

    broken: dict[tuple[str, str], list[tuple[str, int, str, str]]] = defaultdict(list)

    def check(rel: str, line: int, target: str, relative_to: str = "") -> None:
        """Check one link of file `rel` (resolved from folder `relative_to` when given)."""
        result.links += 1
        if _is_external(target) and not (base and target.startswith(base)):
            result.external.setdefault(target, []).append((f"{site_shown}/{rel}", line))
            return
        problem = resolve(rel, relative_to or posixpath.dirname(rel), target)
        if problem:
            kind, key, message = problem
            broken[(kind, key)].append((f"{site_shown}/{rel}", line, target, message))

    for rel, page in pages.items():
        folder = posixpath.dirname(rel)
        for line, target in page.links:
            check(rel, line, target, folder)
    for rel in sorted(f for f in files if f.endswith("search/search_index.json")):
        # Search results are relative to the index's language root (see main.html).
        language_root = posixpath.dirname(posixpath.dirname(rel)) or "."
        for doc in json.loads((site / rel).read_text(encoding="utf-8")).get("docs", []):
            check(rel, 1, doc["location"] or "./", language_root)
    for rel in sorted(f for f in files if f.endswith("sitemap.xml")):
        for number, line in enumerate((site / rel).read_text(encoding="utf-8").split("\n"), 1):
            for match in SITEMAP_URL.finditer(line):
                address = html.unescape(match.group(1) or match.group(2))
                if base and address.startswith(base):  # sitemaps list only the site's own pages
                    check(rel, number, address)

    # A template that links each page to its own missing file ('handouts/<page>.pdf') makes
    # one broken target per page: report those as one, when they are on half the pages.
    alike: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for (kind, key), places in broken.items():
        if len({place[0] for place in places}) == 1:
            alike[(kind, _pattern(places[0][2]))].append((kind, key))
    for (kind, pattern), keys in alike.items():
        if len(keys) >= max(TEMPLATE_PAGES, len(pages) / 2):
            places = [place for key in keys for place in broken.pop(key)]
            file, line, target, message = places[0]
            message += f"; each page links its own: {pattern}"
            broken[keys[0]] = [(file, line, target, message), *places[1:]]
    for (kind, key), places in broken.items():
        (file, line, target, message), *rest = places
        result.findings.append(Finding(file, line, kind, target, message, suggest(kind, key),
                                       _places([place[:3] for place in rest])))
    return result


def _pattern(target: str) -> str:
    """'../../handouts/causes.large.pdf' -> 'handouts/*.large.pdf'; '#top' stays '#top'."""
    parts = urlsplit(target)
    folder, _, name = re.sub(r"^(\.\.?/)+", "", parts.path).rpartition("/")
    suffixes = name[name.find("."):] if "." in name else ""
    path = f"{folder}/*{suffixes}".lstrip("/") if parts.path else ""
    return path + (f"#{parts.fragment}" if parts.fragment else "")


# ---------------------------------------------------------------- external links (fetched)


def fetch_status(url: str, timeout: float = 10.0, retries: int = 2,
                 backoff: float = 1.0) -> tuple[int | None, str]:
    """(HTTP status, error) for one address: HEAD, then GET when HEAD is refused; retried."""
    from http.client import HTTPException
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen

    def status_of(method: str) -> int:
        request = Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urlopen(request, timeout=timeout) as response:
                return response.status
        except HTTPError as error:
            error.close()
            return error.code

    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            status = status_of("HEAD")
            if status >= 400:
                status = status_of("GET")
        except (OSError, ValueError, HTTPException) as error:
            reason = str(getattr(error, "reason", error)) or type(error).__name__
            outcome: tuple[int | None, str] = (None, reason)
        else:
            outcome = (status, "")
            if status != 429 and status < 500:
                return outcome
    return outcome


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def check_external(urls: dict[str, list[tuple[str, int]]], cache: Path, *, timeout: float = 10.0,
                   retries: int = 2, backoff: float = 1.0, per_host: int = 2, workers: int = 8,
                   max_age: float = DAY) -> tuple[list[Finding], int]:
    """Fetch each http(s) address not checked within max_age; return findings and fetches."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    try:
        known = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    except json.JSONDecodeError:
        known = {}
    now = time.time()
    web = sorted(url for url in urls if urlsplit(url).scheme.lower() in ("http", "https"))
    todo = [url for url in web if now - known.get(url, {}).get("checked", 0) >= max_age]
    hosts = {url: (urlsplit(url).hostname or "").lower() for url in todo}
    limits = {host: threading.Semaphore(per_host) for host in hosts.values()}

    def fetch(url: str) -> tuple[str, tuple[int | None, str]]:
        with limits[hosts[url]]:
            return url, fetch_status(url, timeout, retries, backoff)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for url, (status, error) in pool.map(fetch, todo):
            known[url] = {"checked": now, "status": status, "error": error}
    if todo:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(cache)

    found = []
    for url in web:
        status, error = known[url]["status"], known[url]["error"]
        if error or status is None or status >= 400:
            if status:
                message = f"external link '{url}' returned {status} {_phrase(status)}".rstrip()
                if status in (401, 403, 429):
                    message += " (some sites turn link checkers away: open it in a browser)"
            else:
                message = f"external link '{url}' failed: {error}"
            (file, line), *rest = urls[url]
            found.append(Finding(file, line, "external", url, message, "",
                                 _places([(f, n, url) for f, n in rest])))
    return found, len(todo)


# ---------------------------------------------------------------- command line


def check(config_path: Path, site: Path | None, sources: bool = True,
          external: bool = False, cache: Path | None = None) -> Result:
    """Run the checks asked for; return everything found."""
    if site is not None and not site.is_dir():
        raise UsageError(f"{site}: no such site folder (build it: python -m scripts.build)")
    result = Result()
    source_urls: set[str] = set()
    if sources:
        config = load_config(config_path)
        checked = check_sources(config)
        result.add(checked)
        result.findings += _form_findings(checked)
        source_urls = {f.target for f in result.findings if f.kind == "form"}
    if site is not None:
        checked = check_site(site, config_path.parent)
        result.add(checked)
        result.findings += _form_findings(checked, skip=source_urls)
    if external:
        cache = cache or config_path.parent / ".cache" / "links.json"
        found, result.fetched = check_external(result.external, cache)
        result.findings += found
    result.findings.sort(key=lambda f: (f.file, f.line, f.message))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.check_links", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml",
                        help="the MkDocs configuration (default: mkdocs.yml)")
    parser.add_argument("--site", type=Path,
                        help="the built site to check (default: site/ beside mkdocs.yml, "
                             "if it exists)")
    parser.add_argument("--no-site", action="store_true", help="check the sources only")
    parser.add_argument("--no-sources", action="store_true", help="check the built site only")
    parser.add_argument("--external", action="store_true", help="also fetch every external link")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    site = args.site
    if site is None and not args.no_site and (args.config.parent / "site").is_dir():
        site = args.config.parent / "site"
    if args.no_site and args.site is not None:
        parser.error("--site and --no-site contradict each other")
    if args.no_sources and (args.no_site or site is None):
        parser.error("nothing to check: --no-sources needs a site (--site DIR)")
    try:
        result = check(args.config, None if args.no_site else site,
                       sources=not args.no_sources, external=args.external)
    except UsageError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    if args.format == "json":
        summary = {"pages": result.pages, "links": result.links,
                   "findings": len(result.findings), "seconds": round(seconds, 3)}
        if result.fetched is not None:
            summary["fetched"] = result.fetched
        print(json.dumps({"summary": summary, "findings": [asdict(f) for f in result.findings]},
                         indent=2, ensure_ascii=False))
    else:
        for finding in result.findings:
            print(finding)
        fetched = "" if result.fetched is None else f", {result.fetched} external fetched"
        print(f"{result.pages} pages, {result.links} links{fetched}, {len(result.findings)} "
              f"finding{'s' if len(result.findings) != 1 else ''}, {seconds:.2f} s")
    return 1 if result.findings else 0


if __name__ == "__main__":
    sys.exit(main())
