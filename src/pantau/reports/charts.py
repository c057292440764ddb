"""Small trend charts as inline SVG (matplotlib, no pyplot: safe in a web worker).

Text stays text in the SVG (``svg.fonttype = none``), so the PDF renderer sets it in the same
system font as the page and it can be searched and copied. Element ids get a per-chart prefix, so
several charts can sit inline in one HTML page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pantau.i18n import money, number, percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes

INK, ACCENT, TARGET, GRID = "#1f2937", "#2563eb", "#dc2626", "#e5e7eb"
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "pantau",
    "font.family": ["DejaVu Sans", "Noto Sans", "sans-serif"],
    "font.size": 7.5,
}
_ID = re.compile(r'(id="|url\(#|href="#)')


@dataclass(frozen=True)
class Series:
    """One KPI over time: labels on the x axis, values (None = no value) and targets."""

    title: str
    unit: str
    labels: Sequence[str]
    values: Sequence[float | None]
    targets: Sequence[float | None]


def axis_formatter(unit: str, lang: str, currency: str) -> Callable[[float, object], str]:
    """Tick labels in the report's notation: ``Rp1,2 M``, ``40 %``, ``1.200``."""
    if unit == "amount":
        return lambda v, _pos: money(v, lang, currency=currency, compact=True)
    if unit == "ratio":
        return lambda v, _pos: percent(v, lang, digits=0)
    return lambda v, _pos: number(v, lang, digits=0)


def trend_svg(series: Series, *, lang: str, currency: str = "IDR", chart_id: str = "c") -> str:
    """``series`` as an inline ``<svg>`` element: bars for amounts and counts, a line for rates."""
    import matplotlib as mpl  # here, not at import: it costs ~0.4 s of every server start
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    with mpl.rc_context(_RC):
        fig = Figure(figsize=(3.5, 1.9))
        ax = fig.add_subplot()
        _draw(ax, series)
        ax.set_title(series.title, loc="left", fontsize=8.5, color=INK, fontweight="bold")
        ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10], integer=series.unit == "count")
        ax.yaxis.set_major_locator(ticks)
        ax.yaxis.set_major_formatter(FuncFormatter(axis_formatter(series.unit, lang, currency)))
        _style(ax)
        fig.tight_layout(pad=0.8)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return _inline(buf.getvalue(), chart_id)


def _draw(ax: Axes, series: Series) -> None:
    x = list(range(len(series.labels)))
    values = [float("nan") if v is None else v for v in series.values]
    if series.unit in ("amount", "count"):
        ax.bar(x, values, color=ACCENT, width=0.65, zorder=2)
    else:
        ax.plot(x, values, color=ACCENT, marker="o", markersize=3, lw=1.6, zorder=3)
    if any(t is not None for t in series.targets):
        targets = [float("nan") if t is None else t for t in series.targets]
        ax.plot(x, targets, color=TARGET, lw=1.2, ls="--", zorder=4)
    ax.set_xticks(x, list(series.labels))


def _style(ax: Axes) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="both", length=0, labelsize=6.5, colors=INK)
    ax.grid(axis="y", color=GRID, lw=0.6, zorder=0)
    ax.set_ylim(bottom=0)


def _inline(svg: str, chart_id: str) -> str:
    """Drop the XML prolog and make every id unique to this chart."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return _ID.sub(lambda m: m.group(1) + chart_id + "-", svg)
