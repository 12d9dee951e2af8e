"""Benchmark the guide as readers and writers meet it: build time, bytes per page, Lighthouse.

    python bench/bench_site.py [--lighthouse PATH] [--chromium PATH] [--scale 10] [--runs 1]
                               [--lighthouse-runs 3] [--skip-growth] [--skip-lighthouse] [--keep]

Prints figures; it is not a test and asserts nothing. Steps:

1. Build time: the real guide, every language, with `python -m scripts.build --no-handouts`
   and with the PDF handouts (the full `make build`).
2. Growth with pages x languages: a copy of the project built with its pages (1x) and SCALE
   times as many (the pages copied into copy1/ ... copyN/ with a nav section each), each with
   2 languages and with a third, fake one ("fr": the Spanish pages and i18n/es.yml copied).
3. Bytes: the site is served on 127.0.0.1 by a server that gzips text as a static host does;
   each page is opened in a fresh Chromium (first view, empty cache) and the gzip size of
   every response body is added up by kind: HTML, CSS, JS, search index, fonts, images,
   other. Then search is opened (the "/" key). Every page is checked to load no search index
   on its first view and, once search opens, only its own language's (search/search_index.json
   for English, es/search/search_index.json for Spanish).
4. Lighthouse mobile scores (performance, accessibility, best practices, SEO) of the home page
   and a treatment page, in English and Spanish, with the failing audits: the median of
   --lighthouse-runs runs per page, since performance varies from run to run.
5. The same bytes and scores for the same four pages built with plain Material defaults
   (theme: material, no overrides, hooks or i18n plugin; Spanish pages under es/), the
   comparison the targets were set against: Lighthouse 100 in all four categories, first
   page view under 150 KB.

Lighthouse is not a dependency of the project. Install it apart from the repository:

    npm install --prefix /tmp/lh lighthouse@12.2.3

and pass --lighthouse /tmp/lh/node_modules/.bin/lighthouse (or set LIGHTHOUSE). Chromium is
Debian's (python -m scripts.setup --system); --chromium or CHROME_PATH picks another.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

try:
    import resource
except ImportError:  # Windows: no CPU times
    resource = None

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "overrides", "i18n", "scripts", "docs")
PAGES = {"home (en)": "", "treatment (en)": "treatments/spinal-cord-stimulation/",
         "home (es)": "es/", "treatment (es)": "es/treatments/spinal-cord-stimulation/"}
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
KINDS = ("html", "css", "js", "search index", "fonts", "images", "other")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# ---------------------------------------------------------------- building


class _Loader(yaml.SafeLoader):
    """mkdocs.yml with !ENV read as its default value."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1]
                        if isinstance(node, yaml.SequenceNode) else None)


def copy_project(target: Path) -> dict:
    """Copy what a build needs into `target`; return its mkdocs.yml as data."""
    target.mkdir(parents=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def build(project: Path, site: Path, site_url: str, handouts: bool = False) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, '' or the error) of `python -m scripts.build` in `project`.
    CPU time counts the build's own processes, so it moves less than wall time when other
    programs share the machine."""
    command = [sys.executable, "-m", "scripts.build", "--site-dir", str(site)]
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run([*command, *([] if handouts else ["--no-handouts"])], cwd=project,
                            capture_output=True, text=True, encoding="utf-8",
                            env={**os.environ, "SITE_URL": site_url})
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    return seconds, cpu, "" if result.returncode == 0 else (result.stderr or result.stdout).strip()[-800:]


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (nan where unknown: Windows)."""
    if resource is None:
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _prefixed(nav, prefix: str, copied: set[str]):
    """The nav with every copied page's path under `prefix` (titles kept); pages that were
    not copied (the generated team pages) and sections left empty are dropped."""
    if isinstance(nav, str):
        return prefix + nav if nav in copied else None
    if isinstance(nav, dict):
        kept = {title: _prefixed(value, prefix, copied) for title, value in nav.items()}
        return {title: value for title, value in kept.items() if value} or None
    return [item for item in (_prefixed(item, prefix, copied) for item in nav) if item] or None


