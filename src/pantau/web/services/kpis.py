"""KPI tables for the API, the overview cards, a KPI's detail page and the leaderboard."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from pantau.auth import Grant
from pantau.metrics import (
    GROUPS,
    KEY_COLUMNS,
    KpiDef,
    KpiQuery,
    catalogue,
    compute_kpis,
    explain_kpi,
    get_kpi,
)
from pantau.metrics.periods import first_month, label
from pantau.web.context import WebContext
from pantau.web.services.directory import label_for, rep_names
from pantau.web.services.periods import PER_YEAR, View, month_label

NEAR = 0.9  # attainment from which a missed target shows amber rather than red
CACHE_MAX_ROWS = 5000


@dataclass(frozen=True)
class KpiParams:
    """The parameters of ``pantau kpi`` / ``GET /api/v1/kpis``."""

    start: str | None = None
    end: str | None = None
    grain: str = "month"
    by: str | None = None
    kpis: tuple[str, ...] = ()
    parts: bool = False


def clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _table_key(grant: Grant, params: KpiParams) -> tuple[Any, ...]:
    """The cache key of a KPI table; refuses a breakdown or KPI the request may not ask for."""
    grant.check_by(params.by)
    kpis = tuple(get_kpi(k).id for k in params.kpis)
    return (
        "kpis",
        grant.key,
        params.start,
        params.end,
        params.grain,
        params.by,
        kpis,
        params.parts,
    )


def kpi_table(ctx: WebContext, grant: Grant, params: KpiParams) -> dict[str, Any]:
    """Exactly :func:`pantau.metrics.compute_kpis` for the grant's scope (cached per version)."""
    key = _table_key(grant, params)
    kpis = key[6]
    query = KpiQuery(
        start=params.start,
        end=params.end,
        grain=params.grain,
        by=params.by,
        kpis=kpis,
        scope=grant.scope(),
        include_parts=params.parts,
    )
    return ctx.cached(key, lambda: clean(compute_kpis(ctx.store, query)), keep=_small)


def kpi_table_json(ctx: WebContext, grant: Grant, params: KpiParams) -> bytes:
    """:func:`kpi_table` as the API's JSON bytes, kept like the table (encoding a table of
    hundreds of rows costs more than everything else a warm request does)."""
    key = ("json", *_table_key(grant, params))
    return ctx.cached(key, lambda: encode_json(kpi_table(ctx, grant, params)), keep=_small_json)


def encode_json(content: Any) -> bytes:
    """JSON as FastAPI's ``JSONResponse`` writes it (UTF-8, compact, no NaN)."""
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def _small_json(body: bytes) -> bool:
    return len(body) <= CACHE_MAX_ROWS * 2000


def _small(result: dict[str, Any]) -> bool:
    """Big one-off tables (many periods × many reps) are answered, not kept in memory."""
    return len(result["rows"]) <= CACHE_MAX_ROWS


def _by_period(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["period"]: row for row in result["rows"]}


def value_in(row: dict[str, Any] | None, kpi: KpiDef) -> Any:
    """A KPI's value in a period's row; a period without any record has 0 counts and amounts."""
    if row is None:
        return 0 if kpi.unit in ("count", "amount") else None
    return row.get(kpi.id)


def delta(kpi: KpiDef, current: Any, before: Any) -> dict[str, Any] | None:
    """Change from ``before`` to ``current``: points for ratios, relative otherwise."""
    if current is None or before is None:
        return None
    if kpi.unit == "ratio":
        value, kind = current - before, "points"
    elif before == 0:
        return None
    else:
        value, kind = (current - before) / abs(before), "relative"
    good = None if value == 0 else (value > 0) == (kpi.direction == "higher")
    return {"value": value, "kind": kind, "good": good}


def status(target: dict[str, Any] | None) -> str:
    """``met``, ``near`` (≥ 90 % attained), ``missed`` or ``none`` (no target)."""
    if not target or target.get("met") is None:
        return "none"
    if target["met"]:
        return "met"
    attainment = target.get("attainment")
    return "near" if attainment is not None and attainment >= NEAR else "missed"


