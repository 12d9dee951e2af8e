"""Quality gates in a real browser, on the real built guide, for every language.

The site is built once (the `built_site` fixture) and served on a loopback port. Each test
visits the pages of every language that mkdocs.yml builds:

- search finds a page of the reader's language, and only pages of that language; a page
  loads no search index until search is opened, then only its own language's;
- the language menu keeps the reader on the same page;
- accessibility: axe-core (node_modules/, from package-lock.json) finds no WCAG 2.2 AA
  violation, nor any of its best-practice findings, on any page, light or dark, desktop or
  phone; the keyboard reaches search, the language menu and the handout links, with no
  invisible stop, on a desktop and on a phone, where it also opens and closes the
  navigation menu; text at 200% stays readable;
- phones (360 px): nothing scrolls sideways, and tap targets are at least 24 x 24 px;
- privacy: no request leaves the site's own origin, and no cookie is set;
- print hides the navigation and keeps the content and the emergency notice;
- no console error and no failed request on any page.

Like every browser test, these fail (never skip) when CI=true and Chromium cannot start.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from browser_support import search
from conftest import ROOT, _Loader

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, and axe's best practices, which Lighthouse's accessibility score also counts.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (AA)


CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def _languages() -> list[dict]:
    i18n = next(plugin["i18n"] for plugin in CONFIG["plugins"]
                if isinstance(plugin, dict) and "i18n" in plugin)
    return [lang for lang in i18n["languages"] if lang.get("build", True)]


def _team_pages() -> set[str]:
    """Pages kept out of the patients' navigation (not_in_nav), as built paths."""
    lines = (CONFIG.get("not_in_nav") or "").split()
    return {line.strip("/").removesuffix(".md") + "/" for line in lines if line.endswith(".md")}


LANGUAGES = _languages()
TEAM_PAGES = _team_pages()
LOCALES = [lang["locale"] for lang in LANGUAGES]
DEFAULT = next(lang["locale"] for lang in LANGUAGES if lang.get("default"))
NAMES = {lang["locale"]: lang["name"] for lang in LANGUAGES}
OTHER_LOCALES = [locale for locale in LOCALES if locale != DEFAULT]


def root(locale: str) -> str:
    """A language's folder in the site, relative to the base URL ("" or "es/")."""
    return "" if locale == DEFAULT else f"{locale}/"


def language_of(path: str) -> str:
    """The language of a page, from its path relative to the base URL."""
    first = path.split("/", 1)[0]
    return first if first in OTHER_LOCALES else DEFAULT


def site_pages(site: Path) -> dict[str, list[str]]:
    """Every built page per language, as paths relative to the base URL, 404 pages included."""
    pages: dict[str, list[str]] = {locale: [] for locale in LOCALES}
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site).as_posix()
        path = "" if folder == "." else folder + "/"
        pages[language_of(path)].append(path)
    for locale in LOCALES:
        if (site / root(locale) / "404.html").exists():
            pages[locale].append(root(locale) + "404.html")
    return pages


def all_pages(site: Path) -> list[str]:
    return [path for paths in site_pages(site).values() for path in paths]


def content_pages(site: Path) -> list[str]:
    return [path for path in all_pages(site) if not path.endswith("404.html")]


def in_language(href: str, base: str, locale: str) -> bool:
    return href.startswith(base) and language_of(href[len(base):]) == locale


def report(problems: list[str], limit: int = 60) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:limit]) + more


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context
    context.close()


# ---------------------------------------------------------------------------------------------
# Search


def search_index(site: Path, locale: str) -> dict[str, str]:
    """{page path relative to the language root: its searchable title and text}."""
    index = json.loads((site / root(locale) / "search" / "search_index.json")
                       .read_text(encoding="utf-8"))
    texts: dict[str, str] = defaultdict(str)
    for doc in index["docs"]:
        texts[doc["location"].split("#")[0]] += f" {doc['title']} {doc['text']}"
    return texts


def page_titles(site: Path, locale: str) -> dict[str, str]:
    index = json.loads((site / root(locale) / "search" / "search_index.json")
                       .read_text(encoding="utf-8"))
    return {doc["location"]: doc["title"] for doc in index["docs"] if "#" not in doc["location"]}


