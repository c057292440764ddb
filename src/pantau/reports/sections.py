"""The parts of the monthly report beyond the KPI table: trends, reps, funnel, data quality.

Each function asks a service (metrics, analysis) for its numbers and returns them formatted for
display; none of them computes a KPI itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from pantau.i18n import LOCALES, gettext, percent
from pantau.metrics.kpidef import KpiDef
from pantau.reports.charts import Series, trend_svg
from pantau.reports.context import N_, format_value, rep_directory

if TYPE_CHECKING:
    from pantau.metrics import Scope
    from pantau.store import Store

#: KPIs to chart, by priority: the first CHARTS of them that have a value in the window
CHART_KPIS = (
    "sales_volume",
    "leads",
    "win_rate",
    "gross_margin",
    "speed_to_lead",
    "avg_deal_size",
    "qualified_rate",
    "sales_cycle_days",
    "activities",
    "deal_value_held",
)
CHARTS = 6
TOP_N = 5


def short_month(period: str, lang: str, *, with_year: bool) -> str:
    """``Mar`` (or ``Mar`` + newline + ``2026`` where the year should be shown)."""
    first = date(int(period[:4]), int(period[5:7]), 1)
    text = format_date(first, "LLL", locale=LOCALES[lang]).rstrip(".")
    return f"{text}\n{first.year}" if with_year else text


def trend_charts(
    months: Sequence[str],
    rows: dict[str, dict[str, Any]],
    kpis: Sequence[KpiDef],
    lang: str,
    currency: str,
) -> list[str]:
    """One inline SVG per charted KPI over ``months``; a month without a row is a gap."""
    labels = [
        short_month(m, lang, with_year=i == 0 or m.endswith("-01")) for i, m in enumerate(months)
    ]
    points = [rows.get(m) or {} for m in months]
    by_id = {k.id: k for k in kpis}
    shown = [k for k in CHART_KPIS if k in by_id and any(p.get(k) is not None for p in points)]
    charts = []
    for kpi_id in shown[:CHARTS]:
        kpi = by_id[kpi_id]
        targets = [((p.get("targets") or {}).get(kpi_id) or {}).get("target") for p in points]
        values = [p.get(kpi_id) for p in points]
        series = Series(kpi.name(lang), kpi.unit, labels, values, targets)
        charts.append(trend_svg(series, lang=lang, currency=currency, chart_id=kpi_id))
    return charts


def rep_ranking(
    store: Store, month: str, *, scope: Scope | None, lang: str, currency: str
) -> dict[str, Any]:
    """Top and bottom reps of ``month``: by sales-volume attainment where reps have targets,
    else by sales volume."""
    from pantau.metrics import KpiQuery, compute_kpis

    query = KpiQuery(start=month, end=month, by="rep", kpis=("sales_volume",), scope=scope)
    rows = [r for r in compute_kpis(store, query)["rows"] if r.get("rep_id") is not None]
    attainment = {r["rep_id"]: _attainment(r) for r in rows}
    by_attainment = any(a is not None for a in attainment.values())
    if by_attainment:
        rows = [r for r in rows if attainment[r["rep_id"]] is not None]
    measure = attainment if by_attainment else {r["rep_id"]: r.get("sales_volume") for r in rows}
    rows.sort(key=lambda r: (-(measure[r["rep_id"]] or 0), r["rep_id"]))
    names = rep_directory(store)
    entries = [_rep_entry(r, names, attainment[r["rep_id"]], lang, currency) for r in rows]
    note = (
        N_("Ranked by attainment of the sales-volume target; reps without a target are not ranked.")
        if by_attainment
        else N_("Ranked by sales volume (no rep has a sales-volume target this month).")
    )
    return {
        "note": gettext(note, lang),
        "value_label": gettext("Sales volume", lang),
        **top_and_bottom(entries),
    }


def top_and_bottom(ranked: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """The best ``TOP_N`` and the worst ``TOP_N`` (worst first), never listing a rep twice.

    >>> top_and_bottom(list("abc"))
    {'top': ['a', 'b'], 'bottom': ['c']}
    """
    n_top = min(TOP_N, (len(ranked) + 1) // 2)
    rest = ranked[n_top:]
    return {"top": ranked[:n_top], "bottom": rest[::-1][:TOP_N]}


def _attainment(row: dict[str, Any]) -> float | None:
    target = (row.get("targets") or {}).get("sales_volume") or {}
    value = target.get("attainment")
    return None if value is None else float(value)


def _rep_entry(
    row: dict[str, Any],
    names: dict[str, tuple[str | None, str | None]],
    attainment: float | None,
    lang: str,
    currency: str,
) -> dict[str, str]:
    rep_id = str(row["rep_id"])
    name, team = names.get(rep_id, (None, None))
    return {
        "name": name or rep_id,
        "detail": " · ".join(x for x in (rep_id, team) if x),
        "value": format_value("amount", row.get("sales_volume"), lang, currency=currency),
        "attainment": percent(attainment, lang),
    }


def funnel_section(
    store: Store, month: str, *, scope: Scope | None, lang: str
) -> dict[str, Any] | None:
    """The stage funnel of the opportunities created in ``month``; None when there are none."""
    from pantau.analysis.funnel import compute_funnel

    funnel = compute_funnel(store, start=month, end=month, scope=scope, lang=lang)
    groups = funnel.get("groups") or []
    if not groups or not groups[0].get("opportunities"):
        return None
    steps = groups[0]["stages"]
    first = max(int(steps[0]["reached"]), 1) if steps else 1
    caption = gettext(
        "{count} opportunities created in the month, by the furthest stage each reached.",
        lang,
        count=groups[0]["opportunities"],
    )
    return {
        "caption": caption,
        "steps": [
            {
                "stage": s["stage"],
                "reached": format_value("count", s["reached"], lang),
                "step_rate": percent(s.get("step_rate"), lang),
                "cumulative_rate": percent(s.get("cumulative_rate"), lang),
                "width": round(100 * int(s["reached"]) / first, 1),
            }
            for s in steps
        ],
    }


def quality_notes(
    store: Store, *, scope: Scope | None, lang: str, kpis: Sequence[KpiDef]
) -> list[str]:
    """Data-quality warnings that apply now, then the KPIs they make unreliable (medium/high)."""
    from pantau.analysis.quality import compute_quality

    quality = compute_quality(store, scope=scope, limit=0, lang=lang)
    notes = [w["message"] for w in quality["warnings"] if w.get("count")]
    names = {k.id: k.name(lang) for k in kpis}
    for item in quality.get("unreliable_kpis") or []:
        if item.get("severity") in ("medium", "high"):
            notes.append(_unreliable_note(item, names, lang))
    return notes + list(quality.get("notes") or [])


def _unreliable_note(item: dict[str, Any], names: dict[str, str], lang: str) -> str:
    affected = ", ".join(names.get(k, k) for k in item.get("kpis") or [])
    return gettext(
        "{label}: {count} of {total} ({share}); affects {kpis}",
        lang,
        label=item["label"],
        count=format_value("count", item["count"], lang),
        total=format_value("count", item["total"], lang),
        share=percent(item.get("share"), lang),
        kpis=affected,
    )
