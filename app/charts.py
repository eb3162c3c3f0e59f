"""Server-rendered SVG charts: horizontal bars for counts and a month timeline.

Every text is escaped; no scripts and no inline styles (the CSP forbids them):
colours are SVG presentation attributes, sizes come from the viewBox. Each chart is
an image with a title and a description for screen readers; the pages put the same
numbers in a table beside it. Bar lengths are proportional to the counts: the
largest count gets the full length (`BAR_LENGTH`, `PLOT_HEIGHT`), rounded to 0.1.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from harvest.analysis import Breakdown, Count, Timeline

LABEL_WIDTH = 230
BAR_LENGTH = 330
ROW_HEIGHT = 28
BAR_THICKNESS = 18
CHART_WIDTH = LABEL_WIDTH + BAR_LENGTH + 90
LABEL_CHARS = 30

COLUMN_WIDTH = 26
PLOT_HEIGHT = 140
TOP = 20
BOTTOM = 40
LEFT = 8

BAR_FILL = "#1f5f8b"
MUTED_FILL = "#8a8a8a"
TEXT_FILL = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    """One bar as drawn: its label (already translated), count and share in percent."""

    label: str
    count: int
    share: int | None = None
    muted: bool = False


def length(count: int, largest: int, full: float) -> float:
    """Return a bar's length: `count` over `largest` of `full`, rounded to 0.1 (0 if none)."""
    if largest <= 0 or count <= 0:
        return 0.0
    return round(full * count / largest, 1)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _number(bar: Bar) -> str:
    return f"{bar.count} ({bar.share} %)" if bar.share is not None else str(bar.count)


def _description(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{bar.label}: {_number(bar)}" for bar in bars)


def bars_of(breakdown: Breakdown) -> list[Bar]:
    """Return a breakdown's rows as bars with translated labels; "not coded" is muted."""
    return [
        Bar(_(row.label), row.count, row.share, muted=row.key in ("", "none"))
        for row in breakdown.rows
    ]


def count_bars(counts: Sequence[Count]) -> list[Bar]:
    """Return plain counts (such as verdicts) as bars with translated labels."""
    return [Bar(_(c.label), c.count, c.share) for c in counts]


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Return a horizontal bar chart as an accessible SVG image."""
    largest = max((bar.count for bar in bars), default=0)
    height = max(1, len(bars)) * ROW_HEIGHT + 8
    cid = escape(chart_id)
    parts = [
        f'<svg class="chart chart-bars" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" width="{CHART_WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(_description(bars))}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        width = length(bar.count, largest, BAR_LENGTH)
        fill = MUTED_FILL if bar.muted else BAR_FILL
        middle = y + BAR_THICKNESS / 2 + 5
        parts.append(
            f'<g class="chart-row"><text class="chart-label" x="{LABEL_WIDTH - 8}" y="{middle}" '
            f'text-anchor="end" fill="{TEXT_FILL}">{escape(_short(bar.label))}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_THICKNESS}" fill="{fill}" data-count="{bar.count}"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6}" y="{middle}" '
            f'fill="{TEXT_FILL}">{escape(_number(bar))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in `parts` is escaped above


def breakdown_chart(chart_id: str, breakdown: Breakdown) -> Markup:
    """Return the bar chart of a breakdown, titled with its translated label."""
    return bar_chart(chart_id, _(breakdown.label), bars_of(breakdown))


def month_label(key: str) -> str:
    """Return a YYYY-MM key as the short, translated month name and year."""
    names = [
        _("Jan"),
        _("Feb"),
        _("Mar"),
        _("Apr"),
        _("May"),
        _("Jun"),
        _("Jul"),
        _("Aug"),
        _("Sep"),
        _("Oct"),
        _("Nov"),
        _("Dec"),
    ]
    year, month = key.split("-")
    return f"{names[int(month) - 1]} {year}"


def month_chart(chart_id: str, title: str, line: Timeline) -> Markup:
    """Return the timeline of outcomes per month as vertical bars in an accessible SVG."""
    largest = line.largest
    width = LEFT * 2 + max(1, len(line.months)) * COLUMN_WIDTH
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    cid = escape(chart_id)
    described = "; ".join(f"{month_label(m.key)}: {m.count}" for m in line.months if m.count)
    parts = [
        f'<svg class="chart chart-months" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(described)}</desc>',
        f'<line x1="{LEFT}" y1="{base}" x2="{width - LEFT}" y2="{base}" '
        f'stroke="{MUTED_FILL}"></line>',
    ]
    for index, month in enumerate(line.months):
        x = LEFT + index * COLUMN_WIDTH
        bar = length(month.count, largest, PLOT_HEIGHT)
        centre = x + COLUMN_WIDTH / 2
        parts.append(
            f'<g class="chart-column"><rect class="chart-bar" x="{x + 3}" '
            f'y="{round(base - bar, 1)}" '
            f'width="{COLUMN_WIDTH - 6}" height="{bar}" fill="{BAR_FILL}" '
            f'data-count="{month.count}" data-month="{escape(month.key)}"></rect>'
        )
        if month.count:
            parts.append(
                f'<text class="chart-value" x="{centre}" y="{round(base - bar - 4, 1)}" '
                f'text-anchor="middle" fill="{TEXT_FILL}">{month.count}</text>'
            )
        parts.append(
            f'<text class="chart-label" x="{centre}" y="{base + 14}" text-anchor="middle" '
            f'fill="{TEXT_FILL}">{month.month:02d}</text>'
        )
        if index == 0 or (month.month == 1 and index >= 2):
            parts.append(
                f'<text class="chart-label" x="{x + 2}" y="{base + 30}" '
                f'fill="{TEXT_FILL}">{month.year}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in `parts` is escaped above


def chart_helpers() -> dict[str, object]:
    """Return the chart functions templates call (registered by the analysis blueprint)."""
    return {
        "bar_chart": bar_chart,
        "breakdown_chart": breakdown_chart,
        "bars_of": bars_of,
        "count_bars": count_bars,
        "month_chart": month_chart,
        "month_label": month_label,
        "Bar": Bar,
    }
