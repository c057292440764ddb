"""The KPI engine: one aggregate query per source, parts kept per store version, rows assembled.

Every requested KPI contributes its parts (numerators, denominators, record counts, medians) to
the aggregate query of the source table they come from. Each source is queried once, grouped by
period and breakdown key, filtered by period range and scope. Values are then computed from the
parts in Python, so a ratio is recomputed at every grain and never averaged.

:func:`compute_kpis` answers from memory what it can (see ``docs/performance.md``):

- a *result cache* per (store, data version, question) answers a repeated question without
  opening the store;
- the *aggregate layer* (:mod:`pantau.metrics.preagg`) keeps the parts of every KPI per period,
  so a new question (other periods, other KPIs) computes only the periods nobody asked for yet,
  and an import drops only the periods it can have changed;
- compiled SQL is cached per query shape (:mod:`pantau.metrics.compiled`), so a query is built
  and compiled by Ibis once per process, not once per call; on DuckDB also on disk
  (:mod:`pantau.metrics.sqldisk`), so a new process finds it compiled too.

``compute_kpis(..., cache=False)`` is the direct computation all of this must agree with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pantau.metrics.cache import (
    LruCache,
    StoreId,
    VersionWatch,
    fingerprint,
    is_duckdb_file_store,
    store_identity,
)
from pantau.metrics.catalogue import CATALOGUE, get_kpi
from pantau.metrics.compiled import Runner, SqlCache, Statement
from pantau.metrics.context import StoreContext, load_context
from pantau.metrics.kpidef import KpiDef
from pantau.metrics.parts import Part
from pantau.metrics.periods import PeriodRange, check_grain, month_of_date, resolve_range
from pantau.metrics.preagg import Held, Layer, Slab, SlabKey, slab_from_rows
from pantau.metrics.query import KEY_COLUMNS, KpiQuery, Scope, check_by
from pantau.metrics.rows import Gathered, assemble
from pantau.metrics.snapshot import (
    Snapshot,
    load_snapshot,
    read_context,
    read_meta,
    read_shape,
)
from pantau.metrics.sources import FACT_COLUMNS, FACTS, FactsEnv
from pantau.metrics.sources.common import Tables
from pantau.metrics.sqldisk import SqlDisk
from pantau.metrics.targets import TargetBook
from pantau.store import Store
from pantau.store.schema import DEFAULT_SETTINGS

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

SourceKey = tuple[str, bool]  # (source, keyed)
Keyed = dict[Any, dict[str, Any]]
Unkeyed = dict[int, dict[str, Any]]


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


def _parts_of(kpis: Iterable[KpiDef], basis: str) -> dict[SourceKey, tuple[Part, ...]]:
    found: dict[SourceKey, dict[str, Part]] = defaultdict(dict)
    for kpi in kpis:
        formula = kpi.formula_for(basis)
        extra = (kpi.known_when,) if kpi.known_when is not None else ()
        for part in (*formula.parts, *extra):
            found[(part.source, part.keyed)][part.name] = part
    return {key: tuple(parts.values()) for key, parts in found.items()}


def needed_parts(request: Request) -> dict[SourceKey, tuple[Part, ...]]:
    """The parts of the applicable KPIs, grouped by (source, keyed)."""
    return _parts_of(request.applicable, request.basis)


@cache
def catalogue_parts(basis: str, by: str | None) -> dict[SourceKey, tuple[Part, ...]]:
    """The parts of every KPI that applies under ``by`` on ``basis``, by (source, keyed): what
    the aggregate layer computes for a source, so that any choice of KPIs is served."""
    return _parts_of((k for k in CATALOGUE if k.applies(by, basis)), basis)


def unlimited(scope: Scope | None) -> Scope | None:
    """``scope``, or None when it does not limit anything."""
    return None if scope is None or scope.unlimited else scope


def _scoped(facts: Any, scope: Scope | None) -> Any:
    if scope is None or scope.unlimited:
        return facts
    conds = []
    for values, column in ((scope.rep_ids, "rep_id"), (scope.teams, "team")):
        if values is not None:
            conds.append(facts[column].isin(sorted(values)) if values else ibis.literal(False))
    return facts.filter(ibis.or_(*conds).fill_null(False))


def _int_value(value: Any) -> Any:
    return Runner.literal(value) if isinstance(value, int) else value


def facts_env(
    con: Tables, grain: str, first: Any, last: Any, has_stages: bool, key_type: str
) -> FactsEnv:
    """The :class:`FactsEnv` of a query; ``first``/``last``: period ordinals (int or Ibis)."""
    return FactsEnv(
        con=con,
        grain=grain,
        first=_int_value(first),
        last=_int_value(last),
        has_stages=has_stages,
        key_activity_type=key_type.strip().lower(),
    )


def _aggregate(
    facts: Any,
    env: FactsEnv,
    key: SourceKey,
    parts: Sequence[Part],
    by: str | None,
    scope: Scope | None,
) -> tuple[Any, list[Any]]:
    """The aggregate expression over ``facts``, and the facts relations it reads columns from."""
    relations = [facts]
    facts = facts.filter(facts.p.between(env.first, env.last))
    relations.append(facts)
    if key[1]:
        facts = _scoped(facts, scope)
        relations.append(facts)
    groups = [facts.p]
    if key[1] and by is not None:
        groups.append(facts[KEY_COLUMNS[by]].name("key"))
    metrics = {part.name: part.build(facts) for part in parts}
    return facts.group_by(groups).aggregate(**metrics), relations


def used_columns(
    env: FactsEnv, key: SourceKey, parts: Sequence[Part], by: str | None, scope: Scope | None
) -> frozenset[str]:
    """The facts columns the aggregate of ``parts`` reads (its parts, breakdown and scope),
    found by building it over a stand-in table with the facts' columns (cheap: no joins)."""
    import ibis.expr.operations as ops

    columns = {"p": "int64", **FACT_COLUMNS[key[0]]}
    stand_in = ibis.table(columns, name=f"{key[0]}_facts")
    expr, relations = _aggregate(stand_in, env, key, parts, by, scope)
    rels = {r.op() for r in relations}
    return frozenset(f.name for f in expr.op().find(ops.Field) if f.rel in rels)