def grow(project: Path, config: dict, scale: int, third_language: bool) -> None:
    """Make the copied project SCALE times larger and/or give it a third language."""
    docs = project / "docs"
    pages = [p for p in sorted(docs.rglob("*.md"))  # the generated team pages stay single
             if "\ngenerated:" not in p.read_text(encoding="utf-8").split("\n---", 1)[0]]
    if third_language:
        for page in [p for p in pages if p.name.endswith(".es.md")]:
            shutil.copy(page, page.with_name(page.name.replace(".es.md", ".fr.md")))
        shutil.copy(project / "i18n" / "es.yml", project / "i18n" / "fr.yml")
        i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
        spanish = next(lang for lang in i18n["languages"] if lang["locale"] == "es")
        i18n["languages"].append({**spanish, "locale": "fr", "name": "Français (copie)"})
        pages += [p.with_name(p.name.replace(".es.md", ".fr.md")) for p in pages if p.name.endswith(".es.md")]
    nav = list(config.get("nav") or [])
    for number in range(1, scale):
        for page in pages:
            target = docs / f"copy{number}" / page.relative_to(docs)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, target)
        copied = {page.relative_to(docs).as_posix() for page in pages}
        nav.append({f"Copy {number}": _prefixed(config["nav"], f"copy{number}/", copied)})
    config["nav"] = nav
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")


def plain_material(project: Path, site_url: str) -> None:
    """The four measured pages as a site with plain Material defaults (same Markdown
    extensions, so the content renders alike; Spanish pages in es/)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    for page in ("index", "treatments/spinal-cord-stimulation"):
        for language, folder in (("", ""), (".es", "es/")):
            target = project / "docs" / folder / f"{page}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "docs" / f"{page}{language}.md", target)
    (project / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": config["site_name"], "site_url": site_url, "theme": {"name": "material"},
        "markdown_extensions": config["markdown_extensions"]}, allow_unicode=True), encoding="utf-8")


# ---------------------------------------------------------------- serving and measuring


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as a static host with gzip does: text compressed when the browser asks,
    connections kept open (HTTP/1.1; Python's default HTTP/1.0 opens one per file, which
    no real host does and which Lighthouse charges as extra round trips)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        content_type = self.guess_type(str(path))
        if not (path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")
                and content_type.startswith(TEXT_TYPES)):
            return super().send_head()  # directory redirects, 404s, images, fonts
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(folder: Path):
    """Serve `folder` (it may be filled later) on 127.0.0.1; yield its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def kind_of(url: str, resource_type: str, content_type: str) -> str:
    if url.split("?")[0].endswith("search_index.json"):
        return "search index"
    if resource_type == "document" or content_type.startswith("text/html"):
        return "html"
    if resource_type == "stylesheet" or content_type.startswith("text/css"):
        return "css"
    if resource_type == "script" or "javascript" in content_type:
        return "js"
    if resource_type == "font" or content_type.startswith("font/"):
        return "fonts"
    if resource_type == "image" or content_type.startswith("image/"):
        return "images"
    return "other"


def transferred(body: bytes, content_type: str) -> int:
    """Bytes a static host with gzip sends: text gzipped (level 6), the rest as it is."""
    return len(gzip.compress(body, 6)) if content_type.startswith(TEXT_TYPES) else len(body)


