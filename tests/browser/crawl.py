"""Walk every GET page a signed-in person can reach from the home page and the menus.

One browser page follows the links it finds, breadth first, from the home page.
Pages are grouped by kind - the URL's route name and the view its query selects
(any page number after the first counts as "a later page") - and one page of each
kind is visited, so the walk covers every kind of page without reading every case
in the demo data.

Each page is checked at desktop width with axe-core (the project's strict rule set)
and for tables outside a scrolling box; then the viewport is narrowed to a phone's
width, where the page must not scroll sideways and the header's items must be on
screen. Problems are collected, not raised, so one run reports all of them.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # an iPhone 12 to 15's CSS width

# Not ours to check, or not pages: Django's admin, the API and sign-out.
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout/", "/accounts/sign-out/")

# The check the `axe` fixture uses: every rule axe-core ships, including those tagged
# experimental and best-practice, except the deprecated ones (rules for WCAG 4.1.1,
# which WCAG 2.2 removed) and the AAA ones (the project's target is WCAG 2.2 AA;
# GOV.UK's link colour is below AAA's 7:1 contrast by design).
AXE_RUN = """async (skip) => {
  const rules = axe.getRules()
    .filter(r => !r.tags.includes('deprecated') && !r.tags.includes('wcag2aaa') && !skip.includes(r.ruleId))
    .map(r => r.ruleId);
  const result = await axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']});
  return {rules: rules, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }))};
}"""

FAILING_IMPACTS = ("serious", "critical")

# In the viewport at a phone's width: the document, and each of the header's items.
LAYOUT_CHECK = """() => {
  const width = window.innerWidth;
  const items = [...document.querySelectorAll('header [data-masip-header-item]')].map(el => {
    const box = el.getBoundingClientRect();
    return {text: el.textContent.trim().replace(/\\s+/g, ' '), left: box.left, right: box.right,
            width: box.width, height: box.height};
  });
  const scrollWidth = document.documentElement.scrollWidth;
  const wide = scrollWidth <= width ? [] : [...document.querySelectorAll('main *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.right > width + 1 && !el.closest('[data-masip-scroll]');
  }).slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
  return {width, scrollWidth, items, wide};
}"""


def axe_violations(page, *, skip: tuple[str, ...] = ()) -> list[dict]:
    """Serious and critical violations on the current page under the strict rule set, less `skip`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(AXE_RUN, list(skip))
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violation: dict) -> str:
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {violation['targets']}"


def layout_problems(page) -> list[str]:
    """What sticks out of the viewport at the page's current (phone) width."""
    found = page.evaluate(LAYOUT_CHECK)
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(
            f"page scrolls sideways: {found['scrollWidth']}px wide in a {found['width']}px viewport"
            f" (wide: {', '.join(found['wide']) or 'outside main'})"
        )
    if not found["items"]:
        problems.append("no header items found ([data-masip-header-item])")
    for item in found["items"]:
        if item["width"] == 0 or item["height"] == 0:
            problems.append(f"header item {item['text']!r} is not shown")
        elif item["left"] < 0 or item["right"] > found["width"]:
            problems.append(
                f"header item {item['text']!r} is outside the viewport ({item['left']:.0f}-{item['right']:.0f}px)"
            )
    return problems


# Query parameters that only reorder or search a page: any value shows the same kind of page.
ANY_VALUE = {"sort", "q", "next"}


def page_kind(path_and_query: str) -> tuple:
    """The kind of page a URL shows: its route name and the view its query selects.

    /cases/7/ and /cases/9/ are one kind; ?status=open and ?status=closed are two;
    ?page=2 and ?page=3 are one ("a later page"); ?item=143 and ?item=144 are one.
    """
    from django.urls import Resolver404, resolve

    parts = urlsplit(path_and_query)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path

    def value(key, raw):
        if key == "page":
            return "first" if raw in ("", "1") else "later"
        if key in ANY_VALUE or raw.isdigit():
            return "*"
        return raw

    return name, tuple(sorted({(k, value(k, v)) for k, v in parse_qsl(parts.query)}))


