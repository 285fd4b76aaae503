"""The run report: each result with its figure (inline SVG, no script), the figure's data table,
the plan hash, the extract hash and the code version, so a reader can trace every figure."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 260, 40
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]
    step: bool = False
    dashed: bool = False
    markers: bool = False


def svg_chart(series: list[Series], *, title: str, x_label: str, y_label: str) -> SafeString:
    """A small line chart as SVG with a text alternative (the table beside it holds the data)."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    if not xs:
        return mark_safe("")
    x0, x1 = min(xs), max(xs) or 1
    y0, y1 = min(0.0, min(ys)), max(ys) or 1
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y1 = y0 + 1

    def sx(x):
        return PAD + (x - x0) / (x1 - x0) * (WIDTH - 2 * PAD)

    def sy(y):
        return HEIGHT - PAD - (y - y0) / (y1 - y0) * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" class="masip-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#0b0c0c"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#0b0c0c"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12">{escape(x_label)}</text>',
        f'<text x="12" y="{HEIGHT / 2}" transform="rotate(-90 12 {HEIGHT / 2})" text-anchor="middle" '
        f'font-size="12">{escape(y_label)}</text>',
        f'<text x="{PAD - 4}" y="{sy(y1) + 4}" text-anchor="end" font-size="10">{y1:.3g}</text>',
        f'<text x="{PAD - 4}" y="{sy(y0) + 4}" text-anchor="end" font-size="10">{y0:.3g}</text>',
    ]
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        pts = sorted(s.points)
        path = []
        for j, (x, y) in enumerate(pts):
            if j and s.step:
                path.append(f"L{sx(x):.1f},{sy(pts[j - 1][1]):.1f}")
            path.append(f"{'L' if j else 'M'}{sx(x):.1f},{sy(y):.1f}")
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        if s.markers:
            parts.extend(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}"/>' for x, y in pts)
        else:
            parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{WIDTH - PAD + 2}" y="{PAD + 14 * i}" font-size="11" fill="{colour}" '
                     f'text-anchor="end">{escape(s.name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def figure(result) -> SafeString:
    rows = result.figure_table or []
    method = result.plan.method
    if not rows:
        return mark_safe("")
    if method == "cox":
        groups: dict[str, list] = {}
        for r in rows:
            groups.setdefault(str(r["group"]), []).append((r["time"], r["survival"]))
        series = [Series(f"exposed={g}" if g in ("0", "1") else g, [(0.0, 1.0), *pts], step=True)
                  for g, pts in sorted(groups.items())]
        return svg_chart(series, title=f"Kaplan-Meier: {result.plan.title}", x_label="days at risk",
                         y_label="not re-offended")
    if method == "its":
        series = [
            Series("observed", [(i, r["y"]) for i, r in enumerate(rows)], markers=True),
            Series("fitted", [(i, r["fitted"]) for i, r in enumerate(rows)]),
            Series("no interruption", [(i, r["counterfactual"]) for i, r in enumerate(rows)], dashed=True),
        ]
        return svg_chart(series, title=f"Segmented regression: {result.plan.title}",
                         x_label=f"month ({rows[0]['period']} to {rows[-1]['period']})", y_label="referrals")
    if method == "paired":
        series = [Series("change (after - before)", [(i, r["change"]) for i, r in enumerate(rows)], markers=True)]
        return svg_chart(series, title=f"Before and after: {result.plan.title}", x_label="pair",
                         y_label="change")
    return mark_safe("")


def context(run, results) -> dict:
    items = []
    for result in results:
        rows = result.figure_table or []
        items.append({
            "result": result,
            "figure": figure(result),
            "columns": list(rows[0]) if rows else [],
            "rows": [list(r.values()) for r in rows[:200]],
            "rows_shown": min(len(rows), 200),
            "rows_total": len(rows),
            "significant": result.p_holm is not None and result.p_holm < result.plan.alpha,
        })
    return {"run": run, "items": items}
