"""What a caller asks for: :class:`KpiQuery` and the :class:`Scope` of records it may see."""

from __future__ import annotations

from dataclasses import dataclass

from pantau.errors import UsageError

#: breakdown → the key member of a result row (and the facts column it groups on)
KEY_COLUMNS: dict[str, str] = {
    "rep": "rep_id",
    "team": "team",
    "region": "region",
    "source": "source",
    "product": "product_id",
    "segment": "segment",
}
BREAKDOWNS = tuple(KEY_COLUMNS)
BASES = ("orders", "deals")


@dataclass(frozen=True)
class Scope:
    """Which records a caller may see (roles); a ``None`` field is no limit.

    ``rep_ids``: records attributed to these reps; ``teams``: records attributed to these teams
    (through the rep's team, or a cost row's own team). Both given: a record is visible when it
    matches either.
    """

    rep_ids: frozenset[str] | None = None
    teams: frozenset[str] | None = None

    @property
    def unlimited(self) -> bool:
        return self.rep_ids is None and self.teams is None


@dataclass(frozen=True)
class KpiQuery:
    """A KPI question: periods, grain, breakdown, KPIs and scope."""

    start: str | None = None  # 'YYYY-MM', first month (inclusive)
    end: str | None = None  # 'YYYY-MM', last month (inclusive)
    grain: str = "month"  # month | quarter | year
    by: str | None = None  # rep | team | region | source | product | segment
    kpis: tuple[str, ...] = ()  # empty: the whole catalogue, in spec order
    scope: Scope | None = None
    include_parts: bool = False


def check_by(by: str | None) -> str | None:
    """Normalise a breakdown name (None/'' → None) or raise :class:`UsageError`."""
    if by is None or not by.strip() or by.strip().lower() == "none":
        return None
    value = by.strip().lower()
    if value not in KEY_COLUMNS:
        raise UsageError(f"unknown breakdown '{by}'; use one of: {', '.join(BREAKDOWNS)}")
    return value