def measure_pages(base: str, paths: list[str], chromium: str) -> dict[str, dict]:
    """For each page path: bytes by kind, the search indexes it loaded, failed requests."""
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_FLAGS[1:])
        for path in paths:
            context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True,
                                          device_scale_factor=1.75, has_touch=True)
            responses, failed = [], []
            context.on("response", lambda response: responses.append(response))
            context.on("requestfailed", lambda request: failed.append(request.url))
            page = context.new_page()
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(1500)  # anything a script fetches after load (plain Material: its index)
            first_view = len(responses)
            page.keyboard.press("/")  # then the reader opens search
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            sizes = dict.fromkeys(KINDS, 0)
            indexes: dict[str, set[str]] = {"first view": set(), "search opened": set()}
            index_bytes = 0
            for number, response in enumerate(responses):
                if 300 <= response.status < 400:
                    continue  # a redirect has no body; its target is another response
                try:
                    body = response.body()
                except PlaywrightError as error:
                    failed.append(f"{response.url} ({error.message.splitlines()[0]})")
                    continue
                content_type = response.headers.get("content-type", "")
                kind = kind_of(response.url, response.request.resource_type, content_type)
                phase = "first view" if number < first_view else "search opened"
                if kind == "search index":
                    indexes[phase].add(response.url[len(base):])
                    index_bytes = max(index_bytes, transferred(body, content_type))
                if phase == "first view":
                    sizes[kind] += transferred(body, content_type)
            results[path] = {"bytes": sizes, "failed": failed, "index bytes": index_bytes,
                             **{phase: sorted(urls) for phase, urls in indexes.items()}}
            context.close()
        browser.close()
    return results


