"""The monthly management report as PDF: HTML from Jinja2 templates, printed by WeasyPrint.

Four parts on a few A4 pages: every KPI of the month against target, 12-month trend charts, the
top and bottom reps, the stage funnel and data-quality notes. Everything is inline (CSS, SVG
charts) and set in system fonts (DejaVu Sans, Noto Sans); the URL fetcher refuses anything but
``data:`` URLs, so rendering never reaches the network or the file system.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from markupsafe import Markup

from pantau.i18n import check_lang, gettext
from pantau.reports.context import (
    build_meta,
    check_month,
    kpi_catalogue,
    last_complete_month,
    month_range,
    period_label,
    period_range_label,
    shift_month,
)
from pantau.reports.rendering import html_to_pdf, templates
from pantau.reports.sections import funnel_section, quality_notes, rep_ranking, trend_charts
from pantau.reports.summary import kpi_sections, scorecard

if TYPE_CHECKING:
    from pantau.metrics import Scope
    from pantau.store import Store

HIGHLIGHTS = ("sales_volume", "win_rate", "leads")


def write_pdf(
    store: Store,
    path: str | os.PathLike[str] | IO[bytes],
    *,
    start: str | None = None,
    end: str | None = None,
    scope: Scope | None = None,
    lang: str = "id",
    generated_by: str | None = None,
) -> None:
    """Write the monthly report for month ``end`` (trends from ``start``) to ``path``.

    ``end`` defaults to the last complete month that has data, ``start`` to 11 months earlier.
    """
    data = render_pdf(
        store, start=start, end=end, scope=scope, lang=lang, generated_by=generated_by
    )
    if isinstance(path, str | os.PathLike):
        Path(path).write_bytes(data)
    else:
        path.write(data)


def render_pdf(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    scope: Scope | None = None,
    lang: str = "id",
    generated_by: str | None = None,
) -> bytes:
    """The monthly report as PDF bytes (see :func:`write_pdf`)."""
    html = render_html(
        store, start=start, end=end, scope=scope, lang=lang, generated_by=generated_by
    )
    return html_to_pdf(html)


def render_html(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    scope: Scope | None = None,
    lang: str = "id",
    generated_by: str | None = None,
) -> str:
    """The monthly report as one self-contained HTML page (what the PDF prints)."""
    context = monthly_context(
        store, start=start, end=end, scope=scope, lang=lang, generated_by=generated_by
    )
    return templates().get_template("report.html").render(**context)


def monthly_context(
    store: Store,
    *,
    start: str | None,
    end: str | None,
    scope: Scope | None,
    lang: str,
    generated_by: str | None,
) -> dict[str, Any]:
    """Everything the report template shows, formatted in ``lang``."""
    from pantau.metrics import KpiQuery, compute_kpis

    lang = check_lang(lang)
    start, end = check_month(start, "--from"), check_month(end, "--to")
    trend = compute_kpis(store, KpiQuery(start=start, end=end, grain="month", scope=scope))
    rows = {str(r["period"]): r for r in trend["rows"]}
    month = end or max(rows, default=None) or last_complete_month(store)
    months = month_range(min(start or min(rows, default=month), month), month)
    meta = build_meta(
        store,
        lang=lang,
        start=month,
        end=month,
        grain="month",
        by=None,
        basis=trend["basis"],
        scope=scope,
        generated_by=generated_by,
    )
    kpis = kpi_catalogue()
    sections = kpi_sections(
        kpis, rows.get(month), rows.get(shift_month(month, -1)), lang=lang, currency=meta.currency
    )
    lines = {line.id: line for s in sections for line in s.lines}
    return {
        "t": lambda message, **params: gettext(message, lang, **params),
        "title": gettext("Monthly sales report", lang),
        "meta": meta,
        "month_label": period_label(month, lang),
        "has_data": month in rows,
        "sections": sections,
        "highlights": [lines[k] for k in HIGHLIGHTS if k in lines],
        "score": scorecard(sections),
        "trend_label": period_range_label(months[0], month, lang),
        "charts": [Markup(svg) for svg in trend_charts(months, rows, kpis, lang, meta.currency)],
        "reps": rep_ranking(store, month, scope=scope, lang=lang, currency=meta.currency),
        "funnel": funnel_section(store, month, scope=scope, lang=lang),
        "quality": quality_notes(store, scope=scope, lang=lang, kpis=kpis),
    }
