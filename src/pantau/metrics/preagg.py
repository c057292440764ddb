"""The aggregate layer: KPI parts per period, kept per store version, refreshed incrementally.

Every KPI is computed from *parts* (counts, sums, distinct counts, medians) aggregated per
(period, breakdown key) by one query per source table (:mod:`pantau.metrics.engine`). The layer
keeps those aggregates: a :class:`Slab` holds, for one source and one way of asking (grain,
breakdown, scope, basis, stages, key activity type), the parts of *every* KPI of the catalogue
that the breakdown allows, for each period computed so far. A request takes its periods from the
slabs and computes only the periods no slab holds yet; values, targets and rows are then
assembled exactly as from a direct computation. Medians and distinct counts are not sums: they
are computed by the database at the grain asked for, never rolled up from months, so the layer
answers exactly what the direct computation answers.

Slabs belong to one data version of the store. When the version moves on, the layer works out
from the import log (``imports``, and the ``_import_id`` of the rows) which periods of which
sources the writes in between can have changed, drops those and keeps the rest
(:func:`compute_delta`). The rules, per imported record type, for an import that only *inserted*
rows (``updated`` = 0):

- the imported source: the months of its new rows (anchor month of each row with that
  ``_import_id``); for ``order_lines`` and ``opportunities`` every month from the earliest of
  them on, because a customer's first purchase (repeat customer rate) can move earlier;
- sources whose rows look the new rows up: leads named by new activities (first contact) or by
  new opportunities (qualified); opportunities naming new leads (their source); order lines
  naming new opportunities (their rep) — the months of those referring rows;
- ``collateral``, ``customers``, ``products``, ``stages``: every period of the sources that use
  them; ``reps`` (team and region of everything), an unknown record type, a settings change or
  any write not in the import log: everything.

An import that replaced rows (``updated`` > 0) makes every source it touches dirty in every
period: the replaced rows' old months are gone from the store. The check that every version step
is an import (``data_version`` rose by exactly the number of successful imports since) makes any
other write — a settings change, a direct write — drop the whole layer of that store.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from pantau.metrics.cache import LruCache, StoreId
from pantau.metrics.compiled import Runner
from pantau.metrics.periods import MONTHS_PER, period_expr
from pantau.metrics.query import Scope

#: every source of facts (see :data:`pantau.metrics.sources.FACTS`)
SOURCES = (
    "leads",
    "activities",
    "opportunities",
    "order_lines",
    "sales_costs",
    "collateral_usage",
    "collateral_available",
)

Group = tuple[Any, tuple[Any, ...]]  # (breakdown key, part values in Slab.columns order)


@dataclass(frozen=True)
class SlabKey:
    """One source asked one way: everything the source's aggregates depend on but the periods."""

    source: str
    keyed: bool
    grain: str
    by: str | None
    scope: Scope | None
    basis: str
    has_stages: bool
    key_activity_type: str


@dataclass(frozen=True)
class Slab:
    """The parts of one :class:`SlabKey`, per computed period (a period may have no groups)."""

    columns: tuple[str, ...]
    periods: frozenset[int]
    rows: Mapping[int, tuple[Group, ...]]

    @property
    def groups(self) -> int:
        return sum(len(groups) for groups in self.rows.values())

    def without(self, periods: Iterable[int]) -> Slab:
        drop = set(periods)
        return Slab(
            self.columns,
            self.periods - drop,
            {p: g for p, g in self.rows.items() if p not in drop},
        )

    def covers(self, periods: Iterable[int]) -> bool:
        return all(p in self.periods for p in periods)