def pages_with_word(texts: dict[str, str], word: str) -> set[str]:
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    return {path for path, text in texts.items() if pattern.search(text)}


def distinctive_word(site: Path, locale: str) -> tuple[str, str]:
    """A (page, word) pair: a word of a patient page's title that the fewest pages of this
    language use."""
    texts = search_index(site, locale)
    candidates = []
    for path, title in sorted(page_titles(site, locale).items()):
        if path in TEAM_PAGES:
            continue
        for word in re.findall(r"[^\W\d_]{6,}", title):
            candidates.append((len(pages_with_word(texts, word)), path, word.lower()))
    assert candidates, f"no page title of {locale!r} has a word to search for"
    _, path, word = min(candidates)
    return path, word


@pytest.mark.parametrize("locale", LOCALES)
def test_search_finds_a_page_of_the_readers_language_and_only_that_language(
        context, built_site, served_site, locale):
    path, word = distinctive_word(built_site, locale)
    start = served_site + root(locale) + path
    hrefs = search(context, start, word)
    assert served_site + root(locale) + path in hrefs, (word, hrefs)
    foreign = [href for href in hrefs if not in_language(href, served_site, locale)]
    assert not foreign, f"searching {word!r} on {start} listed other languages' pages: {foreign}"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_word_every_language_shares_stays_in_the_readers_language(
        context, served_site, locale):
    start = served_site + root(locale)
    hrefs = search(context, start, "FBSS")
    assert hrefs, f"searching FBSS on {start} found nothing"
    foreign = [href for href in hrefs if not in_language(href, served_site, locale)]
    assert not foreign, f"searching FBSS on {start} listed other languages' pages: {foreign}"


def test_spanish_search_finds_other_forms_of_a_word(context, built_site, served_site):
    assert "es" in LOCALES, "mkdocs.yml no longer builds Spanish: update this test"
    texts = search_index(built_site, "es")
    # Pages that say "nervios" but never "nervio": only a stemmer can find them for "nervio".
    stem_only = pages_with_word(texts, "nervios") - pages_with_word(texts, "nervio")
    assert stem_only, "no Spanish page uses 'nervios' without 'nervio': pick another word"
    hrefs = search(context, served_site + "es/", "nervio")
    found = {href[len(served_site + "es/"):] for href in hrefs
             if in_language(href, served_site, "es")}
    assert found & stem_only, (sorted(stem_only), hrefs)
    assert all(in_language(href, served_site, "es") for href in hrefs), hrefs


def index_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if url.split("?")[0].endswith("/search/search_index.json")]


# Pages whose first view must not load a search index: each language's home page, its
# largest page (the glossary) and its 404 page (a root-absolute base URL there).
FIRST_VIEW_PAGES = ["", "glossary/", "404.html"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("path", FIRST_VIEW_PAGES)
def test_search_index_loads_when_search_is_opened_not_with_the_page(
        context, served_site, locale, path):
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    tab = context.new_page()
    tab.goto(served_site + root(locale) + path, wait_until="networkidle")
    early = index_requests(requested)
    assert not early, f"/{root(locale) + path} loaded a search index before search was opened: {early}"
    with tab.expect_request(lambda request: bool(index_requests([request.url]))):
        tab.keyboard.press("/")  # Material's search shortcut: the search box gets focus
    tab.wait_for_load_state("networkidle")
    own = served_site + root(locale) + "search/search_index.json"
    assert index_requests(requested) == [own], (root(locale) + path, requested)


# ---------------------------------------------------------------------------------------------
# Language switching

SWITCH_PAGES = ["", "treatments/spinal-cord-stimulation/", "glossary/"]


def choose_language(tab, locale: str) -> None:
    """Open the header's language menu as a mouse user does, and pick a language."""
    tab.locator(".md-header .md-select").hover()
    link = tab.locator(f".md-header .md-select__link[hreflang='{locale}']")
    expect(link).to_have_text(NAMES[locale])
    link.click()


@pytest.mark.parametrize("path", SWITCH_PAGES)
@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_language_menu_keeps_the_reader_on_the_same_page(context, served_site, locale, path):
    tab = context.new_page()
    tab.goto(served_site + path)
    choose_language(tab, locale)
    tab.wait_for_url(served_site + root(locale) + path)
    assert tab.evaluate("document.documentElement.lang") == locale
    choose_language(tab, DEFAULT)
    tab.wait_for_url(served_site + path)
    assert tab.evaluate("document.documentElement.lang") == DEFAULT


# ---------------------------------------------------------------------------------------------
# Accessibility: axe-core on every page, light and dark


def require_axe() -> None:
    if AXE.exists():
        return
    message = f"{AXE.relative_to(ROOT)} is missing: run `npm ci` (make test does it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize("scheme, viewport", [("light", "desktop"), ("dark", "desktop"),
                                              ("light", "phone")])