def source_expr(
    env: FactsEnv, key: SourceKey, parts: Sequence[Part], by: str | None, scope: Scope | None
) -> Any:
    """The Ibis aggregate of ``parts`` over the facts of source ``key`` in the env's periods,
    grouped by period (``p``) and, for keyed sources under a breakdown, its key (``key``).

    The facts are built with only the columns the aggregate reads (and so only the joins those
    need)."""
    if env.columns is None:
        env = replace(env, columns=used_columns(env, key, parts, by, scope))
    expr, _relations = _aggregate(FACTS[key[0]](env), env, key, parts, by, scope)
    return expr


def source_query(env: FactsEnv, request: Request, key: SourceKey, parts: tuple[Part, ...]) -> Any:
    """The Ibis aggregate of ``parts`` over the facts of source ``key`` for ``request``."""
    return source_expr(env, key, parts, request.by, request.scope)


def plan(con: Tables, request: Request, key_activity_type: str) -> list[SourceQuery]:
    """One :class:`SourceQuery` per source the request needs (the direct computation)."""
    rng = request.range
    env = facts_env(
        con, request.grain, rng.first, rng.last, request.ctx.has_stages, key_activity_type
    )
    return [
        SourceQuery(source, keyed, parts, source_query(env, request, (source, keyed), parts))
        for (source, keyed), parts in needed_parts(request).items()
    ]


def _run(con: Tables, queries: list[SourceQuery]) -> tuple[Keyed, Unkeyed]:
    keyed: Keyed = defaultdict(dict)
    unkeyed: Unkeyed = defaultdict(dict)
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


def _result(request: Request, parts: Gathered, book: TargetBook) -> dict[str, Any]:
    return {
        "grain": request.grain,
        "by": request.by,
        "basis": request.basis,
        "rows": assemble(request, parts, book),
    }


def compute_direct(store: Store, query: KpiQuery, today: date | None = None) -> dict[str, Any]:
    """The KPIs of ``query`` computed afresh: the plan's queries built, compiled and run, with
    no cache of any kind (the reference the caches are tested against)."""
    with store.ibis() as backend:
        con = Tables(backend)
        settings = store_settings(con)
        request = prepare(settings, con, query, today)
        queries = plan(con, request, settings["key_activity_type"])
        keyed, unkeyed = _run(con, queries)
        book = TargetBook.from_rows(con.run(con.table("targets")))
    return _result(request, Gathered.from_dicts(keyed, unkeyed), book)


# -- the caches -----------------------------------------------------------------------------------

SQL = SqlCache(disk=SqlDisk())
WATCH = VersionWatch(max_age_s=2.0)
SNAPSHOTS: LruCache[tuple[StoreId, int], Snapshot] = LruCache(64)
#: bounded by the rows of the cached results
RESULTS: LruCache[tuple[Any, ...], dict[str, Any]] = LruCache(
    200_000, weigher=lambda result: len(result["rows"]) + 1
)
LAYER = Layer(max_groups=400_000)