def slab_from_rows(
    columns: tuple[str, ...],
    first: int,
    last: int,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> Slab:
    """A slab of periods ``first`` … ``last`` from query rows with columns ``names`` (``p``,
    ``key`` when grouped by a key, and the parts ``columns``)."""
    grouped: dict[Any, list[Group]] = defaultdict(list)
    at = {name: i for i, name in enumerate(names)}
    p_at, key_at = at["p"], at.get("key")
    picks = [at[c] for c in columns]
    start = picks[0] if picks else 0
    if picks == list(range(start, start + len(picks))):
        # the parts side by side (a query of the engine's, alone or in a union): one slice
        end = start + len(picks)
        if key_at is None:
            for rec in rows:
                grouped[rec[p_at]].append((None, tuple(rec[start:end])))
        else:
            for rec in rows:
                grouped[rec[p_at]].append((rec[key_at], tuple(rec[start:end])))
    else:
        pick = itemgetter(*picks) if len(picks) > 1 else (lambda rec: (rec[picks[0]],))
        for rec in rows:
            key = None if key_at is None else rec[key_at]
            grouped[rec[p_at]].append((key, pick(rec)))
    return Slab(
        columns,
        frozenset(range(first, last + 1)),
        {int(p): tuple(g) for p, g in grouped.items()},
    )


def merge(old: Slab | None, new: Slab) -> Slab:
    """``old`` with the periods of ``new`` replaced by ``new``'s."""
    if old is None or old.columns != new.columns:
        return new
    rows = {p: g for p, g in old.rows.items() if p not in new.periods}
    rows.update(new.rows)
    return Slab(new.columns, old.periods | new.periods, rows)


# -- what a version step changed ---------------------------------------------------------------


@dataclass(frozen=True)
class Dirt:
    """The periods of one source that must be recomputed: all, some months, or every month
    from ``since`` on."""

    whole: bool = False
    months: frozenset[int] = frozenset()
    since: int | None = None

    def __or__(self, other: Dirt) -> Dirt:
        sinces = [s for s in (self.since, other.since) if s is not None]
        return Dirt(
            self.whole or other.whole,
            self.months | other.months,
            min(sinces) if sinces else None,
        )

    def periods(self, grain: str, held: Iterable[int]) -> set[int] | None:
        """The periods of ``held`` (at ``grain``) to drop; None: all of them."""
        if self.whole:
            return None
        step = MONTHS_PER[grain]
        dirty = {m // step for m in self.months}
        start = None if self.since is None else self.since // step
        return {p for p in held if p in dirty or (start is not None and p >= start)}


WHOLE = Dirt(whole=True)


@dataclass(frozen=True)
class Delta:
    """What changed between two versions of a store; ``everything``: no telling, drop all."""

    everything: bool
    dirt: Mapping[str, Dirt] = field(default_factory=dict)

    def dirty_periods(self, key: SlabKey, held: Iterable[int]) -> set[int] | None:
        if self.everything:
            return None
        found = self.dirt.get(key.source)
        return set() if found is None else found.periods(key.grain, held)


EVERYTHING = Delta(True)


def _months(rows: Iterable[Mapping[str, Any]]) -> frozenset[int]:
    return frozenset(int(r["m"]) for r in rows if r["m"] is not None)


@dataclass(frozen=True)
class Own:
    """``source``'s own rows: the anchor months of the rows the import wrote."""

    source: str
    anchor: str
    since: bool = False  # every month from the earliest on (first purchases can move)

    def dirt(self, runner: Runner, import_id: int, replaced: bool) -> Dirt:
        if replaced:
            return WHOLE

        def build(params: Sequence[int]) -> Any:
            t = runner.con.table(self.source)
            mine = t.filter(t._import_id == runner.literal(params[0]))
            return mine.select(m=period_expr(mine[self.anchor], "month")).distinct()

        shape = ("import-months", self.source, self.anchor)
        months = _months(runner.rows(shape, build, [import_id]))
        if not self.since:
            return Dirt(months=months)
        return Dirt(since=min(months)) if months else Dirt()


@dataclass(frozen=True)
class Via:
    """Rows of ``source`` whose ``ref`` names a row the import wrote (its ``target`` column)."""

    source: str
    anchor: str
    ref: str
    imported: str
    target: str

    def dirt(self, runner: Runner, import_id: int, replaced: bool) -> Dirt:
        if replaced:
            return WHOLE

        def build(params: Sequence[int]) -> Any:
            con = runner.con
            new = con.table(self.imported)
            new = new.filter(
                new._import_id == runner.literal(params[0]), new[self.target].notnull()
            )
            t = con.table(self.source)
            hit = t.filter(t[self.ref].isin(new[self.target]))
            return hit.select(m=period_expr(hit[self.anchor], "month")).distinct()

        shape = ("import-refs", self.source, self.ref, self.imported, self.target)
        return Dirt(months=_months(runner.rows(shape, build, [import_id])))


@dataclass(frozen=True)
class Whole:
    """Every period of ``source``."""

    source: str

    def dirt(self, runner: Runner, import_id: int, replaced: bool) -> Dirt:
        return WHOLE


Rule = Own | Via | Whole

#: imported record type → the sources it can change and how (a type not listed: everything)
RULES: dict[str, tuple[Rule, ...]] = {
    "leads": (
        Own("leads", "created_at_local"),
        Via("opportunities", "closed_at_local", "lead_id", "leads", "lead_id"),
    ),
    "activities": (
        Own("activities", "occurred_at_local"),
        Via("leads", "created_at_local", "lead_id", "activities", "lead_id"),
    ),
    "opportunities": (
        Own("opportunities", "closed_at_local", since=True),
        Via("leads", "created_at_local", "lead_id", "opportunities", "lead_id"),
        Via("order_lines", "order_date_local", "opportunity_id", "opportunities", "opportunity_id"),
    ),
    "order_lines": (Own("order_lines", "order_date_local", since=True),),
    "sales_costs": (Own("sales_costs", "month_start"),),
    "collateral_usage": (Own("collateral_usage", "used_at_local"),),
    "collateral": (Whole("collateral_usage"), Whole("collateral_available")),
    "customers": (Whole("opportunities"), Whole("order_lines")),
    "products": (Whole("opportunities"), Whole("order_lines")),
    "stages": (Whole("opportunities"),),
    "stage_history": (),
    "targets": (),
}


@dataclass(frozen=True)
class Held:
    """The store version a layer's slabs belong to, and where its import log stood."""

    version: int
    last_import: int


def compute_delta(runner: Runner, old: Held, new: Held) -> Delta:
    """What changed from ``old`` to ``new`` (the store open in ``runner`` is at ``new``)."""
    if new.version < old.version or new.last_import < old.last_import:
        return EVERYTHING

    def build(params: Sequence[int]) -> Any:
        imports = runner.con.table("imports")
        later = imports.filter(imports.import_id > runner.literal(params[0]))
        return later.select("import_id", "record_type", "status", "updated").order_by("import_id")

    imports = runner.rows(("imports-since",), build, [old.last_import])
    done = [r for r in imports if r["status"] == "ok"]
    if len(done) != new.version - old.version:
        return EVERYTHING  # some write was not an import
    dirt: dict[str, Dirt] = defaultdict(Dirt)
    for imp in done:
        rules = RULES.get(str(imp["record_type"]))
        if rules is None:
            return EVERYTHING
        replaced = bool(imp["updated"])
        for rule in rules:
            dirt[rule.source] |= rule.dirt(runner, int(imp["import_id"]), replaced)
    return Delta(False, dict(dirt))


# -- the layer ----------------------------------------------------------------------------------

Compute = Callable[[SlabKey, int, int], Slab]  # slab key, first, last -> slab of those periods
#: (slab key, first, last) of several slabs -> their slabs, in that order
ComputeMany = Callable[[Sequence[tuple[SlabKey, int, int]]], list[Slab]]


class Layer:
    """Slabs per store, for the store's latest version seen, bounded by their total groups."""

    def __init__(self, max_groups: int = 400_000) -> None:
        self._slabs: LruCache[tuple[StoreId, SlabKey], Slab] = LruCache(
            max_groups, weigher=lambda slab: slab.groups + 1
        )
        self._held: dict[StoreId, Held] = {}
        self._lock = threading.Lock()
        self._advancing = threading.Lock()
        self.computed: list[tuple[SlabKey, int, int]] = []  # recent computations (tests, bench)
        self.deltas: list[Delta] = []

    def clear(self) -> None:
        with self._lock:
            self._slabs.clear()
            self._held.clear()
            self.computed.clear()
            self.deltas.clear()

    @property
    def size(self) -> tuple[int, int]:
        """(slabs, groups) held."""
        return len(self._slabs), self._slabs.weight

    def held(self, ident: StoreId) -> Held | None:
        with self._lock:
            return self._held.get(ident)

    def advance(self, ident: StoreId, new: Held, runner: Runner) -> None:
        """Move ``ident``'s slabs to version ``new`` (``runner``: the store open at ``new``),
        keeping the periods the writes in between cannot have changed."""
        with self._advancing:
            old = self.held(ident)
            if old == new:
                return
            if old is not None and new.version < old.version:
                return  # an older reader finishing late: the layer is already newer
            has_slabs = any(k[0] == ident for k in self._slabs.key_list())
            delta = EVERYTHING
            if old is not None and has_slabs:
                delta = compute_delta(runner, old, new)
            with self._lock:
                self.deltas = [*self.deltas[-31:], delta]
                for key in [k for k in self._slabs.key_list() if k[0] == ident]:
                    slab = self._slabs.pop(key)
                    dirty = None if slab is None else delta.dirty_periods(key[1], slab.periods)
                    if slab is not None and dirty is not None:
                        self._slabs.put(key, slab.without(dirty) if dirty else slab)
                self._held[ident] = new

    def _get(self, ident: StoreId, version: int, key: SlabKey) -> Slab | None:
        with self._lock:  # the version check and the read at once: no migration between
            held = self._held.get(ident)
            if held is None or held.version != version:
                return None
            return self._slabs.get((ident, key))

    def _put(self, ident: StoreId, version: int, key: SlabKey, slab: Slab) -> None:
        with self._lock:
            held = self._held.get(ident)
            if held is not None and held.version == version:
                self._slabs.put((ident, key), slab)

    def from_memory(
        self, ident: StoreId, version: int, keys: Iterable[SlabKey], periods: Sequence[int]
    ) -> dict[SlabKey, Slab] | None:
        """The slabs of ``keys`` if they hold every period of ``periods``, else None."""
        out = {}
        for key in keys:
            slab = self._get(ident, version, key)
            if slab is None or not slab.covers(periods):
                return None
            out[key] = slab
        return out

    def slabs(
        self,
        ident: StoreId,
        version: int,
        keys: Iterable[SlabKey],
        periods: Sequence[int],
        compute: Compute,
        batch: ComputeMany | None = None,
    ) -> dict[SlabKey, Slab]:
        """The slabs of ``keys`` holding ``periods``, computing the periods they miss (one query
        per source, over the span of the missing periods; all of them by one call of ``batch``
        when given, else one ``compute`` each)."""
        found: dict[SlabKey, Slab | None] = {}
        tasks: list[tuple[SlabKey, int, int]] = []
        for key in keys:
            slab = self._get(ident, version, key)
            found[key] = slab
            missing = [p for p in periods if slab is None or p not in slab.periods]
            if missing:
                tasks.append((key, min(missing), max(missing)))
        if batch is not None and tasks:
            computed = batch(tasks)
        else:
            computed = [compute(*task) for task in tasks]
        for (key, first, last), new in zip(tasks, computed, strict=True):
            slab = merge(found[key], new)
            with self._lock:
                self.computed = [*self.computed[-255:], (key, first, last)]
            self._put(ident, version, key, slab)
            found[key] = slab
        out = {}
        for key, slab in found.items():
            assert slab is not None
            out[key] = slab
        return out
