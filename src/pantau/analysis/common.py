"""Helpers shared by the analysis views: scope, attribution, months and small conversions.

Everything that touches data is an Ibis expression over the canonical tables, so the views run
unchanged on any engine Ibis supports. Periods are cut on the ``*_local`` columns and months are
handled as integers (``year * 12 + month - 1``), which every engine computes the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from pantau.errors import UsageError
from pantau.i18n import LANGUAGES

if TYPE_CHECKING:
    from pantau.metrics import Scope

#: columns added to a table by :func:`attributed`
REP, TEAM, REGION = "attr_rep", "attr_team", "attr_region"

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: a view asked for without a period covers this many months
DEFAULT_MONTHS = 12


def is_restricted(scope: Scope | None) -> bool:
    """True when ``scope`` hides some records (``None`` or a scope without limits shows all)."""
    return scope is not None and (scope.rep_ids is not None or scope.teams is not None)


# -- language ---------------------------------------------------------------------------------
def resolve_lang(lang: str | None, settings: Mapping[str, str]) -> str:
    """``lang`` if given (``id``/``en``), else the store's ``language`` setting."""
    if lang is None:
        default = settings.get("language", "id")
        return default if default in LANGUAGES else "id"
    code = lang.strip().lower()
    if code not in LANGUAGES:
        raise UsageError(f"unknown language '{lang}'; use one of: {', '.join(LANGUAGES)}")
    return code


# -- months -----------------------------------------------------------------------------------
def parse_month(text: str) -> int:
    """``YYYY-MM`` → month index (``year * 12 + month - 1``); :class:`UsageError` otherwise."""
    match = _MONTH_RE.match(text.strip())
    if not match:
        raise UsageError(f"'{text}' is not a month; use YYYY-MM, e.g. 2026-03")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_label(index: int) -> str:
    """Month index → ``YYYY-MM``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_index(ts: ir.TimestampValue) -> ir.IntegerValue:
    """The month index of a (local) timestamp, as an Ibis expression."""
    return ts.year().cast("int64") * 12 + ts.month().cast("int64") - 1


def current_month(timezone: str, today: date | None = None) -> int:
    """Month index of today in the business time zone (or of ``today`` when given)."""
    day = today or datetime.now(ZoneInfo(timezone)).date()
    return day.year * 12 + day.month - 1


def resolve_window(
    start: str | None, end: str | None, *, last_data: int | None, current: int
) -> tuple[int, int]:
    """The (first, last) month index of a view's period.

    A missing ``end`` is the last complete month with data (the month before ``current``, or
    the last month with data when that is earlier) — but never before ``start``. A missing
    ``start`` is ``DEFAULT_MONTHS - 1`` months before the end.
    """
    first = parse_month(start) if start else None
    last = parse_month(end) if end else None
    if last is None:
        complete = current - 1
        last = complete if last_data is None else min(last_data, complete)
        if first is not None:
            last = max(last, first)
    if first is None:
        first = last - (DEFAULT_MONTHS - 1)
    if first > last:
        raise UsageError(
            f"the period starts ({month_label(first)}) after it ends ({month_label(last)})"
        )
    return first, last


# -- expressions ------------------------------------------------------------------------------
def norm(value: ir.StringValue) -> ir.StringValue:
    """Trimmed, lower-cased text: how enumerated values and stage names are compared."""
    return value.strip().lower()


def is_in(value: ir.Value, values: Iterable[Any]) -> ir.BooleanValue:
    """``value IN values``, never null (an empty list is simply false)."""
    items = sorted(set(values))
    if not items:
        return ibis.literal(False)
    return value.isin(items).fill_null(False)


def scoped(table: ir.Table, scope: Scope | None) -> ir.Table:
    """The rows of an :func:`attributed` table that ``scope`` may see.

    A row is visible when its attributed rep is in ``scope.rep_ids`` or its team is in
    ``scope.teams``; a ``None`` set adds no condition, and a scope without limits sees all.
    """
    if scope is None or not is_restricted(scope):
        return table
    conditions = []
    if scope.rep_ids is not None:
        conditions.append(is_in(table[REP], scope.rep_ids))
    if scope.teams is not None:
        conditions.append(is_in(table[TEAM], scope.teams))
    return table.filter(reduce(or_, conditions))


def visible_rows(backend: Any, name: str, scope: Scope | None) -> ir.Table | None:
    """The rows of record type ``name`` that ``scope`` may see.

    Without a restriction that is the plain table (no attribution joins needed); with one, the
    :func:`attributed` rows the scope lets through — and ``None`` for a record type that
    belongs to no rep (customers, products, …), which a restricted scope does not see.
    """
    if not is_restricted(scope):
        return backend.table(name)
    table = maybe_attributed(backend, name)
    return None if table is None else scoped(table, scope)


class CachedTables:
    """An Ibis backend whose ``table()`` looks each table up once (a lookup reads the catalogue,
    which costs more than the small queries of the analysis views)."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self._tables: dict[str, ir.Table] = {}

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self.backend.table(name)
        return self._tables[name]


