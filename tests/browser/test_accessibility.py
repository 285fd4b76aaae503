"""Accessibility and small screens, in a real browser.

The `axe` check fails on every serious or critical violation, including rules axe-core
tags experimental; and a crawl of every kind of page each demo persona can reach from
the home page and the menus, over the demo data, checks each page with it and at a
phone's width (390 CSS px): the page must not scroll sideways, tables scroll inside
their own labelled, focusable box, and the header's items stay on screen.
"""

import time

import pytest

from tests.browser.crawl import DESKTOP, PHONE, Crawl, layout_problems

pytestmark = pytest.mark.browser

PERSONAS = ["london-police", "london-manager", "hampshire-health", "cheshire-advocate", "pmo", "evaluator"]
CASEWORK = {"london-police", "london-manager", "hampshire-health", "cheshire-advocate"}
# The crawl must reach at least these: a broken menu or link cannot quietly shrink it.
MAIN_ROUTES = {
    "workspace:home", "workspace:search", "referrals:triage_queue", "referrals:triage", "referrals:list",
    "referrals:detail", "referrals:create", "cases:list", "cases:detail", "cases:retention_queue",
    "meetings:list", "meetings:detail", "meetings:minutes", "meetings:actions", "monitoring:queue",
    "assessments:detail", "interventions:detail", "victims:support", "people:detail", "audit:staff",
}

# Each of these breaks a rule the check must enforce.
LABEL_NOT_MATCHING_TEXT = '<a href="?page=3" aria-label="Page 3">Page 3 of 9</a>'  # WCAG 2.5.3
TABLE_CELLS_WITHOUT_HEADERS = (  # td-has-header: tagged experimental in axe-core
    "<table><caption>Cases</caption>"
    + "".join(f"<tr><td>C{n}</td><td>{n} Nov</td><td>High</td><td>Open</td></tr>" for n in range(4))
    + "</table>"
)
PARAGRAPH_AS_HEADING = (  # p-as-heading: tagged experimental in axe-core
    '<p style="font-weight:bold;font-size:150%">Risk</p>'
    "<p>The case is high risk and the plan is for a weekly review of it.</p>"
)


def page_with(page, body: str):
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Check</title></head><body>'
        '<header><a href="/" data-masip-header-item>MASIP</a></header>'
        f"<main><h1>A page</h1>{body}</main></body></html>"
    )
    return page


@pytest.mark.parametrize(
    "body, rule",
    [
        (LABEL_NOT_MATCHING_TEXT, "label-content-name-mismatch"),
        (TABLE_CELLS_WITHOUT_HEADERS, "td-has-header"),
        (PARAGRAPH_AS_HEADING, "p-as-heading"),
    ],
)
def test_the_axe_check_fails_on_serious_violations_including_experimental_rules(page, axe, body, rule):
    with pytest.raises(AssertionError, match=rule):
        axe(page_with(page, body), context=rule)


def test_the_axe_check_passes_a_clean_page(page, axe):
    axe(page_with(page, '<p>Nothing wrong here. <a href="?page=3">Page 3 of 9</a></p>'))


def test_the_check_fails_on_a_page_that_scrolls_sideways_on_a_phone(page, axe):
    page_with(page, '<div style="width:600px">A wide block</div>')
    before = page.viewport_size
    with pytest.raises(AssertionError, match="390px: page scrolls sideways: 6[0-9][0-9]px wide"):
        axe(page)
    assert page.viewport_size == before  # the check puts the viewport back


def test_the_phone_check_finds_header_items_off_screen(page):
    page.set_viewport_size(PHONE)
    page.set_content(
        '<header style="overflow:hidden; white-space:nowrap"><a data-masip-header-item href="/">MASIP</a>'
        '<span style="margin-left:380px" data-masip-header-item>Sam Okafor, Met Police</span></header>'
    )
    problems = layout_problems(page)
    assert len(problems) == 1
    assert problems[0].startswith("header item 'Sam Okafor, Met Police' is outside the viewport")


@pytest.fixture
def demo_data(transactional_db):
    """The demo's synthetic data, at a tenth of its size: every kind of record, fewer of each."""
    from masip.demo.generator import seed

    return seed(scale=0.1, seed_value=2019)


def test_every_page_each_persona_reaches_is_accessible_and_fits_a_phone(
    demo_data, live_server, context, page
):
    crawl = Crawl(live_server.url)
    home = f"{live_server.url}/"
    started = time.monotonic()
    for who in PERSONAS:
        context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(who)
        page.get_by_label("Password").fill("demo-password")
        with page.expect_response(lambda r: r.url == home and r.request.method == "GET") as landed:
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(home)
        # The search form's results, as someone searching a common surname sees them.
        reached = crawl.walk(
            page, who=who, also=("/search/?q=Smith",) if who in CASEWORK else (), arrived=landed.value
        )
        assert reached >= 1, f"{who} reached no page"
    print(
        f"\nCrawled {len(crawl.visited)} pages for {len(PERSONAS)} personas"
        f" ({crawl.axe_runs} axe-core runs, {crawl.axe_seconds:.0f} s)"
        f" in {time.monotonic() - started:.0f} s; not pages: {crawl.skipped}\nRoutes: {sorted(crawl.routes)}"
    )
    assert not crawl.problems, f"Problems on {len(crawl.problems)} pages:\n{crawl.summary()}"
    assert MAIN_ROUTES <= crawl.routes, f"not reached: {sorted(MAIN_ROUTES - crawl.routes)}"
