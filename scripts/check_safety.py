"""Check that no page can run code, embed other sites or load anything from another server,
and that every image has alt text, in every language.

    python -m scripts.check_safety [PATH ...] [--config-file mkdocs.yml]

Without PATH it checks every file in docs/; with PATHs (files or folders) only those. Each
page is rendered with the site's own Markdown extensions (mkdocs.yml) and the HTML a reader
would get is checked, so code shown in backticks or a ``` block is never flagged, while raw
HTML, attribute lists ({onclick=...}) and reference links are. Exit status: 0 clean,
1 findings, 2 usage error.

Not allowed in a page:
  elements     <script> <iframe> <frame> <frameset> <object> <embed> <applet> <form> <base>
               <meta> (a refresh redirects) <link> <style> (they restyle or load into the page)
  attributes   inline event handlers: any on...= (onclick, onerror, onload, ...)
  addresses    javascript: and vbscript: anywhere; data: in href, src, srcset, action, ...
  remote       images and other resources from another server: src, srcset, poster, ... or
               CSS url() with http:, https: or //host (protocol-relative); keep files in docs/
  alt text     every <img> and Markdown image needs a description: ![what it shows](x.png)
Allowed: other raw HTML (<div>, <details>, <abbr>, ...), style= without url(), links to
https addresses. Also: .svg files in docs/ get the same checks (an SVG can hold a script),
and .html and .js files are refused (they are published as they are, unchecked) unless
mkdocs.yml names them in extra_javascript or extra_css.

Each finding names the file and the line, e.g. `docs/causes.es.md:14: <script> ...`. The line
is where the element, attribute or address is first written in the Markdown.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml
from mkdocs.utils.meta import get_data
from mkdocs.utils.yaml import yaml_load
from pymdownx.snippets import SnippetMissingError

from scripts.html_parsing import LenientHTMLParser
from scripts.markdown_source import FRONT_MATTER

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")  # MkDocs always adds these
SHOW_AS_CODE = " (to show it as code, put it between backticks or in a ``` block)"
ELEMENTS = {
    "script": "runs a script",
    "iframe": "embeds another page", "frame": "embeds another page",
    "frameset": "embeds other pages",
    "object": "embeds a plug-in or a file", "embed": "embeds a plug-in or a file",
    "applet": "embeds a Java applet",
    "form": "sends what readers type to a server",
    "base": "changes where every link of the page goes",
    "meta": "can redirect the reader to another page",
    "link": "loads a file into the page",
    "style": "restyles the whole site (it could hide a warning); site styles go in "
             "docs/stylesheets/extra.css",
}
# Attributes that hold an address.
URL_ATTRIBUTES = frozenset(
    "href src srcset action formaction poster data background cite longdesc lowsrc dynsrc "
    "ping manifest codebase archive xlink:href".split())
# Attributes whose address the browser fetches by itself (on these elements for href).
RESOURCE_ATTRIBUTES = frozenset("src srcset poster data background lowsrc dynsrc".split())
SVG_RESOURCES = frozenset({"image", "use", "feimage"})
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)""", re.I)
PUBLISHED_AS_IS = frozenset({".html", ".htm", ".xhtml", ".js", ".mjs"})
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
COMMENT = re.compile(r"<!--.*?-->", re.S)


class UsageError(Exception):
    """A bad argument or an unreadable configuration: exit status 2."""


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Problem:
    """One problem in HTML: where it is (its line in that HTML), the strings that find it in
    the Markdown source, most precise first, and the message."""
    line: int
    needles: tuple[str, ...]
    message: str


# ---------------------------------------------------------------- HTML


def scheme(url: str) -> str:
    """The address's scheme as a browser reads it ('javascript', 'https'), '//' for a
    protocol-relative address, '' for a relative one. Browsers drop tabs and newlines
    anywhere, spaces and control characters at the ends, and read '\\' as '/'."""
    url = re.sub(r"^[\x00-\x20]+|[\t\n\r]", "", url).replace("\\", "/")
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return found.group(1).lower() if found else "//" if url.startswith("//") else ""


def _addresses(name: str, value: str) -> list[str]:
    """The addresses in one attribute value (any attribute may hold a javascript: one)."""
    if name == "srcset":
        return [part.split()[0] for part in value.split(",") if part.strip()]
    return CSS_URL.findall(value) if name == "style" else [value]