def test_axe_finds_no_wcag_violation_on_any_page(browser, built_site, served_site, scheme,
                                                 viewport):
    require_axe()
    context = browser.new_context(viewport=PHONE if viewport == "phone" else DESKTOP,
                                  color_scheme=scheme)
    tab = context.new_page()
    expected_palette = "slate" if scheme == "dark" else "default"
    problems = []
    try:
        for path in all_pages(built_site):
            url = served_site + path
            tab.goto(url)
            palette = tab.evaluate("document.body.dataset.mdColorScheme")
            assert palette == expected_palette, f"{url}: {scheme} scheme not applied ({palette})"
            tab.add_script_tag(path=str(AXE))
            violations = tab.evaluate(
                """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
                   .then(result => result.violations.map(v => ({
                       id: v.id, impact: v.impact, help: v.help,
                       targets: v.nodes.map(n => n.target.join(' '))})))""", AXE_TAGS)
            problems += [f"{url} [{scheme}, {viewport}] {v['id']} ({v['impact']}): {v['help']} -> "
                         f"{', '.join(v['targets'][:5])}" for v in violations]
    finally:
        context.close()
    assert not problems, report(problems)


# ---------------------------------------------------------------------------------------------
# Accessibility: keyboard

FOCUSED = """async () => {
  const el = document.activeElement;
  // Focus styles fade in (the skip link, the language menu, heading anchors): judge them
  // when their transitions have ended, as a reader sees them a moment later. Some start a
  // moment after the focus (on a phone, focus on the search box opens the search overlay
  // after a debounce): give them two frames to start.
  await new Promise(done => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(done)), 20));
  const fades = ['opacity', 'visibility', 'transform', 'max-height', 'height', 'width'];
  const running = document.getAnimations().filter(a => a.effect && a.effect.target &&
    a.effect.target.contains(el) && a.effect.getTiming().iterations !== Infinity &&
    (!a.transitionProperty || fades.includes(a.transitionProperty)));  // not colour changes
  await Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))),
                      new Promise(done => setTimeout(done, 1000))]);
  const box = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 120),
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth &&
             el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}),
    search: el.matches('input.md-search__input'),
    switcher: el.matches('.md-header .md-select > button'),
    menu: el.matches('.md-header [for="__drawer"] button'),
    language: el.matches('.md-header .md-select__link') ? el.hreflang : null,
    handout: el.matches('.guide-handout a') ? el.getAttribute('href') : null,
    body: el === document.body,
  };
}"""

KEYBOARD_PAGES = ["", "treatments/spinal-cord-stimulation/", "glossary/"]