def _window(ctx: WebContext, grant: Grant, view: View) -> dict[str, dict[str, Any]]:
    """The view's period and the year before it, at the view's grain, by period label."""
    start = first_month(view.shifted(-PER_YEAR[view.grain]), view.grain)
    params = KpiParams(month_label(start), month_label(view.last_month), view.grain)
    return _by_period(kpi_table(ctx, grant, params))


def _months(ctx: WebContext, grant: Grant, last: int, count: int, **kw: Any) -> dict[str, Any]:
    params = KpiParams(month_label(last - count + 1), month_label(last), "month", **kw)
    return kpi_table(ctx, grant, params)


def _card(
    kpi: KpiDef,
    view: View,
    rows: dict[str, dict[str, Any]],
    spark_rows: dict[str, dict[str, Any]],
    spark_months: list[str],
    company_row: dict[str, Any] | None,
) -> dict[str, Any]:
    now = rows.get(view.label)
    value = value_in(now, kpi)
    target = (now or {}).get("targets", {}).get(kpi.id)
    before = value_in(rows.get(label(view.shifted(-1), view.grain)), kpi)
    year_ago = value_in(rows.get(label(view.shifted(-PER_YEAR[view.grain]), view.grain)), kpi)
    return {
        "id": kpi.id,
        "name": kpi.name(view.lang),
        "unit": kpi.unit,
        "direction": kpi.direction,
        "value": value,
        "target": target,
        "status": status(target),
        "vs_previous": delta(kpi, value, before),
        "vs_last_year": delta(kpi, value, year_ago) if view.grain != "year" else None,
        "spark": [{"period": m, "value": value_in(spark_rows.get(m), kpi)} for m in spark_months],
        "company": value_in(company_row, kpi) if company_row is not None else None,
    }


def overview(
    ctx: WebContext, grant: Grant, view: View, *, company: Grant | None = None
) -> dict[str, Any]:
    """KPI cards in the spec's three groups for ``view``'s period.

    Each card: value, target and status, change vs the previous period and vs the same period
    a year earlier, a 12-month sparkline, and — when ``company`` is given (a scoped account) —
    the company-level value beside it.
    """
    rows = _window(ctx, grant, view)
    # at month grain the 13-month window already holds the sparkline's 12 months
    spark = rows if view.grain == "month" else _by_period(_months(ctx, grant, view.last_month, 12))
    spark_months = [month_label(m) for m in range(view.last_month - 11, view.last_month + 1)]
    company_row = None
    if company is not None:
        company_rows = _window(ctx, company, view)
        company_row = company_rows.get(view.label) or {}
    groups = []
    for group, (name_id, name_en) in GROUPS.items():
        cards = [
            _card(kpi, view, rows, spark, spark_months, company_row)
            for kpi in catalogue()
            if kpi.group == group
        ]
        groups.append(
            {"id": group, "name": name_en if view.lang == "en" else name_id, "cards": cards}
        )
    return {
        "view": "overview",
        **view.public(),
        "company_totals": company is not None,
        "has_data": bool(rows),
        "groups": groups,
    }


def _breakdown_choices(kpi: KpiDef, grant: Grant, basis: str) -> list[str]:
    return [b for b in kpi.breakdowns if b in grant.allowed_by and kpi.applies(b, basis)]


def _detail_row(row: dict[str, Any], kpi: KpiDef, by: str, names: dict[str, str]) -> dict[str, Any]:
    key = row.get(KEY_COLUMNS[by])
    target = row.get("targets", {}).get(kpi.id)
    return {
        "key": key,
        "label": label_for(by, key, names),
        "value": row.get(kpi.id),
        "parts": row.get("parts", {}).get(kpi.id),
        "target": target,
        "status": status(target),
    }


