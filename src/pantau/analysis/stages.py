"""Pipeline stages: their order and kind, from the loaded ``stages`` or derived from the data.

Stage names match case-insensitively (and ignoring surrounding blanks): a stage is identified by
its *key*, the trimmed lower-case name. With ``stages`` loaded, their ``position`` gives the
order and their ``kind`` says open/won/lost; a name missing from them is open (and a warning).
Without ``stages`` the names of data-model.md decide the kind and the order of the open stages is
derived from ``stage_history`` (see :func:`derived_stages`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from pantau.analysis.common import fetch, is_in, norm

WON_NAMES = ("won", "closed won", "menang")
LOST_NAMES = ("lost", "closed lost", "kalah")


@dataclass(frozen=True)
class Stage:
    """One pipeline stage."""

    key: str  # trimmed, lower-case name
    name: str  # as shown
    kind: str  # open / won / lost
    position: int


@dataclass(frozen=True)
class StageSet:
    """The stages in order, and whether they come from ``stages`` (``loaded``) or the data."""

    stages: tuple[Stage, ...]
    loaded: bool

    @property
    def forward(self) -> tuple[Stage, ...]:
        """The open and won stages, in order: the steps of the funnel."""
        return tuple(s for s in self.stages if s.kind != "lost")

    @property
    def lost(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.kind == "lost")

    def keys(self, kind: str) -> list[str]:
        if self.loaded:
            return [s.key for s in self.stages if s.kind == kind]
        return list(WON_NAMES if kind == "won" else LOST_NAMES if kind == "lost" else ())

    def kind_of(self, stage: ir.StringValue) -> ir.StringValue:
        """``won``/``lost``/``open`` for a stage-name expression (unknown names are open)."""
        key = norm(stage)
        return ibis.cases(
            (is_in(key, self.keys("won")), "won"),
            (is_in(key, self.keys("lost")), "lost"),
            else_="open",
        )

    def known(self, stage: ir.StringValue) -> ir.BooleanValue:
        """Whether a stage name is one of the loaded stages (always true without ``stages``)."""
        if not self.loaded:
            return ibis.literal(True)
        return is_in(norm(stage), [s.key for s in self.stages])


def kind_of_name(key: str) -> str:
    """The kind of a stage name when no ``stages`` are loaded (data-model.md)."""
    return "won" if key in WON_NAMES else "lost" if key in LOST_NAMES else "open"


def loaded_stages(backend: Any) -> tuple[Stage, ...]:
    """The rows of ``stages`` in position order (first row wins when names differ only in case)."""
    table = backend.table("stages")
    rows = fetch(
        table.select(
            key=norm(table.stage),
            name=table.stage.strip(),
            kind=norm(table.kind),
            pos=table.position,
        ).order_by(["pos", "key"])
    )
    seen: dict[str, Stage] = {}
    for row in rows:
        if row["key"] and row["key"] not in seen:
            kind = row["kind"] if row["kind"] in ("open", "won", "lost") else "open"
            seen[row["key"]] = Stage(row["key"], row["name"], kind, int(row["pos"] or 0))
    return tuple(seen.values())


def stage_set(backend: Any) -> StageSet:
    """The loaded stages, or (when none are loaded) the stages derived from the data."""
    stages = loaded_stages(backend)
    if stages:
        return StageSet(stages, loaded=True)
    return StageSet(derived_stages(backend), loaded=False)


def _stage_stats(backend: Any) -> list[dict[str, Any]]:
    """Per stage key: a display name and how many opportunities were ever in it."""
    hist = backend.table("stage_history")
    opps = backend.table("opportunities")
    events = hist.select(opp=hist.opportunity_id, key=norm(hist.stage), name=hist.stage.strip())
    events = events.union(
        opps.select(opp=opps.opportunity_id, key=norm(opps.stage), name=opps.stage.strip())
    )
    events = events.filter(events.key.notnull() & (events.key != ""))
    return fetch(events.group_by("key").aggregate(name=events.name.min(), n=events.opp.nunique()))


def _lead_shares(backend: Any) -> dict[str, float]:
    """Per stage key: in how many of the pairwise comparisons within one opportunity's history
    the stage was entered first (ties count half). Early stages score near 1, late ones near 0.
    """
    hist = backend.table("stage_history")
    firsts = hist.group_by(opp=hist.opportunity_id, key=norm(hist.stage)).aggregate(
        first=hist.entered_at.min()
    )
    other = firsts.view().select(o_opp="opp", o_key="key", o_first="first")
    pairs = firsts.join(other, (firsts.opp == other.o_opp) & (firsts.key != other.o_key))
    score = ibis.cases(
        (pairs.first < pairs.o_first, 1.0),
        (pairs.first == pairs.o_first, 0.5),
        else_=0.0,
    )
    shares = pairs.group_by("key").aggregate(share=score.mean())
    return {row["key"]: float(row["share"]) for row in fetch(shares)}


def derived_stages(backend: Any) -> tuple[Stage, ...]:
    """Stage order derived from the data when no ``stages`` are loaded.

    Kinds come from the won/lost names of data-model.md. Open stages are ordered by how often
    they were entered before the other stages of the same opportunity's history (pairwise
    precedence); open stages that never share a history with another stage follow, most
    frequent first. Won stages come after all open ones, lost stages last (most frequent first).
    """
    stats = _stage_stats(backend)
    shares = _lead_shares(backend)
    ordered = sorted(stats, key=lambda r: _order_key(r, shares))
    return _numbered(ordered)


def _order_key(row: dict[str, Any], shares: dict[str, float]) -> tuple[int, int, float, int, str]:
    kind_rank = {"open": 0, "won": 1, "lost": 2}[kind_of_name(row["key"])]
    share = shares.get(row["key"])
    return (kind_rank, int(share is None), -(share or 0.0), -int(row["n"]), row["key"])


def _numbered(rows: Iterable[dict[str, Any]]) -> tuple[Stage, ...]:
    return tuple(
        Stage(row["key"], row["name"], kind_of_name(row["key"]), position)
        for position, row in enumerate(rows, start=1)
    )


def stage_kinds(backend: Any) -> StageSet:
    """The loaded stages (or the won/lost names when none are), without deriving an order."""
    stages = loaded_stages(backend)
    return StageSet(stages, loaded=bool(stages))