def tab_stops(tab) -> list[dict]:
    """Press Tab until focus has gone round the page; every stop, as FOCUSED describes it."""
    stops, first = [], None
    for _ in range(600):
        tab.keyboard.press("Tab")
        stop = tab.evaluate(FOCUSED)
        if stop["body"] or stop["html"] == first:  # went round the whole page
            break
        first = first or stop["html"]
        stops.append(stop)
    return stops


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("path", KEYBOARD_PAGES)
@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_reaches_search_language_menu_and_handout_links(
        browser, served_site, locale, path, viewport):
    context = browser.new_context(viewport=PHONE if viewport == "phone" else DESKTOP)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    url = served_site + root(locale) + path
    tab.goto(url)
    handouts = set(tab.locator(".guide-handout a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"))
    assert handouts, f"{url} has no handout link (.guide-handout a)"
    stops = tab_stops(tab)
    context.close()
    reached_languages = {stop["language"] for stop in stops if stop["language"]}
    reached_handouts = {stop["handout"] for stop in stops if stop["handout"]}
    assert any(stop["search"] for stop in stops), f"{url}: Tab never reaches the search box"
    assert any(stop["switcher"] for stop in stops), f"{url}: Tab never reaches the language menu"
    assert reached_languages == set(LOCALES), f"{url}: language links reached: {reached_languages}"
    assert reached_handouts == handouts, f"{url}: handout links reached: {reached_handouts}"
    invisible = [stop["html"] for stop in stops if not stop["visible"]]
    assert not invisible, f"{url} ({viewport}): Tab stops on something that cannot be seen: {invisible}"


IN_MENU = "document.activeElement.closest('.md-sidebar--primary') !== null"
CLOSED_SECTION = """(() => { const el = document.activeElement;
  return el.matches('.md-sidebar--primary label.md-nav__link[for]') &&
         !document.getElementById(el.htmlFor).checked; })()"""
SECTION_OPEN = "document.getElementById(document.activeElement.htmlFor).checked"


@pytest.mark.parametrize("locale", LOCALES)
def test_keyboard_opens_and_closes_the_menu_on_a_phone(browser, served_site, locale):
    """On a phone the navigation is a drawer of sliding panels: the keyboard must open it,
    open a section in it, reach that section's links on screen, and close it again."""
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    url = served_site + root(locale) + "treatments/spinal-cord-stimulation/"
    tab.goto(url)
    menu = tab.locator('.md-header [for="__drawer"] button')
    drawer = tab.locator(".md-sidebar--primary")

    def press_tab_until(condition: str, limit: int = 40) -> bool:
        for _ in range(limit):
            tab.keyboard.press("Tab")
            if tab.evaluate(condition):
                return True
        return False

    assert press_tab_until("document.activeElement.matches('.md-header [for=\"__drawer\"] button')", 10), \
        f"{url}: ten presses of Tab never reach the menu button"
    expect(menu).to_have_accessible_name(re.compile(r"\w"))  # an icon: it needs a name
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(drawer).to_be_hidden()
    tab.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(drawer).to_be_visible()

    assert press_tab_until(CLOSED_SECTION), f"{url}: Tab reaches no closed section in the menu"
    section = tab.evaluate("document.activeElement.textContent.trim()")
    tab.keyboard.press(" ")  # Space, the other key that presses a button
    assert tab.evaluate(SECTION_OPEN), f"{url}: Space did not open the menu section {section!r}"
    stops = []
    for _ in range(30):
        tab.keyboard.press("Tab")
        if not tab.evaluate(IN_MENU):
            break
        stops.append(tab.evaluate(FOCUSED))
    links = [stop for stop in stops if stop["html"].startswith("<a ")]
    assert links, f"{url}: after opening {section!r}, Tab reaches none of its links"
    hidden = [stop["html"] for stop in stops if not stop["visible"]]
    assert not hidden, f"{url}: menu stops that cannot be seen after opening {section!r}: {hidden}"

    tab.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(drawer).to_be_hidden()
    context.close()


# ---------------------------------------------------------------------------------------------
# Accessibility: text at 200% (WCAG 1.4.4, resize text)

