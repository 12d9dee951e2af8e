"""scripts.check_links: each kind of defect, seeded in a small fixture, is reported with its
file and line and a non-zero exit; the clean fixture passes. No test touches the network:
external links are fetched from a server on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from conftest import ROOT
from scripts import check_links

FIXTURES = Path(__file__).parent / "fixtures" / "check_links"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the two-language fixture: docs/, mkdocs.yml and a hand-made built site."""
    shutil.copytree(FIXTURES / "project", tmp_path / "project")
    return tmp_path / "project"


def run(project: Path, *args: str, capsys) -> tuple[int, str]:
    """check_links on the fixture (its built site unless told otherwise): (exit status, stdout)."""
    site = [] if "--no-site" in args or "--site" in args else ["--site", str(project / "built")]
    status = check_links.main(["--config", str(project / "mkdocs.yml"), *site, *args])
    return status, capsys.readouterr().out


def append(path: Path, text: str) -> int:
    """Add lines at the end of a file; return the line number of the first one."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
    return before.rstrip("\n").count("\n") + 3


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").split(text)[0].count("\n") + 1


# ---------------------------------------------------------------- clean


def test_clean_fixture_exits_0_with_a_summary(project, capsys):
    status, out = run(project, capsys=capsys)
    assert status == 0, out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("12 pages, ") and " links, 0 findings, " in summary
    assert summary.endswith(" s")


def test_translated_page_may_link_to_an_untranslated_one(project, capsys):
    # docs/index.es.md links to b.md, which has no b.es.md: the Spanish site shows English.
    assert "(b.md#what-helps)" in (project / "docs" / "index.es.md").read_text(encoding="utf-8")
    assert not (project / "docs" / "b.es.md").exists()
    assert run(project, "--no-site", capsys=capsys)[0] == 0


def test_site_is_checked_by_default_when_site_folder_exists(project, capsys):
    (project / "built").rename(project / "site")
    (project / "site" / "b" / "index.html").unlink()
    status = check_links.main(["--config", str(project / "mkdocs.yml")])
    out = capsys.readouterr().out
    assert status == 1 and out.startswith("site/") and "(no b/index.html)" in out


# ---------------------------------------------------------------- sources


def test_broken_page_link_names_file_line_and_closest_page(project, capsys):
    line = append(project / "docs" / "a.md", "See [page B](page-b.md) and [B](bb.md).")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert f"docs/a.md:{line}: link 'page-b.md' not found\n" in out
    assert f"docs/a.md:{line}: link 'bb.md' not found (did you mean 'b.md'?)" in out


def test_missing_anchor_suggests_the_closest_heading(project, capsys):
    line = append(project / "docs" / "index.md",
                  "See [what helps](b.md#what-help) and [top](#hom).")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert (f"docs/index.md:{line}: anchor '#what-help' not found in b.md "
            "(did you mean '#what-helps'?)") in out
    assert (f"docs/index.md:{line}: anchor '#hom' not found in this page "
            "(did you mean '#home'?)") in out


def test_missing_image(project, capsys):
    line = append(project / "docs" / "b.md", "![A diagram](images/spin.png)")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert (f"docs/b.md:{line}: image 'images/spin.png' not found "
            "(did you mean 'images/spine.png'?)") in out


def test_broken_link_in_translated_page_only(project, capsys):
    line = append(project / "docs" / "a.es.md", "Vea las [causas](causas.md).")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert f"docs/a.es.md:{line}: link 'causas.md' not found" in out
    assert "docs/a.md:" not in out


def test_english_page_shown_in_spanish_needs_the_anchor_in_the_translation(project, capsys):
    # b.md is shown untranslated in the Spanish site, where its link to a.md means a.es.md.
    spanish = project / "docs" / "a.es.md"
    spanish.write_text(spanish.read_text(encoding="utf-8").replace(" {#scar-tissue}", ""),
                       encoding="utf-8")
    status, out = run(project, "--no-site", capsys=capsys)
    line = line_of(project / "docs" / "b.md", "(a.md#scar-tissue)")
    assert status == 1
    # The suggestion is the translation's heading in the same place.
    assert (f"docs/b.md:{line}: anchor '#scar-tissue' not found in a.es.md (in the es site) "
            "(did you mean '#tejido-cicatricial'?)") in out
    assert "docs/index.es.md:7: anchor '#scar-tissue' not found in a.es.md (did you mean" in out


@pytest.mark.parametrize("link, message", [
    ("http://example.org/page", "insecure link 'http://example.org/page': use https "
                                "(did you mean 'https://example.org/page'?)"),
    ("https://example.org/?utm_source=news&id=4",
     "tracking parameter utm_source in 'https://example.org/?utm_source=news&id=4': remove it "
     "(did you mean 'https://example.org/?id=4'?)"),
    ("javascript:alert(1)", "'javascript:' link 'javascript:alert(1)': link to a page instead"),
])
def test_external_links_are_checked_for_form(project, capsys, link, message):
    line = append(project / "docs" / "b.md", f"Read [more]({link}).")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert f"docs/b.md:{line}: {message}" in out


def test_links_in_code_comments_and_front_matter_are_not_checked(project, capsys):
    page = project / "docs" / "b.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: Page B", "title: Page B\nnote: see [draft](gone.md)"), encoding="utf-8")
    append(page, "    [indented code](gone.md)\n\n"
                 "<!-- [comment](gone.md) -->\n\n"
                 "~~~\n![fenced](gone.png)\n~~~")
    assert run(project, "--no-site", capsys=capsys)[0] == 0


def test_reference_definitions_raw_html_and_undefined_references(project, capsys):
    line = append(project / "docs" / "b.md",
                  "[old]: old-page.md\n\n"
                  '<a href="../a/">fine</a> <img src="../images/gone.png">\n\n'
                  "See [the guide][nowhere].")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert f"docs/b.md:{line}: link 'old-page.md' not found" in out
    assert f"docs/b.md:{line + 2}: link '../images/gone.png' not found (raw HTML" in out
    assert f"docs/b.md:{line + 4}: reference '[nowhere]' is not defined" in out
    assert "'../a/'" not in out


def test_nav_entry_that_names_no_page(project, capsys):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - c.md\n", encoding="utf-8")
    status, out = run(project, "--no-site", capsys=capsys)
    assert status == 1
    assert f"mkdocs.yml:{line_of(config, '  - c.md')}: nav entry 'c.md' not found in docs/" in out


def test_heading_ids_are_the_ones_python_markdown_gives():
    text = (FIXTURES / "headings.md").read_text(encoding="utf-8")
    rendered = markdown.markdown(check_links.FRONT_MATTER.sub("", text),
                                 extensions=["admonition", "attr_list", "footnotes", "md_in_html",
                                             "toc", "pymdownx.superfences"])

    found: set[str] = set()
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.update(
        value for name, value in attrs if name == "id" or (tag, name) == ("a", "name"))
    parser.feed(rendered)
    assert check_links.scan_markdown(text).ids == found
    assert {"scar-tissue_3", "my-id", "_1", "fnref3:a", "setext-heading", "old-anchor"} <= found


# ---------------------------------------------------------------- built site


def test_template_override_link_broken_on_every_page_is_reported_once(project, capsys):
    pages = sorted((project / "built").rglob("*.html"))
    for page in pages:
        header = '<header>\n      <a href="/handouts/pain-diary.pdf">Print</a>'
        page.write_text(page.read_text(encoding="utf-8").replace("<header>", header),
                        encoding="utf-8")
    status, out = run(project, "--no-sources", capsys=capsys)
    assert status == 1
    findings = [line for line in out.splitlines() if "handouts" in line]
    assert findings == [
        f"built/404.html:{line_of(pages[0], 'handouts')}: link "
        "'/handouts/pain-diary.pdf' not found (no handouts/pain-diary.pdf); appears on "
        f"{len(pages)} pages: likely from a template, an override or the nav"]


def test_template_link_to_each_pages_own_missing_file_is_reported_once(project, capsys):
    pages = sorted((project / "built").rglob("index.html"))
    for page in pages:  # like the handout link: <language root>/handouts/<page>.pdf
        parts = page.relative_to(project / "built").parts
        name = parts[1:-1] if parts[0] == "es" else parts[:-1]
        handout = f"{'../' * len(name)}handouts/{'-'.join(name) or 'index'}.pdf"
        page.write_text(page.read_text(encoding="utf-8").replace(
            "</main>", f'<a href="{handout}">PDF</a>\n    </main>'), encoding="utf-8")
    status, out = run(project, "--no-sources", capsys=capsys)
    first = project / "built" / "a" / "index.html"
    assert status == 1
    assert out.splitlines()[:-1] == [
        f"built/a/index.html:{line_of(first, 'handouts/a.pdf')}: link '../handouts/a.pdf' not "
        f"found (no handouts/a.pdf); each page links its own: handouts/*.pdf; appears on "
        f"{len(pages)} pages: likely from a template, an override or the nav"]


def test_broken_link_and_anchor_in_one_built_page(project, capsys):
    page = project / "built" / "es" / "a" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        '<a href="../">inicio</a>', '<a href="../c/">inicio</a> <a href="../b/#what-help">B</a>'),
        encoding="utf-8")
    status, out = run(project, "--no-sources", capsys=capsys)
    line = line_of(page, "../c/")
    assert status == 1
    assert f"es/a/index.html:{line}: link '../c/' not found (no es/c/index.html)\n" in out
    assert (f"es/a/index.html:{line}: anchor '#what-help' not found in es/b/index.html "
            "(did you mean '#what-helps'?)") in out


def test_language_switcher_search_index_and_sitemap_are_checked(project):
    built = project / "built"
    shutil.rmtree(built / "es" / "b")
    index = built / "search" / "search_index.json"
    index.write_text(index.read_text(encoding="utf-8").replace("a/#scar-tissue", "a/#scar"),
                     encoding="utf-8")
    found = check_links.check(project / "mkdocs.yml", built, sources=False).findings
    missing = next(f for f in found if f.target == "../es/b/")
    assert (missing.file, missing.message) == ("built/b/index.html",
                                               "link '../es/b/' not found (no es/b/index.html)")
    assert missing.line == line_of(built / "b" / "index.html", '"../es/b/"')
    assert "built/sitemap.xml" in {place["file"] for place in missing.also}  # listed there too
    assert [(f.file, f.line, f.message) for f in found if f.kind == "anchor"] == [
        ("built/search/search_index.json", 1, "anchor '#scar' not found in a/index.html")]


def test_http_link_from_a_template_is_reported_in_the_built_page(project, capsys):
    page = project / "built" / "b" / "index.html"
    clinic = '<a href="http://clinic.example.org/">Clinic</a>\n    </main>'
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", clinic), encoding="utf-8")
    status, out = run(project, "--no-sources", capsys=capsys)
    assert status == 1
    assert (f"b/index.html:{line_of(page, 'http://clinic')}: insecure link "
            "'http://clinic.example.org/': use https") in out


# ---------------------------------------------------------------- output and usage


def test_json_format(project, capsys):
    line = append(project / "docs" / "a.md", "See [B](bb.md).")
    status, out = run(project, "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert status == 1
    assert set(report) == {"summary", "findings"}
    assert set(report["summary"]) == {"pages", "links", "findings", "seconds"}
    assert report["summary"]["findings"] == len(report["findings"]) == 1
    assert report["findings"][0] == {
        "file": "docs/a.md", "line": line, "kind": "missing", "target": "bb.md",
        "message": "link 'bb.md' not found", "suggestion": "b.md", "also": []}


@pytest.mark.parametrize("args, message", [
    (["--site", "no-such-folder"], "no-such-folder: no such site folder"),
    (["--config", "no-such.yml"], "no-such.yml: no such configuration file"),
    (["--format", "xml"], "invalid choice: 'xml'"),
])
def test_usage_error_exits_2_with_a_clear_message(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "scripts.check_links", *args], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr


# ---------------------------------------------------------------- external (loopback only)


class _Handler(http.server.BaseHTTPRequestHandler):
    """/ok: 200; /flaky: 503 twice, then 200; /slow/...: 200 after 0.2 s; anything else: 404."""

    server: _Loopback

    def _answer(self, body: bool) -> None:
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path))
            server.busy += 1
            server.most_at_once = max(server.most_at_once, server.busy)
            flaky_calls = sum(1 for _, path in server.requests if path == "/flaky")
        if self.path.startswith("/slow/"):
            time.sleep(0.2)
        if self.path == "/flaky":
            status = 503 if flaky_calls <= 2 else 200
        else:
            status = 200 if self.path == "/ok" or self.path.startswith("/slow/") else 404
        with server.lock:
            server.busy -= 1
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


class _Loopback(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.busy = self.most_at_once = 0
        self.base = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def loopback():
    """A web server on 127.0.0.1 that counts what it is asked (see _Handler)."""
    server = _Loopback()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_external_links_are_fetched_and_cached(project, loopback, capsys):
    base, requests = loopback.base, loopback.requests
    for page in (project / "docs").glob("*.md"):
        page.unlink()
    (project / "mkdocs.yml").write_text("site_name: External\n", encoding="utf-8")
    (project / "docs" / "index.md").write_text(
        f"# Links\n\n[Fine]({base}/ok)\n\n[Gone]({base}/missing)\n", encoding="utf-8")
    status, out = run(project, "--no-site", "--external", capsys=capsys)
    assert status == 1
    assert f"docs/index.md:5: external link '{base}/missing' returned 404 Not Found" in out
    assert f"'{base}/ok' returned" not in out
    # HEAD first; the 404 is tried again with GET (some servers refuse HEAD), never retried.
    assert sorted(requests) == [("GET", "/missing"), ("HEAD", "/missing"), ("HEAD", "/ok")]
    cache = json.loads((project / ".cache" / "links.json").read_text(encoding="utf-8"))
    assert cache[f"{base}/ok"]["status"] == 200 and cache[f"{base}/missing"]["status"] == 404

    requests.clear()
    again, out_again = run(project, "--no-site", "--external", capsys=capsys)
    assert requests == [], "a re-run within a day must use the cache"
    assert (again, out_again.splitlines()[:-1]) == (status, out.splitlines()[:-1])
    assert ", 2 external fetched, " in out and ", 0 external fetched, " in out_again


def test_server_errors_are_retried_and_refusals_reported(tmp_path, loopback):
    refused = "http://127.0.0.1:9/closed"  # the discard port: nothing listens on it here
    findings, fetched = check_links.check_external(
        {f"{loopback.base}/flaky": [("docs/a.md", 3)],
         refused: [("docs/a.md", 4), ("docs/b.md", 8)]},
        tmp_path / "links.json", timeout=2, retries=2, backoff=0.01)
    assert fetched == 2
    assert loopback.requests == [("HEAD", "/flaky"), ("GET", "/flaky"), ("HEAD", "/flaky")]
    assert [(f.file, f.line, f.target, f.also) for f in findings] == [
        ("docs/a.md", 4, refused, [{"file": "docs/b.md", "line": 8, "target": refused}])]
    assert f"external link '{refused}' failed: " in findings[0].message


def test_at_most_two_requests_per_host_at_once(tmp_path, loopback):
    urls = {f"{loopback.base}/slow/{number}": [("docs/a.md", number)] for number in range(6)}
    findings, fetched = check_links.check_external(urls, tmp_path / "links.json", timeout=5)
    assert (findings, fetched) == ([], 6)
    assert loopback.most_at_once == 2
