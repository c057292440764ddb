"""Targets: which ``targets`` row applies to a result row, and how it is judged.

A row without breakdown takes the company target (or, under a scope limited to exactly one rep or
one team, that rep's or team's); ``by=rep`` the rep's; ``by=team`` the team's; other breakdowns
have none. A quarter or year without its own target takes the sum of its months' targets (a year:
of its quarters, each its own target or its months' sum) for additive KPIs, and only when every
one of those is given: a partial sum would judge a whole quarter against part of its target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pantau.metrics.kpidef import KpiDef
from pantau.metrics.periods import months_of, parse_label
from pantau.metrics.query import Scope

TargetKey = tuple[str, str, str | None, str, int]  # kpi, scope, scope_id, grain, ordinal


def _scope_key(scope: Any, scope_id: Any) -> tuple[str, str | None]:
    kind = str(scope).strip().lower() if scope else "company"
    if kind == "company":
        return kind, None
    return kind, str(scope_id).strip() if scope_id is not None else None


@dataclass(frozen=True)
class TargetBook:
    """Every target of the store, looked up by KPI, scope and period."""

    values: Mapping[TargetKey, float]
    #: (scope, scope_id) → ids of the KPIs with any target there (rows skip the others)
    _by_scope: Mapping[tuple[str, str | None], frozenset[str]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_scope: dict[tuple[str, str | None], set[str]] = {}
        for kpi, scope, scope_id, *_period in self.values:
            by_scope.setdefault((scope, scope_id), set()).add(kpi)
        object.__setattr__(self, "_by_scope", {k: frozenset(v) for k, v in by_scope.items()})

    def kpis_of(self, scope: tuple[str, str | None]) -> frozenset[str]:
        """Ids of the KPIs that have a target, at any grain, for ``scope``."""
        return self._by_scope.get(scope, frozenset())

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> TargetBook:
        """From rows with the columns of ``targets`` (dicts)."""
        names = ("kpi", "period", "target", "scope", "scope_id")
        return cls.from_table(names, (tuple(r.get(n) for n in names) for r in rows))

    @classmethod
    def from_table(cls, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> TargetBook:
        """From the rows (tuples) of a query with columns ``names`` (those of ``targets``)."""
        at = {name: i for i, name in enumerate(names)}
        i_kpi, i_period, i_target = at["kpi"], at["period"], at["target"]
        i_scope, i_scope_id = at["scope"], at["scope_id"]
        values: dict[TargetKey, float] = {}
        # few distinct labels, KPIs and scopes behind many rows: each is normalised once
        periods: dict[Any, tuple[str, int] | None] = {}
        kpis: dict[Any, str] = {}
        scopes: dict[tuple[Any, Any], tuple[str, str | None]] = {}
        for row in rows:
            label, kpi, target = row[i_period], row[i_kpi], row[i_target]
            if label in periods:
                period = periods[label]
            else:
                period = periods[label] = parse_label(str(label or ""))
            if period is None or target is None or not kpi:
                continue
            name = kpis.get(kpi)
            if name is None:
                name = kpis[kpi] = str(kpi).strip().lower()
            given = (row[i_scope], row[i_scope_id])
            scope = scopes.get(given)
            if scope is None:
                scope = scopes[given] = _scope_key(*given)
            values[(name, *scope, *period)] = float(target)
        return cls(values)

    def target(
        self, kpi: KpiDef, scope: tuple[str, str | None], grain: str, period: int
    ) -> float | None:
        """The target of ``kpi`` for ``scope`` in ``period`` at ``grain``; None: no target."""
        given = self.values.get((kpi.id, *scope, grain, period))
        if given is not None or grain == "month" or not kpi.additive:
            return given
        if grain == "quarter":
            parts = [
                self.values.get((kpi.id, *scope, "month", m)) for m in months_of(period, grain)
            ]
        else:
            parts = [
                self.target(kpi, scope, "quarter", q) for q in range(period * 4, period * 4 + 4)
            ]
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)


def row_scope(
    by: str | None, key: str | None, scope: Scope | None
) -> tuple[str, str | None] | None:
    """The target scope of a result row; None when no target applies."""
    if by == "rep":
        return ("rep", key) if key is not None else None
    if by == "team":
        return ("team", key) if key is not None else None
    if by is not None:
        return None
    if scope is None or scope.unlimited:
        return ("company", None)
    if scope.teams is None and scope.rep_ids is not None and len(scope.rep_ids) == 1:
        return ("rep", next(iter(scope.rep_ids)))
    if scope.rep_ids is None and scope.teams is not None and len(scope.teams) == 1:
        return ("team", next(iter(scope.teams)))
    return None


def judge(kpi: KpiDef, actual: float | int | None, target: float) -> dict[str, Any]:
    """``{"target", "attainment", "met"}`` for an actual value against its target."""
    attainment = None
    if actual is None:
        met = None
    elif kpi.direction == "higher":
        met = actual >= target
    else:
        met = actual <= target
    if kpi.has_attainment and actual is not None and target != 0:
        attainment = actual / target
    return {"target": target, "attainment": attainment, "met": met}