# Text-only zoom, the stricter kind: the root font size doubles (everything in rem and em
# grows) while the window stays 1280 px wide. The page must not scroll sideways, no text
# may be clipped or pushed off screen, and the text column must keep a readable width.
TEXT_AT_200 = """() => {
  const html = document.documentElement;
  const article = document.querySelector('article.md-content__inner');
  const before = parseFloat(getComputedStyle(article).fontSize);
  html.style.fontSize = 2 * parseFloat(getComputedStyle(html).fontSize) + 'px';
  const size = parseFloat(getComputedStyle(article).fontSize);
  const problems = [];
  if (Math.abs(size - 2 * before) > 0.5) problems.push(`text went from ${before}px to ${size}px`);
  if (html.scrollWidth > innerWidth) problems.push(`page is ${html.scrollWidth}px wide`);
  const column = article.clientWidth / size;
  if (column < 15) problems.push(`text column is only ${column.toFixed(1)} em wide`);
  const all = [...article.querySelectorAll('*')];
  // Tables and code scroll sideways in their own box, by design.
  const scrollers = all.filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX));
  for (const el of all) {
    if (scrollers.some(scroller => scroller !== el && scroller.contains(el))) continue;
    const style = getComputedStyle(el);
    const name = `<${el.tagName.toLowerCase()} class="${el.className}"> "${
      (el.textContent || '').trim().slice(0, 40)}"`;
    if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      problems.push(`clipped: ${name}`);
    const box = el.getBoundingClientRect();
    if (box.width && (box.left < -1 || box.right > innerWidth + 1))
      problems.push(`off screen: ${name}`);
  }
  return problems;
}"""


def test_text_at_200_percent_stays_readable(context, built_site, served_site):
    tab = context.new_page()
    problems = []
    for path in all_pages(built_site):
        tab.goto(served_site + path)
        problems += [f"{served_site + path}: {p}" for p in tab.evaluate(TEXT_AT_200)]
    assert not problems, report(problems)


# ---------------------------------------------------------------------------------------------
# Phones: 360 px wide

# WCAG 2.2, 2.5.8: a target is at least 24 x 24 CSS px, unless it is a link inside a
# sentence (text that is not itself a link or control surrounds it in the same block).
# A link alone in a list item or paragraph is a standalone control and must be 24 px.
# A link that wraps is checked fragment by fragment: each line of it must be 24 px high.
SMALL_TARGETS = """min => {
  const TARGETS = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                  'label[for], [role=button], [tabindex]:not([tabindex="-1"])';
  const CONTROLS = 'a[href], button, label, summary, select, textarea, [role=button]';
  const letter = /[\\p{L}\\p{N}]/u;
  function inSentence(el) {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline'))
      block = block.parentElement;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode())
      if (!text.parentElement.closest(CONTROLS) && letter.test(text.data)) return true;
    return false;
  }
  const small = [];
  const areas = document.querySelectorAll(
    'header.md-header, article.md-content__inner, footer.md-footer');
  for (const area of areas) for (const el of area.querySelectorAll(TARGETS)) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const lines = [...el.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!lines.length) continue;
    const box = el.getBoundingClientRect();
    if (box.right <= 0 || box.left >= innerWidth) continue;  // off-canvas, e.g. the drawer
    const short = Math.min(...lines.map(r => r.height));
    if (box.width >= min && short >= min) continue;
    if (inSentence(el)) continue;
    small.push(`${Math.round(box.width)} x ${Math.round(short)} px: ` +
               `${el.outerHTML.slice(0, 100)}`);
  }
  return small;
}"""


