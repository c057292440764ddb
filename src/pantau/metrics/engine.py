"""The KPI engine: plan one aggregate query per source, run them, assemble the result rows.

Every requested KPI contributes its parts (numerators, denominators, record counts, medians) to
the aggregate query of the source table they come from. Each source is queried once, grouped by
period and breakdown key, filtered by period range and scope. Values are then computed from the
parts in Python, so a ratio is recomputed at every grain and never averaged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import ibis

from pantau.metrics.catalogue import CATALOGUE, get_kpi
from pantau.metrics.context import StoreContext, load_context
from pantau.metrics.kpidef import KpiDef
from pantau.metrics.parts import Part
from pantau.metrics.periods import PeriodRange, check_grain, month_of_date, resolve_range
from pantau.metrics.query import KEY_COLUMNS, KpiQuery, Scope, check_by
from pantau.metrics.rows import assemble
from pantau.metrics.sources import FACTS, FactsEnv
from pantau.metrics.sources.common import Tables
from pantau.metrics.targets import TargetBook
from pantau.store import Store
from pantau.store.schema import DEFAULT_SETTINGS

SourceKey = tuple[str, bool]  # (source, keyed)


@dataclass(frozen=True)
class Request:
    """A validated query against one store."""

    range: PeriodRange
    by: str | None
    kpis: tuple[KpiDef, ...]
    scope: Scope | None
    include_parts: bool
    ctx: StoreContext

    @property
    def grain(self) -> str:
        return self.range.grain

    @property
    def basis(self) -> str:
        return self.ctx.basis

    @property
    def applicable(self) -> tuple[KpiDef, ...]:
        return tuple(k for k in self.kpis if k.applies(self.by, self.basis))


@dataclass(frozen=True)
class SourceQuery:
    """The aggregate query of one source: its parts, grouped by period (and key when keyed)."""

    source: str
    keyed: bool
    parts: tuple[Part, ...]
    expr: Any


def store_settings(con: Tables) -> dict[str, str]:
    """The store's settings, defaults filled in, read over the open connection."""
    out = dict(DEFAULT_SETTINGS)
    out.update({r["key"]: r["value"] for r in con.run(con.table("settings"))})
    return out


def business_today(timezone: str) -> date:
    """Today's date in the business time zone."""
    return datetime.now(ZoneInfo(timezone)).date()


def _kpis(ids: tuple[str, ...] | str) -> tuple[KpiDef, ...]:
    if isinstance(ids, str):  # one id given where a tuple was meant
        ids = (ids,)
    if not ids:
        return CATALOGUE
    return tuple(dict.fromkeys(get_kpi(i) for i in ids))


def resolve(query: KpiQuery, ctx: StoreContext, today: date) -> Request:
    """Validate ``query`` (:class:`UsageError` / :class:`UnknownKpi`) into a :class:`Request`."""
    grain = check_grain(query.grain)
    by = check_by(query.by)
    kpis = _kpis(query.kpis if isinstance(query.kpis, str) else tuple(query.kpis))
    period_range = resolve_range(query.start, query.end, grain, ctx.data_end, today)
    return Request(period_range, by, kpis, query.scope, query.include_parts, ctx)


def needed_parts(request: Request) -> dict[SourceKey, tuple[Part, ...]]:
    """The parts of the applicable KPIs, grouped by (source, keyed)."""
    found: dict[SourceKey, dict[str, Part]] = defaultdict(dict)
    for kpi in request.applicable:
        formula = kpi.formula_for(request.basis)
        extra = (kpi.known_when,) if kpi.known_when is not None else ()
        for part in (*formula.parts, *extra):
            found[(part.source, part.keyed)][part.name] = part
    return {key: tuple(parts.values()) for key, parts in found.items()}


def _scoped(facts: Any, scope: Scope | None) -> Any:
    if scope is None or scope.unlimited:
        return facts
    conds = []
    for values, column in ((scope.rep_ids, "rep_id"), (scope.teams, "team")):
        if values is not None:
            conds.append(facts[column].isin(sorted(values)) if values else ibis.literal(False))
    return facts.filter(ibis.or_(*conds).fill_null(False))


def source_query(env: FactsEnv, request: Request, key: SourceKey, parts: tuple[Part, ...]) -> Any:
    """The Ibis aggregate of ``parts`` over the facts of source ``key``."""
    source, keyed = key
    facts = FACTS[source](env)
    facts = facts.filter(facts.p.between(request.range.first, request.range.last))
    if keyed:
        facts = _scoped(facts, request.scope)
    groups = [facts.p]
    if keyed and request.by is not None:
        groups.append(facts[KEY_COLUMNS[request.by]].name("key"))
    metrics = {part.name: part.build(facts) for part in parts}
    return facts.group_by(groups).aggregate(**metrics)


def plan(con: Tables, request: Request, key_activity_type: str) -> list[SourceQuery]:
    """One :class:`SourceQuery` per source the request needs."""
    env = FactsEnv(
        con=con,
        grain=request.grain,
        periods=request.range.periods,
        has_stages=request.ctx.has_stages,
        key_activity_type=key_activity_type.strip().lower(),
    )
    return [
        SourceQuery(source, keyed, parts, source_query(env, request, (source, keyed), parts))
        for (source, keyed), parts in needed_parts(request).items()
    ]


def _run(
    con: Tables, queries: list[SourceQuery]
) -> tuple[dict[Any, dict[str, Any]], dict[int, dict[str, Any]]]:
    keyed: dict[Any, dict[str, Any]] = defaultdict(dict)
    unkeyed: dict[int, dict[str, Any]] = defaultdict(dict)
    for query in queries:
        for rec in con.run(query.expr):
            p = int(rec.pop("p"))
            if query.keyed:
                keyed[(p, rec.pop("key", None))].update(rec)
            else:
                unkeyed[p].update(rec)
    return keyed, unkeyed


def prepare(settings: dict[str, str], con: Tables, query: KpiQuery, today: date | None) -> Request:
    """Read the store context and validate ``query`` against it."""
    day = today or business_today(settings["timezone"])
    ctx = load_context(con, month_of_date(day) - 1)
    return resolve(query, ctx, day)


def compute_kpis(store: Store, query: KpiQuery, *, today: date | None = None) -> dict[str, Any]:
    """The KPIs asked for by ``query``, as the public JSON contract (see ``docs/kpis.md``).

    ``today`` (the business day; default: now in the store's time zone) only matters for the
    default range: the last 12 complete months that have data.
    """
    with store.ibis() as backend:
        con = Tables(backend)
        settings = store_settings(con)
        request = prepare(settings, con, query, today)
        queries = plan(con, request, settings["key_activity_type"])
        keyed, unkeyed = _run(con, queries)
        book = TargetBook.from_rows(con.run(con.table("targets")))
    return {
        "grain": request.grain,
        "by": request.by,
        "basis": request.basis,
        "rows": assemble(request, keyed, unkeyed, book),
    }
