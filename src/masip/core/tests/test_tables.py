"""Every table on a page scrolls inside its own labelled, focusable box (the GOV.UK pattern
for wide tables), so a narrow screen never scrolls the whole page sideways.

The browser crawl (tests/browser/test_accessibility.py) checks the pages it reaches; this
checks every template, including pages the demo data does not reach.
"""

import re
from pathlib import Path

import masip

TEMPLATES = sorted(
    path
    for path in Path(masip.__file__).parent.glob("*/templates/**/*.html")
    if "pdf" not in path.name  # printed documents have no screen to scroll
)
CONTAINER = re.compile(
    r'<div class="masip-table-container" data-masip-scroll role="region" '
    r'aria-labelledby="(?P<label>[^"]+)" tabindex="0">\s*'
    r'<table class="govuk-table[^"]*"[^>]*>\s*<caption class="[^"]*" id="(?P<caption>[^"]+)">'
)


def test_the_templates_have_tables():
    assert sum("<table" in path.read_text() for path in TEMPLATES) >= 19


def test_every_table_is_in_a_labelled_focusable_scroll_container():
    problems = []
    for path in TEMPLATES:
        text = path.read_text()
        tables = text.count("<table")
        wrapped = list(CONTAINER.finditer(text))
        if len(wrapped) != tables:
            problems.append(f"{path.name}: {tables - len(wrapped)} of {tables} tables not in a container")
        for match in wrapped:
            if match["label"] != match["caption"]:
                problems.append(f"{path.name}: container labelled by {match['label']}, caption is {match['caption']}")
            closing = text.index("</table>", match.end())
            if not re.match(r"\s*</div>", text[closing + len("</table>"):]):
                problems.append(f"{path.name}: container around {match['caption']} does not end with the table")
    assert not problems, "\n".join(problems)


def test_caption_ids_are_unique_across_templates_that_share_a_page():
    # A case page includes several panels; two tables there must not share a caption id.
    seen = {}
    for path in TEMPLATES:
        for match in CONTAINER.finditer(path.read_text()):
            assert match["caption"] not in seen, f"{match['caption']} in {path.name} and {seen[match['caption']]}"
            seen[match["caption"]] = path.name