def attribute_problems(tag: str, name: str, value: str | None) -> list[tuple[tuple[str, ...], str]]:
    """(needles, message) for each problem of one attribute of element `tag`."""
    if name.startswith("on") and len(name) > 2:
        return [((name,), f"'{name}' (an inline event handler) runs a script: remove it.")]
    loads = (name in RESOURCE_ATTRIBUTES or name == "style"
             or (name in ("href", "xlink:href") and tag in SVG_RESOURCES))
    found = []
    for url in _addresses(name, value or ""):
        kind, brief = scheme(url), url if len(url) <= 60 else url[:57] + "..."
        needles = (url, f"{kind}:", f"{name}=")
        if kind in ("javascript", "vbscript"):
            found.append((needles, f"'{kind}:' address in {name}= runs a script: link to a page "
                          "of the guide or an https address instead."))
        elif kind == "data" and (name in URL_ATTRIBUTES or name == "style"):
            found.append((needles, f"'data:' address in {name}=: save the file in docs/ (for "
                          "example docs/images/) and link to it by its file name."))
        elif kind and loads:
            what = "an image" if tag == "img" else "a style" if name == "style" else f"<{tag} {name}=>"
            found.append(((url,), f"{what} loads '{brief}' from another server, which then sees "
                          "every reader: save the file in docs/ (for example docs/images/) and "
                          "link to it by its file name."))
    return found


class _Checker(LenientHTMLParser):
    """Collects the Problems of one HTML text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[Problem] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag in ELEMENTS:  # its attributes go with it
            self.problems.append(Problem(line, (f"<{tag}",), f"<{tag}> is not allowed in a page: "
                                        f"it {ELEMENTS[tag]}. Remove it{SHOW_AS_CODE}."))
            return
        for name, value in attrs:
            self.problems += [Problem(line, needles, message)
                              for needles, message in attribute_problems(tag, name, value)]
        if tag == "img":
            values = dict(attrs)
            if not (values.get("alt") or "").strip():
                src = values.get("src") or ""
                self.problems.append(Problem(
                    line, (src, "<img") if src else ("<img", "!["),
                    f"image '{src}' has no alt text: describe what it shows, in the page's "
                    f"language, inside the brackets: ![what it shows]({src or 'file.png'}) "
                    "(on an <img>: alt=\"what it shows\")."))


def html_problems(text: str) -> list[Problem]:
    """Every problem in one HTML (or SVG) text, in document order."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker.problems


# ---------------------------------------------------------------- Markdown pages


def read_config(config_file: Path) -> dict:
    """mkdocs.yml, read with MkDocs' own loader (so `!ENV` works)."""
    try:
        with config_file.open(encoding="utf-8") as stream:
            config = yaml_load(stream) or {}
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"{config_file}: cannot read it ({error})") from error
    if not isinstance(config, dict):
        raise UsageError(f"{config_file}: not a MkDocs configuration")
    return config


def load_markdown(config: dict, root: Path) -> markdown.Markdown:
    """A Markdown converter with the extensions and options of the site's configuration."""
    extensions, configs = list(MKDOCS_BUILTIN_EXTENSIONS), {}
    entries = config.get("markdown_extensions") or []
    for entry in entries.items() if isinstance(entries, dict) else entries:
        name, options = (next(iter(entry.items())) if isinstance(entry, dict) else
                         entry if isinstance(entry, tuple) else (entry, None))
        if name not in extensions:
            extensions.append(name)
        if options:
            configs[name] = dict(options)
    if "pymdownx.snippets" in extensions:  # relative to the project folder, as for the build
        snippets = configs.setdefault("pymdownx.snippets", {})
        base = snippets.get("base_path", ["."])
        snippets["base_path"] = [str(root / b) for b in ([base] if isinstance(base, str) else base)]
    try:
        return markdown.Markdown(extensions=extensions, extension_configs=configs)
    except (ImportError, KeyError, TypeError, ValueError) as error:
        raise UsageError(f"cannot load the markdown_extensions of mkdocs.yml ({error})") from error


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask(text: str) -> str:
    """The text with front matter, comments, closed code blocks and code spans blanked out
    (same length, same lines): where a problem is looked for first."""
    text = COMMENT.sub(_blank, FRONT_MATTER.sub(_blank, text))
    lines, fence, start = text.split("\n"), None, 0
    for number, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence, start = opening.group(1), number
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            lines[start:number + 1] = [" " * len(code) for code in lines[start:number + 1]]
            fence = None
    return "\n".join(CODE_SPAN.sub(_blank, line) for line in lines)


