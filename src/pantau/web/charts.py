"""Plotly figure specs (``data`` + ``layout``) built from service dicts.

Pages embed them in ``<script type="application/json">`` blocks that ``static/charts.js`` hands
to plotly.js; no chart code is generated as script. Hover texts and axis ticks are formatted
here, through :mod:`pantau.web.format`, so charts read like the rest of the page.
"""

from __future__ import annotations

import math
from typing import Any

from pantau.i18n import gettext, percent
from pantau.web.format import kpi_value

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}
COLORS = {"main": "#2563eb", "target": "#9ca3af", "good": "#16a34a", "bad": "#dc2626"}


def _layout(lang: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": FONT,
        "margin": {"l": 56, "r": 16, "t": 16, "b": 48},
        "separators": ",." if lang == "id" else ".,",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


def nice_ticks(values: list[float], count: int = 5) -> list[float]:
    """About ``count`` round tick values spanning the values."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return []
    low, high = min(finite), max(finite)
    if high == low:
        return [low]
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if raw <= m * step)
    start = math.floor(low / step) * step
    return [start + i * step for i in range(int((high - start) / step) + 2)]


def _value_axis(values: list[Any], unit: str, lang: str, currency: str) -> dict[str, Any]:
    ticks = nice_ticks([float(v) for v in values if v is not None])
    return {
        "tickvals": ticks,
        "ticktext": [kpi_value(t, unit, lang, currency=currency) for t in ticks],
        "gridcolor": "#e5e7eb",
        "zeroline": False,
        "fixedrange": True,
    }


def trend(detail: dict[str, Any], lang: str, currency: str) -> dict[str, Any] | None:
    """24-month line of a KPI, with its targets dashed; hover shows value and ``n``."""
    unit = detail["kpi"]["unit"]
    points = _from_first_data(detail["trend"])
    if not points:
        return None
    x = [p["period"] for p in points]
    values = [p["value"] for p in points]
    text = [
        f"{kpi_value(p['value'], unit, lang, currency=currency)} (n = {p['n']})" for p in points
    ]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": x,
            "y": values,
            "text": text,
            "hovertemplate": "%{x}: %{text}<extra></extra>",
            "line": {"color": COLORS["main"], "width": 2},
            "name": detail["kpi"]["name"],
        }
    ]
    targets = [p["target"] for p in points]
    if any(t is not None for t in targets):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": targets,
                "line": {"color": COLORS["target"], "dash": "dash"},
                "hoverinfo": "skip",
                "name": gettext("Target", lang),
            }
        )
    axis = _value_axis(values + targets, unit, lang, currency)
    return {"data": data, "layout": _layout(lang, yaxis=axis, xaxis={"fixedrange": True})}


def _from_first_data(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The points from the first one with records (months before the data add nothing)."""
    first = next((i for i, p in enumerate(points) if p["n"]), len(points))
    return points[first:]


def funnel(result: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The first group's funnel: reached per stage, labelled with the engine's next-step and
    cumulative rates (the same numbers as the table and the JSON)."""
    if not result.get("groups"):
        return None
    steps = result["groups"][0]["stages"]
    text = [
        f"{s['reached']} · {percent(s['step_rate'], lang)} · {percent(s['cumulative_rate'], lang)}"
        for s in steps
    ]
    return {
        "data": [
            {
                "type": "funnel",
                "y": [s["stage"] for s in steps],
                "x": [s["reached"] for s in steps],
                "text": text,
                "textinfo": "text",
                "marker": {"color": COLORS["main"]},
                "hoverinfo": "skip",
            }
        ],
        "layout": _layout(lang, margin={"l": 120, "r": 16, "t": 8, "b": 24}),
    }


def speed(result: dict[str, Any], labels: dict[str, str], lang: str) -> dict[str, Any]:
    """Bar per first-contact bucket; the three within the hour in green."""
    buckets = result["buckets"]
    colors = [COLORS["good"]] * 3 + [COLORS["bad"], COLORS["target"]]
    return {
        "data": [
            {
                "type": "bar",
                "x": [labels[b["bucket"]] for b in buckets],
                "y": [b["leads"] for b in buckets],
                "text": [percent(b["share"], lang) for b in buckets],
                "textposition": "outside",
                "marker": {"color": colors},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": _layout(lang, yaxis={"fixedrange": True, "gridcolor": "#e5e7eb"}),
    }


def cohort_heatmap(result: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """Share of each cohort buying again k months after its first purchase."""
    cohorts = result.get("cohorts") or []
    if not cohorts:
        return None
    max_k = int(result.get("max_k") or 0)
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for c in cohorts:
        shares = {int(cell["k"]): cell.get("share") for cell in c.get("months", [])}
        row = [shares.get(k) for k in range(max_k + 1)]
        z.append(row)
        text.append([percent(v, lang, digits=0) if v is not None else "" for v in row])
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": list(range(max_k + 1)),
                "y": [c["cohort"] for c in cohorts],
                "text": text,
                "texttemplate": "%{text}",
                "colorscale": "Blues",
                "reversescale": True,
                "zmin": 0,
                "zmax": 1,
                "showscale": False,
                "hovertemplate": "%{y} +%{x}: %{text}<extra></extra>",
            }
        ],
        "layout": _layout(
            lang,
            xaxis={"title": {"text": gettext("Months after first purchase", lang)}, "dtick": 1},
            yaxis={"autorange": "reversed", "type": "category"},
            margin={"l": 72, "r": 8, "t": 8, "b": 48},
        ),
    }


def sparkline_points(values: list[Any], width: int = 120, height: int = 28) -> str:
    """SVG ``points`` of a sparkline (gaps for nulls are bridged; empty when < 2 values)."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = (high - low) or 1.0
    step = width / max(1, len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in known
    )