def clear_caches() -> None:
    """Forget everything remembered in this process (tests, benchmarks)."""
    SQL.clear()
    WATCH.clear()
    SNAPSHOTS.clear()
    RESULTS.clear()
    LAYER.clear()


def cache_stats() -> dict[str, int]:
    """Counters of the caches: result hits/misses, SQL compilations, layer size."""
    return {
        "result_hits": RESULTS.hits,
        "result_misses": RESULTS.misses,
        "results": len(RESULTS),
        "sql_compiles": SQL.compiles,
        "sql_disk_hits": SQL.disk.hits if SQL.disk is not None else 0,
        "layer_slabs": LAYER.size[0],
        "layer_groups": LAYER.size[1],
    }


def _result_key(ident: StoreId, version: int, request: Request) -> tuple[Any, ...]:
    rng = request.range
    question = (rng.grain, rng.first, rng.last, request.by, tuple(k.id for k in request.kpis))
    return (ident, version, *question, unlimited(request.scope), request.include_parts)


def _slab_keys(request: Request, key_type: str) -> list[SlabKey]:
    ctx = request.ctx
    return [
        SlabKey(
            source=source,
            keyed=keyed,
            grain=request.grain,
            by=request.by if keyed else None,
            scope=unlimited(request.scope) if keyed else None,
            basis=ctx.basis,
            has_stages=ctx.has_stages,
            key_activity_type=key_type,
        )
        for source, keyed in needed_parts(request)
    ]


def _slab_statement(runner: Runner, key: SlabKey, first: int, last: int) -> Statement:
    parts = catalogue_parts(key.basis, key.by)[(key.source, key.keyed)]

    def build(params: Sequence[int]) -> Any:
        first_p, last_p = (runner.literal(v) for v in params)
        env = facts_env(
            runner.con, key.grain, first_p, last_p, key.has_stages, key.key_activity_type
        )
        return source_expr(env, (key.source, key.keyed), parts, key.by, key.scope)

    shape = ("parts", key, tuple(p.name for p in parts))
    return runner.statement(shape, build, (first, last))


def _compute_slabs(runner: Runner, tasks: Sequence[tuple[SlabKey, int, int]]) -> list[Slab]:
    """The slabs of ``tasks`` (slab key, first, last period): their SQL found or compiled here,
    then run together (:meth:`Runner.execute_all`)."""
    statements = [_slab_statement(runner, *task) for task in tasks]
    out = []
    for (key, first, last), (names, rows) in zip(
        tasks, runner.execute_all(statements), strict=True
    ):
        columns = tuple(p.name for p in catalogue_parts(key.basis, key.by)[(key.source, key.keyed)])
        out.append(slab_from_rows(columns, first, last, names, rows))
    return out


def _compute_slab(runner: Runner, key: SlabKey, first: int, last: int) -> Slab:
    return _compute_slabs(runner, [(key, first, last)])[0]


def _gather(request: Request, slabs: dict[SlabKey, Slab]) -> Gathered:
    """The parts of ``request``'s periods from ``slabs``, laid out for :func:`assemble`."""
    names: dict[bool, list[str]] = {True: [], False: []}
    places = []
    for key, slab in slabs.items():
        held = names[key.keyed]
        places.append((key.keyed, len(held), len(held) + len(slab.columns), slab))
        held.extend(slab.columns)
    width = len(names[True])
    keyed: dict[tuple[int, Any], list[Any]] = {}
    unkeyed: dict[int, list[Any]] = {}
    periods = request.range.periods
    for is_keyed, start, end, slab in places:
        for p in periods:
            groups = slab.rows.get(p)
            if not groups:
                continue
            if not is_keyed:
                row = unkeyed.get(p)
                if row is None:
                    row = unkeyed[p] = [None] * len(names[False])
                for _none, values in groups:
                    row[start:end] = values
                continue
            for group, values in groups:
                row = keyed.get((p, group))
                if row is None:
                    row = keyed[(p, group)] = [None] * width
                row[start:end] = values
    return Gathered(tuple(names[True]), tuple(names[False]), keyed, unkeyed)


def _needs_end(query: KpiQuery) -> bool:
    """Whether the query's range depends on the last month with data (it names no end)."""
    return not query.end


def _from_memory(
    ident: StoreId, store: Store, query: KpiQuery, today: date | None
) -> dict[str, Any] | None:
    """The answer without opening the store, when the store did not change and everything the
    question needs is in memory; else None."""
    version = WATCH.peek(ident, store)
    snap = None if version is None else SNAPSHOTS.get((ident, version))
    if version is None or snap is None:
        return None
    day = today or business_today(snap.settings["timezone"])
    ctx = snap.context(month_of_date(day) - 1, _needs_end(query))
    if ctx is None:
        return None
    request = resolve(query, ctx, day)
    key = _result_key(ident, version, request)
    found = RESULTS.get(key)
    if found is not None:
        return found
    slabs = LAYER.from_memory(
        ident, version, _slab_keys(request, snap.key_activity_type), request.range.periods
    )
    if slabs is None:
        return None
    result = _result(request, _gather(request, slabs), snap.book)
    RESULTS.put(key, result)
    return result


