"""Benchmark the PDF handouts: all of them with a cold cache, again warm, and with 1 to N languages.

    python bench/bench_handouts.py [--site DIR] [--languages 4] [--paper letter]

Steps: build the guide without handouts (`python -m scripts.build --no-handouts`) into a
temporary project, or copy --site (a built site); add fake languages (x1, x2, ...) made by
copying the Spanish pages, sources and strings, so that more languages can be measured than
the guide has; then, for 1, 2, ... --languages languages, run the handouts step
(scripts.handouts.make_handouts, the code `make build` runs) with an empty cache (every PDF
printed) and once more with the cache it left (nothing printed). Prints a table: PDFs made,
sheets printed, seconds (cold and warm), seconds per PDF and per page handout, and how the
time grows with languages. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import handouts  # noqa: E402

SITE_URL = "http://127.0.0.1:8000/"


def build(site: Path) -> None:
    subprocess.run([sys.executable, "-m", "scripts.build", "--no-handouts", "--site-dir",
                    str(site)], cwd=ROOT, check=True, env={**os.environ, "SITE_URL": SITE_URL},
                   stdout=subprocess.DEVNULL)


def make_project(folder: Path, site: Path | None, extra_languages: int) -> Path:
    """A project folder (mkdocs.yml, docs/, i18n/, site/) with extra fake languages."""
    project = folder / "project"
    project.mkdir()
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "i18n", project / "i18n")
    if site:
        shutil.copytree(site, project / "site")
    else:
        print("Building the site (no handouts) ...", file=sys.stderr)
        build(project / "site")
    config = handouts.load_config(ROOT / "mkdocs.yml")
    config["site_url"] = SITE_URL
    languages = next(p["i18n"] for p in config["plugins"]
                     if isinstance(p, dict) and "i18n" in p)["languages"]
    spanish = next(lang for lang in languages if lang["locale"] == "es")
    for number in range(1, extra_languages + 1):
        code = f"x{number}"
        languages.append({**spanish, "locale": code, "name": f"Fake {number}", "default": False})
        shutil.copytree(project / "site" / "es", project / "site" / code)
        shutil.copy(project / "i18n" / "es.yml", project / "i18n" / f"{code}.yml")
        for source in list((project / "docs").rglob("*.es.md")):
            shutil.copy(source, source.with_name(source.name.replace(".es.md", f".{code}.md")))
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")
    return project


def sheets(site: Path, outputs: list[str]) -> int:
    return sum(handouts.page_count_of(site / output) or 0 for output in outputs)


def run(project: Path, languages: int, paper: str, cold: bool) -> tuple[handouts.Result, int]:
    settings = handouts.Settings.load(project / "mkdocs.yml", project / "site", paper)
    settings.languages = settings.languages[:languages]
    if cold:
        shutil.rmtree(handouts.cache_dir(settings), ignore_errors=True)
    result = handouts.make_handouts(settings, quiet=True)
    return result, sheets(settings.site_dir, result.outputs)


class ProcessTreeCpu:
    """CPU seconds used by this process and all its descendants (the browser's processes
    included) while it runs: /proc is read every 0.1 s, each process's last reading kept."""

    def __init__(self):
        self.ticks: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            parents, times = {}, {}
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry.name)] = int(fields[1])
                times[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
            for pid, ticks in times.items():
                ancestor = pid
                while ancestor not in (me, 0, 1) and ancestor in parents:
                    ancestor = parents[ancestor]
                if ancestor == me and pid != me:
                    self.ticks[pid] = ticks
            self.stop.wait(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site to use instead of building")
    parser.add_argument("--languages", type=int, default=4,
                        help="measure 1 .. this many languages (fake ones added as needed)")
    parser.add_argument("--paper", default="letter", choices=sorted(handouts.PAPER_SIZES))
    args = parser.parse_args(argv)
    real = len(handouts.Settings.load(ROOT / "mkdocs.yml", ROOT / "site").languages)
    executable = handouts.find_browser()
    print(f"Machine: {os.cpu_count()} cores; {Path(executable).name} "
          f"{handouts.browser_version(executable)}; {handouts.WORKERS} pages printed at once; "
          f"paper {args.paper}.")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-handouts-") as folder:
        project = make_project(Path(folder), args.site, max(0, args.languages - real))
        for count in range(1, args.languages + 1):
            before = resource.getrusage(resource.RUSAGE_SELF)
            with ProcessTreeCpu() as children:
                started = time.perf_counter()
                cold, printed = run(project, count, args.paper, cold=True)
                cold_seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (children.seconds + after.ru_utime + after.ru_stime
                   - before.ru_utime - before.ru_stime)
            started = time.perf_counter()
            warm, _ = run(project, count, args.paper, cold=False)
            warm_seconds = time.perf_counter() - started
            pages = sum(1 for o in cold.outputs if handouts.BOOKLET_NAME not in o) // 2
            rows.append((count, len(cold.outputs), cold.made, pages, printed, cold_seconds,
                         cold.prepare_seconds, warm_seconds, warm.made, cpu))
            print(f"  {count} language(s): {cold_seconds:.1f} s cold, {warm_seconds:.1f} s warm "
                  f"(load average {load()})", file=sys.stderr)
    base = rows[0][5]
    header = ("langs", "PDFs", "pages", "sheets", "cold s", "prep s", "s/PDF", "s/page-handout",
              "s/sheet", "CPU s", "warm s", "warm made", "x 1 lang")
    print("\n" + " | ".join(header))
    print(" | ".join("---" for _ in header))
    for (count, pdfs, made, pages, printed, cold_s, prep_s, warm_s, warm_made, cpu) in rows:
        print(" | ".join([
            str(count), str(pdfs), str(pages), str(printed), f"{cold_s:.1f}", f"{prep_s:.1f}",
            f"{cold_s / made:.2f}", f"{cold_s / (pages * 2):.2f}", f"{cold_s / printed:.3f}",
            f"{cpu:.0f}", f"{warm_s:.1f}", str(warm_made), f"{cold_s / base:.2f}"]))
    print("\npages: page handouts per variant (each has a regular and a large-print PDF); "
          "sheets: PDF pages printed;\ns/page-handout: cold time (booklets included) per "
          "page-handout PDF; CPU s: processor time of the cold run, browser processes\n"
          f"included (on an otherwise idle machine, wall time is about CPU s / {os.cpu_count()});"
          f" load average at the end: {load()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