@pytest.fixture(scope="module")
def phone_report(browser, built_site, served_site) -> dict[str, dict]:
    """Each page at 360 x 740 on a touch phone: its width, and its too-small tap targets."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    tab = context.new_page()
    found = {}
    try:
        for path in all_pages(built_site):
            tab.goto(served_site + path)
            found[served_site + path] = {
                "width": tab.evaluate("Math.max(document.documentElement.scrollWidth, "
                                      "document.body.scrollWidth)"),
                "viewport": tab.evaluate("innerWidth"),
                "small": tab.evaluate(SMALL_TARGETS, MIN_TARGET),
            }
    finally:
        context.close()
    return found


def test_phone_nothing_scrolls_sideways(phone_report):
    problems = [f"{url}: {page['width']} px wide in a {page['viewport']} px screen"
                for url, page in phone_report.items() if page["width"] > PHONE["width"]]
    assert all(page["viewport"] == PHONE["width"] for page in phone_report.values())
    assert not problems, report(problems)


def test_phone_tap_targets_are_large_enough(phone_report):
    problems = [f"{url}: {small}" for url, page in phone_report.items() for small in page["small"]]
    assert not problems, report(problems)


# ---------------------------------------------------------------------------------------------
# Privacy, console errors and failed requests: one tour of every page


@pytest.fixture(scope="module")
def tour(browser, built_site, served_site) -> dict:
    """Load every page, scroll to its end and search on it; record what the browser did."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    seen = {"requests": [], "console": [], "failed": [], "cookies": []}
    current = {"url": None}

    def where(url: str) -> str:
        return f"{current['url']}: {url}"

    context.on("request", lambda request: seen["requests"].append((current["url"], request.url)))
    context.on("requestfailed", lambda request: seen["failed"].append(
        where(f"{request.url} failed ({request.failure})")))
    context.on("response", lambda response: response.status >= 400 and seen["failed"].append(
        where(f"{response.url} answered {response.status}")))
    tab = context.new_page()
    tab.on("console", lambda message: message.type == "error" and seen["console"].append(
        where(f"console error: {message.text} ({message.location.get('url')})")))
    tab.on("pageerror", lambda error: seen["console"].append(where(f"script error: {error}")))
    try:
        for path in all_pages(built_site):
            current["url"] = served_site + path
            tab.goto(current["url"])
            tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            tab.keyboard.press("/")  # open the search and show results for a word
            tab.keyboard.insert_text("pain")
            # Half a second without a request: the search index, the results and anything
            # they would load (images, fonts) have had their chance to go elsewhere.
            tab.wait_for_load_state("networkidle")
        seen["cookies"] = context.cookies()
    finally:
        context.close()
    return seen


def test_no_request_leaves_the_site_and_no_cookie_is_set(tour, served_site):
    origin = served_site.rstrip("/")
    assert tour["requests"], "the tour recorded no request at all"
    elsewhere = sorted({f"{page}: {url}" for page, url in tour["requests"]
                        if not url.startswith(origin + "/")
                        and not url.startswith(("data:", "blob:"))})
    assert not elsewhere, report(elsewhere)
    assert tour["cookies"] == [], tour["cookies"]


def test_search_on_every_page_loads_its_own_languages_index_only(tour, built_site, served_site):
    loaded: dict[str, set[str]] = defaultdict(set)
    for page, url in tour["requests"]:
        if index_requests([url]):
            loaded[page].add(url)
    problems = []
    for path in all_pages(built_site):
        own = {served_site + root(language_of(path)) + "search/search_index.json"}
        if loaded[served_site + path] != own:
            problems.append(f"{path or '/'}: searching loaded {sorted(loaded[served_site + path]) or 'no index'}")
    assert not problems, report(problems)


def test_no_console_error_and_no_failed_request(tour):
    problems = tour["console"] + tour["failed"]
    assert not problems, report(problems)


# ---------------------------------------------------------------------------------------------
# Print

PRINT_VIEW = """() => {
  const shown = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) &&
                      el.getBoundingClientRect().height > 0;
  const hidden = ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary',
                  '.md-search', '.md-footer', '.md-top'];
  const problems = [];
  for (const selector of hidden) {
    if (!document.querySelector(selector) && selector !== '.md-top')
      problems.push(`${selector} is missing: the check would prove nothing`);
    for (const el of document.querySelectorAll(selector))
      if (shown(el)) problems.push(`${selector} is printed`);
  }
  for (const selector of ['article.md-content__inner', 'article h1', 'aside.guide-urgent']) {
    const el = document.querySelector(selector);
    if (!el || !shown(el) || !el.innerText.trim()) problems.push(`${selector} is not printed`);
  }
  return problems;
}"""


def test_print_hides_navigation_and_keeps_content_and_emergency_notice(
        context, built_site, served_site):
    tab = context.new_page()
    tab.emulate_media(media="print")
    problems = []
    for path in content_pages(built_site):
        tab.goto(served_site + path)
        problems += [f"{served_site + path}: {p}" for p in tab.evaluate(PRINT_VIEW)]
    assert not problems, report(problems)
