"""Small-number suppression for anything that leaves the unit.

A published table shows its cells with row and column totals. A cell below
the threshold (5) is withheld and shown as "fewer than 5" (primary
suppression). A withheld cell must not be recoverable from what is shown:
subtracting the shown cells of a row from its total, or combining several
rows and columns (and what "fewer than 5" itself tells a reader, 0 to 4),
must leave more than one possible value. Where it would not, further cells
are withheld (secondary suppression, shown as "withheld"; a reader then
knows only that such a cell is 5 or more).

Whether a withheld cell is pinned down is decided exactly: the totals are a
transportation-polytope system, whose extreme points are whole numbers, so
the smallest and largest value a cell can take (two linear programmes) are
whole and differ exactly when the reader cannot tell its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import linprog

THRESHOLD = 5
FEWER_THAN = "fewer than 5"
WITHHELD = "withheld"

SHOWN, PRIMARY, SECONDARY = "shown", "primary", "secondary"


@dataclass(frozen=True)
class Cell:
    value: int
    status: str

    @property
    def text(self) -> str:
        if self.status == PRIMARY:
            return FEWER_THAN
        if self.status == SECONDARY:
            return WITHHELD
        return f"{self.value:,}"

    @property
    def shown(self) -> bool:
        return self.status == SHOWN


@dataclass(frozen=True)
class ProtectedTable:
    """Cells with totals: rows[r][c]; the last column is the row total, the last row the column totals."""

    rows: tuple[tuple[Cell, ...], ...]

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]

    @property
    def withheld(self) -> int:
        return sum(not c.shown for row in self.rows for c in row)


def _augmented(table: Sequence[Sequence[int]], row_totals: bool) -> np.ndarray:
    interior = np.array(table, dtype=np.int64).reshape(len(table), len(table[0]) if table else 0)
    rows, cols = interior.shape
    full = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    full[:rows, :cols] = interior
    full[:rows, cols] = interior.sum(axis=1)
    full[rows, :cols] = interior.sum(axis=0)
    full[rows, cols] = interior.sum()
    return full if row_totals else full[:, :cols]


def value_ranges(
    shown: dict[tuple[int, int], int],
    hidden: dict[tuple[int, int], tuple[int, int | None]],
    shape: tuple[int, int],
    *,
    row_totals: bool = True,
) -> dict[tuple[int, int], tuple[float, float]]:
    """What a reader can work out about each hidden cell: its least and greatest possible value.

    shown: cells the reader sees; hidden: cells withheld, with the bounds their label gives
    (0..4 for "fewer than 5", 5.. for "withheld"); shape: the table with its totals row and, when
    row_totals, its totals column.
    """
    n_rows, n_cols = shape
    unknown = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknown)}
    if not unknown:
        return {}
    equations, constants = [], []

    def add(line: list[tuple[tuple[int, int], int]]) -> None:
        coefficients = np.zeros(len(unknown))
        constant = 0.0
        for cell, sign in line:
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                constant -= sign * shown[cell]
        if coefficients.any():
            equations.append(coefficients)
            constants.append(constant)

    if row_totals:
        for r in range(n_rows):  # each row's cells sum to its total (the last column)
            add([((r, c), 1) for c in range(n_cols - 1)] + [((r, n_cols - 1), -1)])
    for c in range(n_cols):  # each column's cells sum to its total (the last row)
        add([((r, c), 1) for r in range(n_rows - 1)] + [((n_rows - 1, c), -1)])
    a_eq = np.array(equations) if equations else None
    b_eq = np.array(constants) if equations else None
    bounds = [hidden[cell] for cell in unknown]
    out = {}
    for cell, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        least = low.fun if low.status == 0 else float("-inf")
        greatest = -high.fun if high.status == 0 else float("inf")
        out[cell] = (least, greatest)
    return out


def _pinned(
    full: np.ndarray, status: dict[tuple[int, int], str], threshold: int, row_totals: bool
) -> list[tuple[int, int]]:
    # Quick and certain: a withheld cell alone in its row or column is that line's total less the rest.
    n_rows, n_cols = full.shape
    lines = [[(r, c) for c in range(n_cols)] for r in range(n_rows)] if row_totals else []
    lines += [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    alone = set()
    for line in lines:
        hidden_here = [cell for cell in line if status[cell] != SHOWN]
        if len(hidden_here) == 1:
            alone.add(hidden_here[0])
    if alone:
        return sorted(alone)
    shown = {cell: int(full[cell]) for cell, s in status.items() if s == SHOWN}
    hidden: dict[tuple[int, int], tuple[int, int | None]] = {
        cell: ((0, threshold - 1) if s == PRIMARY else (threshold, None)) for cell, s in status.items() if s != SHOWN
    }
    ranges = value_ranges(shown, hidden, full.shape, row_totals=row_totals)
    return sorted(cell for cell, (least, greatest) in ranges.items() if greatest - least < 0.5)


def protect(
    table: Sequence[Sequence[int]], *, threshold: int = THRESHOLD, row_totals: bool = True
) -> ProtectedTable:
    """Withhold every cell (and total) below the threshold, and enough others that none can be derived.

    The result has a totals row, and a totals column when row_totals (a table whose columns
    measure different things, like the return's figures, has no meaningful row total).
    The answer depends on the counts alone, so the same table is protected once per process
    (the linear programmes behind it take a while; every reader of a dashboard asks for the same tables).
    """
    return _protect(tuple(tuple(int(v) for v in row) for row in table), threshold, row_totals)


@lru_cache(maxsize=1024)
def _protect(table: tuple[tuple[int, ...], ...], threshold: int, row_totals: bool) -> ProtectedTable:
    if not table or not table[0]:
        return ProtectedTable(rows=())
    full = _augmented(table, row_totals)
    if (full < 0).any():
        raise ValueError("Counts cannot be negative")
    n_rows, n_cols = full.shape
    status = {
        (r, c): (PRIMARY if full[r, c] < threshold else SHOWN) for r in range(n_rows) for c in range(n_cols)
    }
    def cost(cell: tuple[int, int]) -> tuple[int, int]:
        # The smallest interior cell first: it loses the least, and totals are kept where possible.
        is_total = cell[0] == n_rows - 1 or (row_totals and cell[1] == n_cols - 1)
        return (int(is_total), int(full[cell]))

    pinned = _pinned(full, status, threshold, row_totals)
    while pinned:
        lines = {("r", r) for r, _ in pinned} | {("c", c) for _, c in pinned}
        shown = [cell for cell, s in status.items() if s == SHOWN]
        candidates = [cell for cell in shown if ("r", cell[0]) in lines or ("c", cell[1]) in lines] or shown
        if not candidates:
            break  # everything is withheld: nothing shown to derive from
        best = None
        for cell in sorted(candidates, key=cost):
            status[cell] = SECONDARY
            still = _pinned(full, status, threshold, row_totals)
            status[cell] = SHOWN
            if best is None or len(still) < len(best[1]):
                best = (cell, still)
            if len(still) < len(pinned):
                break  # the cheapest cell that helps: take it (cheaper to compute than the best one)
        assert best is not None, "candidates is not empty, so the loop chose one"
        status[best[0]] = SECONDARY
        pinned = best[1]
    return ProtectedTable(
        rows=tuple(
            tuple(Cell(int(full[r, c]), status[(r, c)]) for c in range(n_cols)) for r in range(n_rows)
        )
    )


def protect_figure(value: int | None, *, threshold: int = THRESHOLD) -> str | None:
    """One published count on its own: below the threshold it is 'fewer than 5'."""
    if value is None:
        return None
    return FEWER_THAN if value < threshold else f"{value:,}"