@contextmanager
def _runner(store: Store) -> Iterator[Runner]:
    """The store open for reading, as a :class:`Runner`: a DuckDB file store over its plain
    connection (Ibis is loaded only if some SQL must be compiled), others through Ibis."""
    if is_duckdb_file_store(store):
        with store.read() as connection:
            yield Runner.over_duckdb(connection, SQL)
    else:
        with store.ibis() as backend:
            yield Runner(backend, SQL)


def _compute_cached(
    ident: StoreId, store: Store, query: KpiQuery, today: date | None
) -> dict[str, Any]:
    with _runner(store) as runner:
        files = fingerprint(store)  # taken under the shared lock: no write can be under way
        version, last_import = read_meta(runner)
        snap = SNAPSHOTS.get((ident, version))
        if snap is None:
            snap = load_snapshot(runner, version, last_import)
            SNAPSHOTS.put((ident, version), snap)
        LAYER.advance(ident, Held(version, last_import), runner)
        day = today or business_today(snap.settings["timezone"])
        cap = month_of_date(day) - 1
        ctx = _context(runner, snap, cap, _needs_end(query))
        request = resolve(query, ctx, day)
        key = _result_key(ident, version, request)
        found = RESULTS.get(key)
        if found is not None:
            WATCH.remember(ident, files, version)
            return found
        slabs = LAYER.slabs(
            ident,
            version,
            _slab_keys(request, snap.key_activity_type),
            request.range.periods,
            lambda k, first, last: _compute_slab(runner, k, first, last),
            batch=lambda tasks: _compute_slabs(runner, tasks),
        )
        WATCH.remember(ident, files, version)  # still current: the lock was held until now
    result = _result(request, _gather(request, slabs), snap.book)
    RESULTS.put(key, result)
    return result


def last_month_with_data(store: Store, cap: int) -> int | None:
    """The last month (ordinal ≤ ``cap``) with a record at some KPI's anchor, None when there is
    none: the rule the default range of :func:`compute_kpis` ends with (planned activities are
    not data), read once per store version and cap like the rest of the store's context."""
    ident = store_identity(store)
    if ident is None:
        with store.ibis() as backend:
            return load_context(Tables(backend), cap).data_end
    version = WATCH.peek(ident, store)
    snap = None if version is None else SNAPSHOTS.get((ident, version))
    ctx = None if snap is None else snap.context(cap)
    if ctx is not None:
        return ctx.data_end
    with _runner(store) as runner:
        version, _last_import = read_meta(runner)
        return _context(runner, SNAPSHOTS.get((ident, version)), cap, True).data_end


def _context(runner: Runner, snap: Snapshot | None, cap: int, need_end: bool) -> StoreContext:
    """The store context for month cap ``cap`` (only its shape when ``need_end`` is False):
    ``snap``'s when it knows it, else read (and remembered in ``snap``)."""
    ctx = None if snap is None else snap.context(cap, need_end)
    if ctx is None and need_end:
        ctx = read_context(runner, cap)
        if snap is not None:
            snap.remember_context(cap, ctx)
    elif ctx is None:
        ctx = read_shape(runner)
        if snap is not None:
            snap.remember_shape(ctx)
    return ctx


def _copy(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of a cached result that the caller may change freely."""
    rows = []
    for row in result["rows"]:
        new = dict(row)
        new["targets"] = {k: dict(v) for k, v in row["targets"].items()}
        if "parts" in row:
            new["parts"] = {k: dict(v) for k, v in row["parts"].items()}
        rows.append(new)
    return {**result, "rows": rows}


def compute_kpis(
    store: Store, query: KpiQuery, *, today: date | None = None, cache: bool = True
) -> dict[str, Any]:
    """The KPIs asked for by ``query``, as the public JSON contract (see ``docs/kpis.md``).

    ``today`` (the business day; default: now in the store's time zone) only matters for the
    default range: the last 12 complete months that have data. ``cache=False`` computes
    directly, bypassing every cache (:func:`compute_direct`); the cached answer is the same.
    """
    ident = store_identity(store) if cache else None
    if ident is None:
        return compute_direct(store, query, today)
    found = _from_memory(ident, store, query, today)
    if found is None:
        found = _compute_cached(ident, store, query, today)
    return _copy(found)