def attach_rep(table: ir.Table, reps: ir.Table) -> ir.Table:
    """Add the ``attr_team`` and ``attr_region`` of the rep in ``attr_rep`` (``reps`` lookup)."""
    lookup = reps.select(rj_rep=reps.rep_id, **{TEAM: reps.team, REGION: reps.region})
    joined = table.left_join(lookup, table[REP] == lookup.rj_rep)
    return joined.drop("rj_rep")


def opportunity_rep(table: ir.Table, opportunities: ir.Table, fallback: ir.Value) -> ir.Table:
    """Add ``attr_rep``: ``fallback`` (may be null), else the rep of the linked opportunity."""
    lookup = opportunities.select(oj_id=opportunities.opportunity_id, oj_rep=opportunities.rep_id)
    joined = table.left_join(lookup, table.opportunity_id == lookup.oj_id)
    return joined.mutate(**{REP: ibis.coalesce(fallback, joined.oj_rep)}).drop("oj_id", "oj_rep")


#: record types whose rows belong to a rep (attribution rules of kpis.md)
ATTRIBUTABLE = (
    "reps",
    "leads",
    "activities",
    "opportunities",
    "stage_history",
    "order_lines",
    "sales_costs",
    "collateral_usage",
)


def attributed(backend: Any, name: str) -> ir.Table:
    """Table ``name`` (an attributable record type) with the attribution columns."""
    table = maybe_attributed(backend, name)
    if table is None:
        raise ValueError(f"{name} records belong to no rep")
    return table


def maybe_attributed(backend: Any, name: str) -> ir.Table | None:
    """Table ``name`` with ``attr_rep``/``attr_team``/``attr_region``; ``None`` if unattributable.

    leads, activities, opportunities, collateral use and costs belong to their ``rep_id``; order
    lines to their ``rep_id``, else the linked opportunity's rep; stage history to its
    opportunity's rep. Team and region come from ``reps``; a cost row whose rep is absent or
    unknown belongs to its own ``team`` and has no region.
    """
    if name not in ATTRIBUTABLE:
        return None
    table = backend.table(name)
    reps = backend.table("reps")
    if name == "reps":
        return table.mutate(**{REP: table.rep_id, TEAM: table.team, REGION: table.region})
    if name == "order_lines":
        with_rep = opportunity_rep(table, backend.table("opportunities"), table.rep_id)
    elif name == "stage_history":
        with_rep = opportunity_rep(table, backend.table("opportunities"), ibis.null("string"))
    else:
        with_rep = table.mutate(**{REP: table.rep_id})
    if name == "sales_costs":
        return _cost_attribution(with_rep, reps)
    return attach_rep(with_rep, reps)


def _cost_attribution(costs: ir.Table, reps: ir.Table) -> ir.Table:
    """A cost row of a known rep belongs to the rep's team; otherwise to its own ``team``."""
    lookup = reps.select(rj_rep=reps.rep_id, rj_team=reps.team, rj_region=reps.region)
    joined = costs.left_join(lookup, costs[REP] == lookup.rj_rep)
    known = joined.rj_rep.notnull()
    return joined.mutate(
        **{
            TEAM: ibis.ifelse(known, joined.rj_team, joined.team),
            REGION: ibis.ifelse(known, joined.rj_region, ibis.null("string")),
        }
    ).drop("rj_rep", "rj_team", "rj_region")


# -- results ----------------------------------------------------------------------------------
def fetch(expr: ir.Table) -> list[dict[str, Any]]:
    """Execute ``expr`` and return its rows as plain dicts."""
    return list(expr.to_pyarrow().to_pylist())


def scalar(expr: ir.Scalar) -> Any:
    """Execute a scalar expression."""
    return expr.to_pyarrow().as_py()


def stack(parts: list[ir.Table]) -> list[dict[str, Any]]:
    """Run several one-row aggregates (same columns) as one query; rows in the given order.

    Compiling a query costs more than running these small ones, so they are stacked with
    ``UNION ALL`` and told apart by their position.
    """
    if not parts:
        return []
    numbered = [p.mutate(part=ibis.literal(i, "int64")) for i, p in enumerate(parts)]
    rows = fetch(ibis.union(*numbered) if len(numbered) > 1 else numbered[0])
    return sorted(rows, key=lambda r: int(r["part"]))


def count_many(tables: list[ir.Table]) -> list[int]:
    """The row count of each table, in one query."""
    return [int(r["n"]) for r in stack([t.aggregate(n=t.count()) for t in tables])]


def ratio(numerator: float | int, denominator: float | int) -> float | None:
    """``numerator / denominator``; ``None`` when the denominator is 0 (empty is not zero)."""
    if not denominator:
        return None
    return float(numerator) / float(denominator)
