"""scripts.check_safety: each kind of unsafe content, seeded in a tiny page, is reported with
its file and line and exit 1; code that only shows unsafe HTML is not; the real docs are clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from scripts import check_safety

FIXTURES = Path(__file__).parent / "fixtures" / "check_safety"
CONFIG = ["--config-file", str(ROOT / "mkdocs.yml")]
FRONT = ("---\ntitle: Una página\ndescription: Para una prueba.\nlast_reviewed: 2026-11-24\n"
         "next_review: 2027-11-24\nclinical_review: pending\n---\n\n# Una página\n\nTexto.\n\n")
FIRST_LINE = FRONT.count("\n") + 1  # the line of the first line of the seeded body


def run(*args: str, capsys) -> tuple[int, list[str]]:
    status = check_safety.main([*args, *CONFIG])
    return status, capsys.readouterr().out.splitlines()


def seed(folder: Path, body: str, name: str = "pagina.es.md") -> Path:
    """A page whose body starts at FIRST_LINE; `body` says where the defect is with a line."""
    path = folder / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT + body + "\n\nMás texto.\n", encoding="utf-8")
    return path


DEFECTS = {
    # id: (body, line of the defect within the body, 1-based; words the message must have)
    "script": ("Antes.\n\n<script>alert(1)</script>", 3, "<script> is not allowed"),
    "script-inline": ("Texto <script src=\"x.js\"></script> aquí.", 1, "<script> is not allowed"),
    "script-unclosed-fence": ("```\n<script>alert(1)</script>", 2, "<script> is not allowed"),
    "iframe": ("<iframe src=\"https://example.org/\"></iframe>", 1, "<iframe> is not allowed"),
    "object": ("Uno.\n\n<object data=\"x.swf\"></object>", 3, "<object> is not allowed"),
    "embed": ("<embed src=\"x.swf\">", 1, "<embed> is not allowed"),
    "applet": ("<applet code=\"X.class\"></applet>", 1, "<applet> is not allowed"),
    "form": ("<form action=\"https://example.org/\"><input name=q></form>", 1, "<form> is not allowed"),
    "base": ("<base href=\"https://example.org/\">", 1, "<base> is not allowed"),
    "meta-refresh": ("<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/\">", 1,
                     "<meta> is not allowed"),
    "style-element": ("<style>.admonition { display: none }</style>", 1, "<style> is not allowed"),
    "link-element": ("<link rel=\"stylesheet\" href=\"https://example.org/x.css\">", 1,
                     "<link> is not allowed"),
    "svg-script": ("<svg><script>alert(1)</script></svg>", 1, "<script> is not allowed"),
    "script-after-marked-section": ("<div>\n<![if x]><script>a</script><![endif]>\n</div>", 2,
                                    "<script> is not allowed"),
    "onclick": ("Uno.\n\n<p onclick=\"alert(1)\">Clic</p>", 3, "'onclick' (an inline event handler)"),
    "onerror-img": ("<img src=\"x.png\" alt=\"Una foto\" onerror=\"alert(1)\">", 1, "'onerror'"),
    "onload-uppercase": ("<body ONLOAD=\"alert(1)\">", 1, "'onload'"),
    "event-attr-list": ("## Título {onmouseover=\"alert(1)\"}", 1, "'onmouseover'"),
    "javascript-link": ("Uno.\n\n[Clic aquí](javascript:alert(1))", 3, "'javascript:' address in href="),
    "javascript-reference": ("[Clic][uno]\n\n[uno]: javascript:alert(1)", 3, "'javascript:'"),
    "javascript-html": ("<a href=\"JavaScript:alert(1)\">clic</a>", 1, "'javascript:'"),
    "javascript-entity": ("<a href=\"&#106;avascript:alert(1)\">clic</a>", 1, "'javascript:'"),
    "javascript-tab-newline": ("<a href=\"java&#9;scr\nipt:alert(1)\">clic</a>", 1, "'javascript:'"),
    "vbscript": ("<a href=\"vbscript:msgbox(1)\">clic</a>", 1, "'vbscript:'"),
    "javascript-action": ("<button formaction=\"javascript:alert(1)\">x</button>", 1, "formaction="),
    "data-link": ("[Abrir](data:text/html;base64,PHNjcmlwdD4=)", 1, "'data:' address in href="),
    "data-image": ("![Una foto](data:image/png;base64,iVBORw0KGgo=)", 1, "'data:' address in src="),
    "data-srcset": ("<img src=\"a.png\" srcset=\"data:image/png;base64,AAAA 2x\" alt=\"Una foto\">", 1,
                    "'data:' address in srcset="),
    "remote-image-markdown": ("Uno.\n\n![Una radiografía](https://example.org/x.png)", 3,
                              "an image loads 'https://example.org/x.png' from another server"),
    "remote-image-http": ("![Una radiografía](http://example.org/x.png)", 1, "from another server"),
    "remote-image-protocol-relative": ("![Una radiografía](//example.org/x.png)", 1,
                                       "an image loads '//example.org/x.png'"),
    "remote-image-backslashes": ("<img src=\"\\\\example.org/x.png\" alt=\"Una foto\">", 1,
                                 "from another server"),
    "remote-image-html": ("<img src=\"https://example.org/x.png\" alt=\"Una foto\">", 1,
                          "an image loads"),
    "remote-image-reference": ("![Una foto][f]\n\n[f]: https://example.org/x.png", 3, "an image loads"),
    "remote-srcset": ("<img src=\"a.png\" srcset=\"a2.png 2x, https://example.org/a3.png 3x\" "
                      "alt=\"Una foto\">", 1, "an image loads 'https://example.org/a3.png'"),
    "remote-picture-source": ("<picture><source srcset=\"https://example.org/a.webp\">"
                              "<img src=\"a.png\" alt=\"Una foto\"></picture>", 1, "<source srcset=> loads"),
    "remote-video-poster": ("<video poster=\"https://example.org/p.jpg\"></video>", 1, "<video poster=> loads"),
    "remote-svg-image": ("<svg><image href=\"https://example.org/x.png\"/></svg>", 1, "<image href=> loads"),
    "remote-css-url": ("<p style=\"background: url('https://example.org/t.gif')\">x</p>", 1,
                       "a style loads 'https://example.org/t.gif'"),
    "remote-css-attr-list": ("Un párrafo.\n{: style=\"background:url(//example.org/t.gif)\" }", 2,
                             "a style loads"),
    "alt-missing-markdown": ("Uno.\n\n![](radiografia.png)", 3, "image 'radiografia.png' has no alt text"),
    "alt-blank-markdown": ("![   ](radiografia.png)", 1, "has no alt text"),
    "alt-missing-html": ("<img src=\"foto.png\">", 1, "image 'foto.png' has no alt text"),
    "alt-empty-html": ("<img src=\"foto.png\" alt=\"\">", 1, "has no alt text"),
    "alt-missing-in-box": ("!!! note \"Nota\"\n\n    ![](foto.png)", 3, "has no alt text"),
}


@pytest.mark.parametrize("body, line, words", DEFECTS.values(), ids=DEFECTS.keys())
def test_each_defect_is_reported_with_file_and_line(tmp_path, capsys, body, line, words):
    page = seed(tmp_path, body)
    status, out = run(str(page), capsys=capsys)
    assert status == 1, out
    expected = f"{page.as_posix()}:{FIRST_LINE + line - 1}: "
    assert any(o.startswith(expected) and words in o for o in out), (expected, words, out)
    assert out[-1].startswith(f"{len(out) - 1} safety problem")


def test_english_pages_are_checked_too(tmp_path, capsys):
    page = seed(tmp_path, "![](foto.png)", name="pagina.md")
    status, out = run(str(page), capsys=capsys)
    assert status == 1 and out[0].startswith(f"{page.as_posix()}:{FIRST_LINE}: image 'foto.png'")


def test_the_same_defect_twice_gets_each_line(tmp_path, capsys):
    page = seed(tmp_path, "![](foto.png)\n\nTexto.\n\n![](foto.png)\n\n`![](foto.png)`\n\n![](foto.png)")
    status, out = run(str(page), capsys=capsys)
    assert status == 1
    assert [o.split(": ")[0] for o in out[:-1]] == [
        f"{page.as_posix()}:{FIRST_LINE + n}" for n in (0, 4, 8)]


def test_shown_code_comes_before_a_real_defect(tmp_path, capsys):
    """The line is where the element is written outside code, not where code shows it."""
    page = seed(tmp_path, "```html\n<script>shown()</script>\n```\n\n<script>run()</script>")
    status, out = run(str(page), capsys=capsys)
    assert status == 1 and len(out) == 2
    assert out[0].startswith(f"{page.as_posix()}:{FIRST_LINE + 4}: <script>")


def test_footnote_problems_are_found_on_their_own_line(tmp_path, capsys):
    page = seed(tmp_path, "Texto.[^a] <img src=\"b.png\">\n\n[^a]: Una fuente ![](a.png)")
    status, out = run(str(page), capsys=capsys)
    lines = sorted(o.split(": ")[0] for o in out[:-1])
    assert status == 1 and lines == [f"{page.as_posix()}:{FIRST_LINE}", f"{page.as_posix()}:{FIRST_LINE + 2}"]


def test_code_that_shows_unsafe_html_is_not_flagged(capsys):
    status, out = run(str(FIXTURES), capsys=capsys)
    assert status == 0, out
    assert out == ["0 safety problems."]


def test_malformed_html_is_read_as_browsers_read_it(tmp_path, capsys):
    """'<![' starts a comment up to the next '>' (html.parser alone raises on '<![ x')."""
    page = seed(tmp_path, "<div>\n<![ x\n<![CDATA[<script>alert(1)</script>]]>\n</div>")
    assert run(str(page), capsys=capsys) == (0, ["0 safety problems."])


def test_a_clean_page_exits_0(tmp_path, capsys):
    page = seed(tmp_path, "![Una foto de la espalda](foto.png)\n\n[Más](https://www.example.org/).")
    assert run(str(page), capsys=capsys) == (0, ["0 safety problems."])


def test_svg_files_get_the_same_checks(tmp_path, capsys):
    svg = tmp_path / "docs" / "images" / "chart.svg"
    svg.parent.mkdir(parents=True)
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="10" height="10"/>\n'
                   '<script>alert(1)</script>\n<a href="javascript:alert(1)"><text>x</text></a>\n'
                   '</svg>\n', encoding="utf-8")
    status, out = run(str(tmp_path / "docs"), capsys=capsys)
    assert status == 1
    assert out[0].startswith(f"{svg.as_posix()}:3: <script>")
    assert out[1].startswith(f"{svg.as_posix()}:4: 'javascript:'")


def test_files_published_as_is_are_refused_unless_the_site_lists_them(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                      + "\nextra_javascript:\n  - javascripts/site.js\n", encoding="utf-8")
    (tmp_path / "docs" / "javascripts").mkdir(parents=True)
    (tmp_path / "docs" / "javascripts" / "site.js").write_text("// the site's own\n", encoding="utf-8")
    (tmp_path / "docs" / "evil.html").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(FRONT, encoding="utf-8")
    status = check_safety.main(["--config-file", str(config)])
    out = capsys.readouterr().out.splitlines()
    assert status == 1 and len(out) == 2
    assert out[0].startswith("docs/evil.html:1: a .html file in docs/ is published as it is")


def test_a_page_that_is_not_utf8_is_reported(tmp_path, capsys):
    page = tmp_path / "docs" / "pagina.es.md"
    page.parent.mkdir(parents=True)
    page.write_bytes("Texto en Latin-1: ñ".encode("latin-1"))
    status, out = run(str(page), capsys=capsys)
    assert status == 1 and out[0].startswith(f"{page.as_posix()}:1: not UTF-8 text")


@pytest.mark.parametrize("args", [["no-such-page.md"], [str(ROOT / "mkdocs.yml")],
                                  ["--config-file", "no-such-mkdocs.yml"]])
def test_usage_errors_exit_2(capsys, args):
    assert check_safety.main(args) == 2
    assert "error:" in capsys.readouterr().err


def test_scheme_reads_addresses_as_browsers_do():
    assert check_safety.scheme(" \x01Java\tScript:alert(1)") == "javascript"
    assert check_safety.scheme("\\\\example.org/x.png") == "//"
    assert check_safety.scheme("images/x.png") == ""
    assert check_safety.scheme("../causes.md#x:y") == ""


def test_the_real_docs_are_clean():
    """What `make check` runs, in every language."""
    result = subprocess.run([sys.executable, "-m", "scripts.check_safety"], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "0 safety problems."
