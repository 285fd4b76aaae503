"""Small-number suppression: no published cell below 5, and no withheld cell recoverable from the totals.

The attacker here works only from the published text, as a reader would: shown numbers, the
totals row and column, and what the labels say ("fewer than 5" is 0 to 4; "withheld" is 5 or more).
For each withheld cell it finds the least and greatest value consistent with all of that; a cell
is recovered when the two are equal.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from masip.reporting.suppression import FEWER_THAN, WITHHELD, protect, protect_figure


def attack(texts: list[list[str]], *, row_totals: bool = True) -> dict[tuple[int, int], tuple[float, float]]:
    """From the published table alone: the range of values each withheld cell could have."""
    n_rows, n_cols = len(texts), len(texts[0])
    unknown = [(r, c) for r in range(n_rows) for c in range(n_cols) if texts[r][c] in (FEWER_THAN, WITHHELD)]
    position = {cell: i for i, cell in enumerate(unknown)}

    def number(r, c):
        return int(texts[r][c].replace(",", ""))

    lines = [[(r, c) for c in range(n_cols - 1)] + [(r, n_cols - 1)] for r in range(n_rows)] if row_totals else []
    lines += [[(r, c) for r in range(n_rows - 1)] + [(n_rows - 1, c)] for c in range(n_cols)]
    a, b = [], []
    for line in lines:
        *parts, total = line
        row, constant = np.zeros(len(unknown)), 0.0
        for cell, sign in [(p, 1) for p in parts] + [(total, -1)]:
            if cell in position:
                row[position[cell]] += sign
            else:
                constant -= sign * number(*cell)
        a.append(row)
        b.append(constant)
    bounds = [(0, 4) if texts[r][c] == FEWER_THAN else (5, None) for r, c in unknown]
    ranges = {}
    for cell, i in position.items():
        goal = np.zeros(len(unknown))
        goal[i] = 1
        low = linprog(goal, A_eq=np.array(a), b_eq=np.array(b), bounds=bounds, method="highs")
        high = linprog(-goal, A_eq=np.array(a), b_eq=np.array(b), bounds=bounds, method="highs")
        assert low.status == 0, "the published table is inconsistent with its own labels"
        ranges[cell] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return ranges


def _truth(table, *, row_totals=True):
    full = [list(row) + ([sum(row)] if row_totals else []) for row in table]
    totals = [sum(col) for col in zip(*full, strict=True)]
    return [*full, totals]


small_counts = st.integers(min_value=0, max_value=40).map(lambda n: n if n % 3 else n % 6)  # many below 5
tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(st.lists(small_counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    )
)


def _check(table, *, row_totals):
    published = protect(table, row_totals=row_totals)
    texts = published.texts()
    truth = _truth(table, row_totals=row_totals)
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            if text not in (FEWER_THAN, WITHHELD):
                value = int(text.replace(",", ""))
                assert value == truth[r][c], "a shown cell is not the true count"
                assert value >= 5, f"a cell below 5 was shown: {texts}"
            elif text == FEWER_THAN:
                assert truth[r][c] < 5
            else:
                assert truth[r][c] >= 5
    for cell, (least, greatest) in attack(texts, row_totals=row_totals).items():
        assert greatest - least >= 1, f"withheld cell {cell} can be worked out as {least}: {texts} from {table}"


@settings(max_examples=80, deadline=None)
@given(tables)
def test_no_withheld_cell_can_be_recovered_with_row_and_column_totals(table):
    _check(table, row_totals=True)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_no_withheld_cell_can_be_recovered_with_column_totals_only(table):
    _check(table, row_totals=False)


def test_a_single_small_cell_takes_another_with_it():
    texts = protect([[10, 3], [20, 30]]).texts()
    assert texts[0][1] == FEWER_THAN
    # Withholding only the 3 would let a reader take 10 from the row total of 13.
    assert sum(t in (FEWER_THAN, WITHHELD) for t in texts[0][:2]) == 2
    assert sum(t in (FEWER_THAN, WITHHELD) for row in texts[:2] for t in row[:2] if row) >= 3


def test_tables_without_small_numbers_are_published_whole():
    assert protect([[12, 13], [14, 15]]).texts() == [["12", "13", "25"], ["14", "15", "29"], ["26", "28", "54"]]


def test_zeros_in_a_row_that_totals_zero_are_not_given_away():
    # Two zeros whose row total is shown as a number would be known to be zero.
    texts = protect([[0, 0, 7], [8, 9, 10]]).texts()
    for cell, (least, greatest) in attack(texts).items():
        assert greatest > least, cell


def test_a_single_figure():
    assert protect_figure(4) == FEWER_THAN
    assert protect_figure(0) == FEWER_THAN
    assert protect_figure(5) == "5"
    assert protect_figure(1193) == "1,193"
    assert protect_figure(None) is None
