"""A real Chromium for tests, and a loopback server for a built site.

Browser tests fail, never skip, when CI=true and no browser can start: a skipped quality
gate must not look like a passing one. Elsewhere (a translator's laptop without Chromium)
they are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import re

import pytest
from playwright.sync_api import expect

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


def launch(playwright):
    executable = chromium_path()
    try:
        if executable is None:
            raise RuntimeError("no Chromium found on PATH (run: python -m scripts.setup --system)")
        return playwright.chromium.launch(executable_path=executable, headless=True,
                                          args=CHROMIUM_FLAGS)
    except Exception as error:  # noqa: BLE001 - any launch failure means "no browser"
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests must run in CI, but Chromium did not start: {error}")
        pytest.skip(f"Chromium did not start: {error}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site: Path):
    """Serve a built site on 127.0.0.1 (a free port), yielding its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def search(opener, url: str, query: str) -> list[str]:
    """Type a query into the site's search and return every result page (all batches).

    `opener` is a browser or a browser context: anything with new_page().
    """
    tab = opener.new_page()
    try:
        tab.goto(url, wait_until="networkidle")  # the search index has loaded
        tab.keyboard.press("/")  # Material's search shortcut, as a keyboard user would
        tab.locator("input.md-search__input").press_sequentially(query, delay=20)
        results = tab.locator(".md-search-result__item > a")
        expect(results.first).to_be_visible(timeout=10_000)
        # Material shows results in batches as the list scrolls: scroll until all are there.
        count = -1
        while count != results.count():
            count = results.count()
            tab.locator(".md-search__scrollwrap").evaluate("el => el.scrollTo(0, el.scrollHeight)")
            tab.wait_for_timeout(200)
        # Result links carry "?h=query" for highlighting and "#section": compare pages only.
        return sorted({re.split(r"[?#]", link.get_attribute("href") or "")[0]
                       for link in results.all()})
    finally:
        tab.close()