def _locate(source: str, masked: str, needles: tuple[str, ...], after: dict[str, int],
            since: int) -> int | None:
    """Where one of `needles` is written: from the line of the previous problem (`since`) and
    after this needle's previous find, outside code; else anywhere outside code; else anywhere."""
    patterns = [(needle, re.compile(("" if needle[0] in "<[!" else r"(?<![\w/:.%-])")
                                    + re.escape(needle), re.I)) for needle in needles if needle]
    for text, first in ((masked, True), (masked, False), (source, False)):
        for needle, pattern in patterns:
            found = pattern.search(text, max(after.get(needle, 0), since) if first else 0)
            if found:
                after[needle] = found.end()
                return found.start()
    return None


def page_problems(source: str, converter: markdown.Markdown) -> list[tuple[int, str]]:
    """(line, message) for each problem of one Markdown page, rendered as the site does."""
    body, _ = get_data(source)
    masked, after, since, found = mask(source), {}, 0, []
    front = FRONT_MATTER.match(source)
    converter.reset()
    try:
        rendered = converter.convert(body)
    except SnippetMissingError as error:
        position = _locate(source, masked, ("--8<--",), after, 0) or 0
        return [(source.count("\n", 0, position) + 1, f"cannot check the page: {error}. Fix the "
                 "snippet's file name (--8<-- lines include other files).")]
    for problem in html_problems(rendered):
        position = _locate(source, masked, problem.needles, after, since)
        if position is None:  # from an included snippet: the first line of the text
            position = front.end() if front else 0
        since = source.rfind("\n", 0, position) + 1
        found.append((source.count("\n", 0, position) + 1, problem.message))
    return found


# ---------------------------------------------------------------- files


def shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _checked(path: Path) -> bool:
    return path.suffix.lower() in {".md", ".svg", *PUBLISHED_AS_IS}


def files_to_check(paths: list[Path], docs: Path) -> list[Path]:
    """The given files (folders give their files), or every file of docs/, that this reads."""
    found = []
    for path in paths or [docs]:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _checked(p))
        elif not path.is_file():
            raise UsageError(f"no such file or folder: {path}")
        elif not _checked(path):
            raise UsageError(f"{path}: not a page (.md), an .svg or a file published as is "
                             f"({', '.join(sorted(PUBLISHED_AS_IS))})")
        else:
            found.append(path)
    return found


def check_file(path: Path, converter: markdown.Markdown, root: Path,
               allowed: frozenset[Path] = frozenset()) -> list[Finding]:
    """The findings of one file: a Markdown page, an SVG, or a file published as is."""
    name, suffix = shown(path, root), path.suffix.lower()
    if suffix in PUBLISHED_AS_IS:
        if path.resolve() in allowed:
            return []
        return [Finding(name, 1, f"a {suffix} file in docs/ is published as it is, unchecked: "
                        "write the page in Markdown (.md) instead, or ask an editor to list the "
                        "file in mkdocs.yml (extra_javascript).")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return [Finding(name, 1, f"not UTF-8 text ({error.reason}): save the file as UTF-8.")]
    if suffix == ".svg":
        return [Finding(name, problem.line, problem.message) for problem in html_problems(text)]
    return [Finding(name, line, message) for line, message in page_problems(text, converter)]


def _allowed(config: dict, docs: Path) -> frozenset[Path]:
    """The site's own scripts and styles, named in mkdocs.yml: not a contributed page."""
    named = [*(config.get("extra_javascript") or []), *(config.get("extra_css") or [])]
    return frozenset((docs / str(item.get("path", "") if isinstance(item, dict) else item)).resolve()
                     for item in named)


def check(paths: list[Path], config_file: Path = ROOT / "mkdocs.yml") -> list[Finding]:
    """Every finding in the given files (default: every file of the site's docs/)."""
    config, root = read_config(config_file), config_file.parent
    docs = root / str(config.get("docs_dir", "docs"))
    converter, allowed = load_markdown(config, root), _allowed(config, docs)
    return [finding for path in files_to_check(paths, docs)
            for finding in check_file(path, converter, root, allowed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.check_safety", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="pages or folders to check (default: every file in docs/)")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml",
                        help="the site's mkdocs.yml (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        findings = check(args.paths, args.config_file)
    except UsageError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    files = len({finding.file for finding in findings})
    print(f"{len(findings)} safety problem{'s' * (len(findings) != 1)}"
          + (f" in {files} file{'s' * (files != 1)}: fix each line above." if findings else "."))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
