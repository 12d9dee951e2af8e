"""Benchmark scripts.check_links against LinkChecker on the built site and on a 10x larger one.

    python bench/bench_links.py [--site DIR] [--linkchecker PATH] [--scale 10] [--runs 3]
                                [--lc-anchors] [--no-seed]

LinkChecker is not a dependency of the project. Install it into a venv of its own:

    python3 -m venv /tmp/lcvenv && /tmp/lcvenv/bin/pip install linkchecker

and pass --linkchecker /tmp/lcvenv/bin/linkchecker (or set LINKCHECKER).

Steps: build the guide (python -m scripts.build; a plain `mkdocs build` if that fails) or
copy --site; seed three broken links into one page (a missing page, a missing image, a
missing anchor; --no-seed to skip); make a copy SCALE times larger (SCALE copies of the site
side by side, root-absolute and site-address links moved into each copy); then on each site
time `python -m scripts.check_links --no-sources` (best of --runs) and LinkChecker on local
files only (every HTML file as a start URL, external and mailto: URLs only syntax-checked;
once, it is slow), and compare the broken targets each finds. --lc-anchors also times
LinkChecker with its AnchorCheck plugin (our checker always checks anchors); it cannot check
anchors on directory URLs of local files (every page link here), only same-page ones.
It is not a test and asserts nothing: it prints a table, whose 'LC only' column counts the
broken internal links LinkChecker found and check_links did not (it should say 0), and names
them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import posixpath
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "http://127.0.0.1:8000/"  # what local builds use (mkdocs.yml's !ENV default)
SEED = ('<a href="../no-such-page/">a page</a> <img src="no-such-image.png" alt="">'
        ' <a href="#no-such-anchor">an anchor</a>')


def build(site: Path) -> None:
    """The full site (python -m scripts.build: every language, handouts); if that strict build
    fails (pages being written), a plain `mkdocs build`, broken links and all."""
    env = {**os.environ, "SITE_URL": SITE_URL}
    full = subprocess.run([sys.executable, "-m", "scripts.build", "--site-dir", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8")
    if full.returncode != 0:
        print("The strict build failed; using a plain `mkdocs build` instead.", flush=True)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet",
                        "--site-dir", str(site)], cwd=ROOT, check=True, env=env)


def seed(site: Path) -> str:
    """Add three broken links to one page below the root; return that page."""
    page = min((p for p in site.glob("*/index.html") if p.parent.name not in ("es", "search")),
               key=lambda p: p.as_posix())
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", SEED + "</article>", 1),
                    encoding="utf-8")
    return page.relative_to(site).as_posix()


def scale_up(site: Path, large: Path, copies: int) -> None:
    """`copies` copies of the site side by side, each one's own absolute links moved into it."""
    for number in range(copies):
        copy = large / f"copy{number}"
        shutil.copytree(site, copy)
        for path in [*copy.rglob("*.html"), *copy.rglob("*.xml")]:
            text = path.read_text(encoding="utf-8")
            text = text.replace(SITE_URL, f"{SITE_URL}copy{number}/")
            text = re.sub(r'((?:href|src)=")/(?!/)', rf"\1/copy{number}/", text)
            path.write_text(text, encoding="utf-8")