def lighthouse(command: str, url: str, chromium: str, work: Path) -> dict:
    """Scores (0-100) of the four categories and the failing audits, or {'error': ...}."""
    report = work / "lighthouse.json"
    result = subprocess.run(
        [command, url, "--form-factor=mobile", "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}"],
        capture_output=True, text=True, encoding="utf-8", env={**os.environ, "CHROME_PATH": chromium})
    if result.returncode != 0 or not report.exists():
        return {"error": (result.stderr or result.stdout).strip()[-500:]}
    data = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    scores = {name: round((data["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failing = {}
    for name in CATEGORIES:
        for ref in data["categories"][name]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if audit.get("score") is not None and audit["score"] < 1 and audit["scoreDisplayMode"] in (
                    "binary", "numeric", "metricSavings"):
                failing.setdefault(name, []).append(
                    (ref["id"], audit["title"], audit.get("displayValue", ""), ref.get("weight", 0)))
    weight = data["audits"].get("total-byte-weight", {}).get("numericValue")
    return {"scores": scores, "failing": failing, "bytes": weight,
            "benchmark": data.get("environment", {}).get("benchmarkIndex")}


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (as Lighthouse's docs advise), with the
    range of all runs' scores; an error if every run failed."""
    scored = sorted((run for run in runs if "scores" in run), key=lambda run: run["scores"]["performance"])
    if not scored:
        return runs[0]
    performance = [run["scores"]["performance"] for run in scored]
    return {**scored[len(scored) // 2], "range": f"{performance[0]}-{performance[-1]}"}


# ---------------------------------------------------------------- report


def kb(value: float) -> str:
    return f"{value / 1024:.1f}"


def print_bytes(title: str, results: dict[str, dict], names: dict[str, str]) -> None:
    print(f"\n{title}: KB transferred (gzip) on a first view")
    print(f"{'page':<16}" + "".join(f"{kind:>13}" for kind in KINDS) + f"{'total':>9}"
          "  search index: size, loaded on first view / when search opens")
    for name, path in names.items():
        result = results[path]
        sizes = result["bytes"]
        print(f"{name:<16}" + "".join(f"{kb(sizes[kind]):>13}" for kind in KINDS)
              + f"{kb(sum(sizes.values())):>9}  {kb(result['index bytes'])} KB, "
              f"{', '.join(result['first view']) or '-'} / {', '.join(result['search opened']) or '-'}")
        if result["failed"]:
            print(f"{'':16}failed requests: {', '.join(result['failed'])}")


def check_indexes(results: dict[str, dict], languages: list[str]) -> list[str]:
    """Pages that load a search index before search is opened, or then not exactly their own."""
    problems = []
    for path, result in results.items():
        language = next((lang for lang in languages if path.startswith(f"{lang}/")), "")
        expected = f"{language}/search/search_index.json" if language else "search/search_index.json"
        if result["first view"]:
            problems.append(f"{path or '/'}: loads {', '.join(result['first view'])} before search is opened")
        if result["search opened"] != [expected]:
            problems.append(f"{path or '/'}: opening search loads "
                            f"{', '.join(result['search opened']) or 'no index'}, "
                            f"expected {expected}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse"),
                        help="Lighthouse's command (default: $LIGHTHOUSE, else lighthouse on PATH)")
    parser.add_argument("--chromium", default=os.environ.get("CHROME_PATH") or shutil.which("chromium")
                        or "/usr/bin/chromium", help="Chromium (default: $CHROME_PATH, else chromium)")
    parser.add_argument("--scale", type=int, default=10, help="size of the large site (default 10x)")
    parser.add_argument("--runs", type=int, default=1, help="builds per configuration (the best is kept)")
    parser.add_argument("--skip-growth", action="store_true", help="skip the pages x languages builds")
    parser.add_argument("--skip-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--lighthouse-runs", type=int, default=3,
                        help="Lighthouse runs per page; the median is shown (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and print it")
    args = parser.parse_args(argv)
    if not args.skip_lighthouse and not (args.lighthouse and shutil.which(args.lighthouse)):
        parser.error("Lighthouse not found. Install it apart from the project:\n  npm install --prefix "
                     "/tmp/lh lighthouse@12.2.3\nthen pass --lighthouse /tmp/lh/node_modules/.bin/lighthouse "
                     "(or set LIGHTHOUSE), or use --skip-lighthouse.")
    if not shutil.which(args.chromium):
        parser.error(f"Chromium not found at {args.chromium}: python -m scripts.setup --system, or --chromium PATH")

    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        with serve(work / "site") as base, serve(work / "plain-site") as plain_base:
            # 1. Build time of the real guide.
            load = os.getloadavg() if hasattr(os, "getloadavg") else ()
            print(f"Machine: {os.cpu_count()} CPUs; load average {', '.join(f'{x:.1f}' for x in load)} "
                  "(wall times grow when other programs run; CPU times much less).", flush=True)
            print("Building the guide ...", flush=True)
            runs = [build(ROOT, work / "site", base) for _ in range(args.runs)]
            error = next((e for *_, e in runs if e), "")
            if error:
                print(f"The guide did not build:\n{error}", file=sys.stderr)
                return 1
            wall, cpu, _ = min(runs)
            pages_built = sum(1 for _ in (work / "site").rglob("index.html"))
            full, full_cpu, full_error = build(ROOT, work / "full-site", base, handouts=True)
            print(f"\nBuild time, all languages ({pages_built} pages): {wall:.1f} s ({cpu:.1f} s CPU) "
                  "without handouts; " + (f"{full:.1f} s ({full_cpu:.1f} s CPU) with the PDF handouts "
                                           "(make build)." if not full_error else
                                           f"with the PDF handouts it failed: {full_error.splitlines()[-1]}"))

            # 2. Growth with pages x languages.
            if not args.skip_growth:
                print(f"\nBuild time by pages x languages (best of {args.runs}, without handouts):")
                print(f"{'pages':>8} {'languages':>10} {'HTML pages':>11} {'seconds':>8} {'CPU s':>8} "
                      f"{'CPU ms/page':>12}", flush=True)
                for scale, third in ((1, False), (1, True), (args.scale, False), (args.scale, True)):
                    project = work / f"grow-{scale}-{3 if third else 2}"
                    grow(project, copy_project(project), scale, third)
                    runs = [build(project, project / "site", base) for _ in range(args.runs)]
                    error = next((e for *_, e in runs if e), "")
                    if error:
                        print(f"{scale:>7}x {3 if third else 2:>10}   build failed: {error.splitlines()[-1]}")
                        continue
                    wall, cpu, _ = min(runs)
                    count = sum(1 for _ in (project / "site").rglob("index.html"))
                    print(f"{scale:>7}x {3 if third else 2:>10} {count:>11} {wall:>8.1f} {cpu:>8.1f} "
                          f"{cpu / count * 1000:>12.0f}", flush=True)
                    shutil.rmtree(project)

            # 3. Bytes per page, and which search index each page loads.
            print("\nLoading every page in Chromium ...", flush=True)
            site = work / "site"
            paths = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
                           if p.parent != site and "search" not in p.parts)
            results = measure_pages(base, ["", *paths], args.chromium)
            print_bytes("The guide", results, PAGES)
            totals = {path: sum(r["bytes"].values()) for path, r in results.items()}
            largest = max(totals, key=totals.get)
            print(f"All {len(totals)} pages: first view {kb(min(totals.values()))}-{kb(max(totals.values()))} KB "
                  f"(largest: /{largest}); target under 150 KB: "
                  f"{'met' if max(totals.values()) < 150 * 1024 else 'NOT met'} on every page.")
            problems = check_indexes(results, ["es", "fr"])
            print("Search index: " + ("no page loads one on its first view; opening search loads "
                                      "the page's own language's index only."
                                      if not problems else "\n  " + "\n  ".join(problems)))

            # 5 (bytes). The same four pages with plain Material defaults.
            plain = work / "plain"
            plain_material(plain, plain_base)
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir",
                            str(work / "plain-site")], cwd=plain, check=True, capture_output=True)
            plain_results = measure_pages(plain_base, list(PAGES.values()), args.chromium)
            print_bytes("Plain Material defaults, same pages", plain_results, PAGES)

            # 4. Lighthouse.
            if not args.skip_lighthouse:
                print(f"\nLighthouse, mobile, {args.lighthouse_runs} run(s) per page (a run takes about "
                      "20 s) ...", flush=True)
                rows = []
                for label, site_base in (("guide", base), ("plain", plain_base)):
                    for name, path in PAGES.items():
                        runs = [lighthouse(args.lighthouse, site_base + path, args.chromium, work)
                                for _ in range(args.lighthouse_runs)]
                        rows.append((label, name, median_run(runs)))
                print("\nEach row is the run with the median performance score ('range': all runs' scores). "
                      "'LH KB' is Lighthouse's total byte weight; 'CPU index' its measure of this machine's "
                      "speed at the time (lower: busier or slower, and a lower performance score).")
                print(f"{'site':<6} {'page':<16}" + "".join(f"{c:>15}" for c in CATEGORIES)
                      + f"{'range':>9}{'LH KB':>8}{'CPU index':>10}")
                for label, name, result in rows:
                    if "error" in result:
                        print(f"{label:<6} {name:<16} Lighthouse failed: {result['error']}")
                        continue
                    print(f"{label:<6} {name:<16}" + "".join(f"{result['scores'][c]:>15}" for c in CATEGORIES)
                          + f"{result['range']:>9}{kb(result['bytes'] or 0):>8}{result['benchmark'] or 0:>10.0f}")
                print("\nAudits below 100 that count in a category's score (id: title (value), weight):")
                diagnostics: dict[str, str] = {}
                for label, name, result in rows:
                    for category, audits in result.get("failing", {}).items():
                        for audit_id, title, value, weight in audits:
                            if weight:
                                print(f"  {label} {name} [{category}] {audit_id}: {title}"
                                      + (f" ({value})" if value else "") + f", weight {weight}")
                            else:
                                diagnostics.setdefault(f"{audit_id}: {title}", label)
                print("Not scored (weight 0), on some pages: "
                      + "; ".join(f"{audit} [{site}]" for audit, site in sorted(diagnostics.items())))
    finally:
        if args.keep:
            print(f"\nWork folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