TABLES_CHECK = """() => [...document.querySelectorAll('table')].map(table => {
  const box = table.closest('.masip-table-container');
  const label = box && document.getElementById(box.getAttribute('aria-labelledby') || '');
  const name = table.id || (table.caption ? table.caption.textContent.trim() : 'a table');
  if (!box) return name + ' is not in a scrolling container';
  if (box.getAttribute('role') !== 'region' || box.getAttribute('tabindex') !== '0')
    return name + "'s container is not a focusable region";
  if (!label || !label.textContent.trim()) return name + "'s container has no label";
  return '';
}).filter(Boolean)"""


@dataclass
class Crawl:
    """A walk over several people's pages, sharing what has been checked so far.

    Every page reached gets the table and layout checks. axe-core, the slow part, runs
    on the first page of each route each person reaches at desktop width, and on the
    first page of each route anyone reaches at a phone's width. Its colour-contrast rule,
    more than half of its time, runs once per route: colours come from the stylesheet
    and the components, which are the same whoever is signed in and at any width.
    """

    base_url: str
    per_kind: int = 1
    visited: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    axe_runs: int = 0
    axe_seconds: float = 0.0
    seconds: float = 0.0
    phone_axed: set = field(default_factory=set)
    contrast_checked: set = field(default_factory=set)
    routes: set = field(default_factory=set)

    def add(self, where: str, problem: str) -> None:
        self.problems.setdefault(where, []).append(problem)

    def summary(self) -> str:
        return "\n".join(f"{where}\n  " + "\n  ".join(found) for where, found in self.problems.items())

    def axe(self, page, skip: tuple[str, ...]) -> list[dict]:
        started = time.monotonic()
        try:
            return axe_violations(page, skip=skip)
        finally:
            self.axe_runs += 1
            self.axe_seconds += time.monotonic() - started

    def walk(self, page, *, who: str, also: tuple[str, ...] = (), arrived=None) -> int:
        """Visit what `who` (signed in on `page`) can reach from the home page, and from the
        pages in `also` (a search's results, say); returns the number of pages visited.

        arrived: the response of the home page `page` is showing (signing in lands there),
        checked as it is instead of loading the home page a second time."""
        started, count = time.monotonic(), 0
        origin = urlsplit(self.base_url)
        kinds: dict[tuple, int] = {}
        axed: set[str] = set()
        queue: deque[str] = deque(["/", *also])
        queued = set(queue)
        while queue:
            target = queue.popleft()
            kind = page_kind(target)
            if kinds.get(kind, 0) >= self.per_kind:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            page.set_viewport_size(DESKTOP)
            try:
                if target == "/" and arrived is not None and page.url == self.base_url + "/":
                    response = arrived
                else:
                    response = page.goto(self.base_url + target)
            except Exception as error:  # a download (PDF, spreadsheet) is not a page
                if "Download is starting" not in str(error):
                    raise
                self.skipped.append(f"{target} (download)")
                continue
            content_type = response.headers.get("content-type", "") if response else ""
            if "text/html" not in content_type:
                self.skipped.append(f"{target} ({content_type or 'no response'})")
                continue
            count += 1
            self.visited.append(target)
            where = f"{target} as {who}"
            if response.status >= 400:
                self.add(where, f"HTTP {response.status}: {page.title()}")
            for problem in page.evaluate(TABLES_CHECK):
                self.add(where, problem)
            route = kind[0]
            self.routes.add(route)
            if route not in axed:
                axed.add(route)
                skip = ("color-contrast",) if route in self.contrast_checked else ()
                self.contrast_checked.add(route)
                for violation in self.axe(page, skip):
                    self.add(where, "desktop: " + describe(violation))
            page.set_viewport_size(PHONE)
            for problem in layout_problems(page):
                self.add(where, "390px: " + problem)
            if route not in self.phone_axed:
                self.phone_axed.add(route)
                for violation in self.axe(page, ("color-contrast",)):
                    self.add(where, "390px: " + describe(violation))
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
                link = urlsplit(urljoin(page.url, href))
                if (link.scheme, link.netloc) != (origin.scheme, origin.netloc):
                    continue
                path = link.path + (f"?{urlencode(parse_qsl(link.query))}" if link.query else "")
                if path not in queued and not link.path.startswith(SKIP_PREFIXES):
                    queued.add(path)
                    queue.append(path)
        self.seconds += time.monotonic() - started
        return count