def key(page: str, target: str) -> str:
    """A broken target as a site path: 'a/b' for a/b/index.html, with '#anchor' if any."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    joined = path.lstrip("/") if path.startswith("/") else \
        posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    joined = re.sub(r"(^|/)index\.html$", "", joined).rstrip("/").removeprefix(".")
    return joined + (f"#{unquote(parts.fragment)}" if parts.fragment else "")


@dataclass
class Timing:
    wall: float  # seconds on the clock
    cpu: float   # seconds of CPU (user + system): steadier than wall on a busy machine


def timed(command: list[str]) -> tuple[subprocess.CompletedProcess, Timing]:
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, Timing(wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def run_ours(site: Path) -> tuple[Timing, float, int, int, set[str]]:
    """(time, the seconds it reports itself, pages, links, broken targets) of one run."""
    result, timing = timed([sys.executable, "-m", "scripts.check_links", "--no-sources",
                            "--site", str(site), "--format", "json"])
    if result.returncode not in (0, 1):
        sys.exit(f"check_links failed:\n{result.stderr}")
    report = json.loads(result.stdout)
    broken = set()
    for finding in report["findings"]:
        if finding["kind"] not in ("missing", "anchor", "outside"):
            continue
        for place in [finding, *finding["also"]]:  # grouped findings list every place
            page = Path(place["file"]).resolve().relative_to(site.resolve()).as_posix()
            target = place["target"]
            if target.startswith(SITE_URL):
                target = "/" + target[len(SITE_URL):]
            found = key(page, target)
            broken.add(found if finding["kind"] == "anchor" else found.split("#")[0])
    summary = report["summary"]
    return timing, summary["seconds"], summary["pages"], summary["links"], broken


def run_linkchecker(linkchecker: str, site: Path, anchors: Path | None = None
                    ) -> tuple[Timing, set[str], set[str]]:
    """(time, broken targets in the site, broken targets it resolved outside the site).
    With `anchors` (a configuration file enabling AnchorCheck), missing anchors too."""
    pages = sorted(site.rglob("*.html"))
    result, timing = timed([linkchecker, "--no-status", "--ignore-url=^https?://",
                            "--ignore-url=^mailto:", "--ignore-url=^tel:", "-o", "csv",
                            *(["-f", str(anchors)] if anchors else ["--no-warnings"]),
                            *(page.as_uri() for page in pages)])
    rows = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    inside, outside = set(), set()
    prefix = site.resolve().as_uri() + "/"
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        if row["warningstring"].startswith("Anchor `") and row["url"].startswith(prefix):
            inside.add(key("", "/" + row["url"][len(prefix):]))
        if row["valid"] != "False":
            continue
        if row["url"].startswith(prefix):
            inside.add(key("", "/" + row["url"][len(prefix):]).split("#")[0])
        else:  # a root-absolute link read as file:///...: fine once served from the site root
            outside.add(key("", urlsplit(row["url"]).path))
    return timing, inside, outside


@dataclass
class Row:
    name: str
    pages: int
    links: int
    ours: Timing                # check_links, best of --runs, Python start-up included
    own: float                  # the time check_links reports itself (best of --runs)
    linkchecker: Timing
    with_anchors: Timing | None  # LinkChecker with AnchorCheck (--lc-anchors)
    found: set[str]             # broken targets check_links found
    theirs: set[str]            # broken targets LinkChecker found
    missed: set[str]            # ... that are really missing, and check_links did not find
    root_absolute: int          # LinkChecker's file:///... reading of root-absolute links


def measure(name: str, site: Path, linkchecker: str, runs: int, anchors: Path | None) -> Row:
    print(f"Checking the {name} site ...", flush=True)
    tries = [run_ours(site) for _ in range(runs)]  # the best of each measure
    timing = Timing(min(run[0].wall for run in tries), min(run[0].cpu for run in tries))
    own = min(run[1] for run in tries)
    _, _, pages, links, found = tries[0]
    lc_timing, inside, outside = run_linkchecker(linkchecker, site)
    with_anchors = None
    if anchors:
        with_anchors, anchored, _ = run_linkchecker(linkchecker, site, anchors)
        inside |= anchored
    theirs = inside | outside
    missed = {target for target in theirs - found
              if not (site / target).exists() and not (site / target / "index.html").exists()}
    return Row(name, pages, links, timing, own, lc_timing, with_anchors, found, theirs, missed,
               len(outside))


def print_table(rows: list[Row], runs: int) -> None:
    print(f"\n{'site':>5} {'pages':>6} {'links':>7} {'check_links':>16} {'LinkChecker':>16} "
          f"{'speed-up':>14} {'LC+anchors':>16} {'speed-up':>14} {'broken: ours':>13} "
          f"{'LC':>4} {'LC only':>8}")
    print(f"{'':>21} {'wall / CPU':>16} {'wall / CPU':>16} {'wall / CPU':>14} {'wall / CPU':>16} "
          f"{'wall / CPU':>14}")

    def pair(timing: Timing | None, unit: str = " s", digits: int = 2) -> str:
        return f"{timing.wall:.{digits}f} / {timing.cpu:.{digits}f}{unit}" if timing else "-"

    for row in rows:
        faster = Timing(row.linkchecker.wall / row.ours.wall, row.linkchecker.cpu / row.ours.cpu)
        anchored = row.with_anchors and Timing(row.with_anchors.wall / row.ours.wall,
                                               row.with_anchors.cpu / row.ours.cpu)
        print(f"{row.name:>5} {row.pages:>6} {row.links:>7} {pair(row.ours):>16} "
              f"{pair(row.linkchecker, digits=1):>16} {pair(faster, 'x', 0):>14} "
              f"{pair(row.with_anchors, digits=1):>16} {pair(anchored, 'x', 0):>14} "
              f"{len(row.found):>13} {len(row.theirs):>4} {len(row.missed):>8}")
    small, big = rows
    print(f"\nGrowth from {small.name} to {big.name}: check_links "
          f"x{big.ours.wall / small.ours.wall:.1f} wall, x{big.ours.cpu / small.ours.cpu:.1f} CPU, "
          f"x{big.own / small.own:.1f} own time "
          f"({small.own:.2f} s -> {big.own:.2f} s, without Python start-up); "
          f"LinkChecker x{big.linkchecker.wall / small.linkchecker.wall:.1f} wall.")
    print(f"Times include starting Python. check_links: best of {runs}; LinkChecker: one run. "
          "'LC only': broken targets LinkChecker found and check_links did not.")
    for row in rows:
        if row.root_absolute:
            print(f"{row.name}: LinkChecker read {row.root_absolute} root-absolute link target(s) "
                  "as file:///...; those that exist in the site are not counted as missed.")
        for target in sorted(row.missed):
            print(f"{row.name}: LinkChecker found broken '{target}', check_links did not")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site to use (default: build one)")
    parser.add_argument("--linkchecker",
                        default=os.environ.get("LINKCHECKER") or shutil.which("linkchecker"),
                        help="LinkChecker's command (default: $LINKCHECKER, else on PATH)")
    parser.add_argument("--scale", type=int, default=10, help="size of the large site (10)")
    parser.add_argument("--runs", type=int, default=3, help="check_links runs per site (3)")
    parser.add_argument("--no-seed", action="store_true", help="do not add broken links")
    parser.add_argument("--lc-anchors", action="store_true",
                        help="also time LinkChecker with its AnchorCheck plugin (slow)")
    args = parser.parse_args(argv)
    found = args.linkchecker and (Path(args.linkchecker).exists() or shutil.which(args.linkchecker))
    if not found:
        parser.error("LinkChecker not found. Install it apart from the project:\n  python3 -m venv "
                     "/tmp/lcvenv && /tmp/lcvenv/bin/pip install linkchecker\nthen pass "
                     "--linkchecker /tmp/lcvenv/bin/linkchecker (or set LINKCHECKER).")
    if args.site and not args.site.is_dir():
        parser.error(f"{args.site}: no such folder")

    work = Path(tempfile.mkdtemp(prefix="bench-links-"))
    work.chmod(0o755)  # LinkChecker started as root reads the files as 'nobody'
    try:
        site = work / "site"
        if args.site:
            shutil.copytree(args.site, site)
        else:
            print("Building the guide ...", flush=True)
            build(site)
        if not args.no_seed:
            print(f"Seeded 3 broken links into {seed(site)}", flush=True)
        large = work / f"site-x{args.scale}"
        scale_up(site, large, args.scale)
        anchors = None
        if args.lc_anchors:
            anchors = work / "linkcheckerrc"
            anchors.write_text("[AnchorCheck]\n", encoding="utf-8")
        rows = [measure(name, folder, args.linkchecker, args.runs, anchors)
                for name, folder in (("1x", site), (f"{args.scale}x", large))]
        print_table(rows, args.runs)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