def kpi_detail(
    ctx: WebContext, grant: Grant, view: View, kpi_id: str, by: str | None
) -> dict[str, Any]:
    """One KPI: 24-month trend (with ``n``), a breakdown table for ``view``'s period, definition."""
    kpi = get_kpi(kpi_id)
    trend = _months(ctx, grant, view.last_month, 24, kpis=(kpi.id,), parts=True)
    choices = _breakdown_choices(kpi, grant, trend["basis"])
    by = by if by in choices else (choices[0] if choices else None)
    table: list[dict[str, Any]] = []
    if by is not None:
        params = KpiParams(
            month_label(view.first_month),
            month_label(view.last_month),
            view.grain,
            by,
            (kpi.id,),
            True,
        )
        result = kpi_table(ctx, grant, params)
        names = rep_names(ctx)
        table = [
            _detail_row(r, kpi, by, names) for r in result["rows"] if r["period"] == view.label
        ]
    by_month = _by_period(trend)
    months = [month_label(m) for m in range(view.last_month - 23, view.last_month + 1)]
    return {
        "view": "kpi",
        **view.public(),
        "kpi": definition(ctx, kpi, view.lang),
        "basis": trend["basis"],
        "trend": [_trend_point(kpi, m, by_month.get(m)) for m in months],
        "by": by,
        "breakdowns": choices,
        "table": table,
    }


def _trend_point(kpi: KpiDef, month: str, row: dict[str, Any] | None) -> dict[str, Any]:
    target = (row or {}).get("targets", {}).get(kpi.id)
    parts = (row or {}).get("parts", {}).get(kpi.id)
    return {
        "period": month,
        "value": value_in(row, kpi),
        "target": target["target"] if target else None,
        "n": parts["n"] if parts else 0,
    }


def definition(ctx: WebContext, kpi: KpiDef, lang: str) -> dict[str, Any]:
    """A KPI's definition in ``lang`` with the SQL it runs on this store."""
    explained = ctx.cached(("explain", kpi.id), lambda: explain_kpi(ctx.store, kpi.id))
    return {
        "id": kpi.id,
        "group": kpi.group,
        "name": kpi.name(lang),
        "name_id": kpi.name_id,
        "name_en": kpi.name_en,
        "description": kpi.description(lang),
        "example": kpi.example_en if lang == "en" else kpi.example_id,
        "edge_cases": [en if lang == "en" else id_ for id_, en in kpi.edge_cases],
        "unit": kpi.unit,
        "direction": kpi.direction,
        "anchor": kpi.anchor,
        "breakdowns": list(kpi.breakdowns),
        "sql": explained["sql"],
    }


def leaderboard(ctx: WebContext, grant: Grant, view: View, kpi_id: str) -> dict[str, Any]:
    """Reps ranked by attainment of ``kpi_id``'s target (then by value) in ``view``'s period."""
    kpi = get_kpi(kpi_id)
    grant.check_by("rep")
    params = KpiParams(
        month_label(view.first_month), month_label(view.last_month), view.grain, "rep", (kpi.id,)
    )
    result = kpi_table(ctx, grant, params)
    names = rep_names(ctx)
    rows = [_detail_row(r, kpi, "rep", names) for r in result["rows"] if r["period"] == view.label]
    rows.sort(key=lambda r: _rank_key(kpi, r))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["attainment"] = (row["target"] or {}).get("attainment")
    return {
        "view": "leaderboard",
        **view.public(),
        "kpi": {"id": kpi.id, "name": kpi.name(view.lang), "unit": kpi.unit},
        "choices": [{"id": k.id, "name": k.name(view.lang)} for k in catalogue()],
        "rows": rows,
    }


def _rank_key(kpi: KpiDef, row: dict[str, Any]) -> tuple[Any, ...]:
    attainment = (row["target"] or {}).get("attainment")
    value = row["value"]
    sign = -1 if kpi.direction == "higher" else 1
    return (
        attainment is None,
        -(attainment or 0),
        value is None,
        sign * (value or 0),
        row["label"] or "",
    )
