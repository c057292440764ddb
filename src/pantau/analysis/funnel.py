"""The stage funnel: how far the opportunities created in a period got.

Every opportunity created in the period (month of ``created_at_local``) is placed at the
*furthest* forward stage it ever reached — over its ``stage_history`` rows plus its current
stage — and counts as having reached that stage and every forward stage before it (a skipped
stage counts as reached; each stage once per opportunity). Forward stages are the open and won
stages in order; lost stages are not steps of the funnel: a lost opportunity stays in the counts of
the forward stages it reached, is counted as *lost here* at its furthest forward stage, and the lost
stages are listed apart with how many opportunities reached each. An opportunity whose stages are
all lost or unknown sits at the first forward stage: every opportunity starts the funnel.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from pantau.analysis.common import (
    REGION,
    TEAM,
    CachedTables,
    attributed,
    current_month,
    fetch,
    is_in,
    is_restricted,
    month_index,
    month_label,
    norm,
    ratio,
    resolve_lang,
    resolve_window,
    scalar,
    scoped,
)
from pantau.analysis.stages import Stage, StageSet, stage_set
from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.store import Store

if TYPE_CHECKING:
    from pantau.metrics import Scope

BY_CHOICES = ("rep", "team", "region", "source", "product", "segment")


def check_by(by: str | None) -> str | None:
    """Normalise a ``--by`` value; :class:`UsageError` for a breakdown the funnel lacks."""
    if by is None or not by.strip():
        return None
    key = by.strip().lower()
    if key not in BY_CHOICES:
        raise UsageError(
            f"cannot break the funnel down by '{by}'; use one of: {', '.join(BY_CHOICES)}"
        )
    return key


def compute_funnel(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    by: str | None = None,
    scope: Scope | None = None,
    lang: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The funnel of the opportunities created from ``start`` to ``end`` (``YYYY-MM``, inclusive).

    Without a period: the last 12 complete months with opportunities. ``by`` gives one funnel
    per rep/team/region/source/product/segment; ``lang`` (default: the store's language) only
    affects labels and notes. Returns a JSON-able dict.
    """
    settings = store.settings()
    lang = resolve_lang(lang, settings)
    by = check_by(by)
    with store.ibis() as raw:
        backend = CachedTables(raw)
        stages = stage_set(backend)
        opps = _opportunities(backend, scope, by, stages)
        first, last = resolve_window(
            start,
            end,
            last_data=scalar(opps.month.max()),
            current=current_month(settings["timezone"], today),
        )
        opps = opps.filter(opps.month.between(first, last))
        depths, lost_reached = _aggregates(backend, opps, stages)
    groups = _groups(depths, lost_reached, stages, by, lang)
    return {
        "view": "funnel",
        "title": _("Stage funnel", lang),
        "lang": lang,
        "start": month_label(first),
        "end": month_label(last),
        "by": by,
        "stage_source": "stages" if stages.loaded else "derived",
        "stages": [_stage_info(s) for s in stages.forward],
        "lost_stages": [_stage_info(s) for s in stages.lost],
        "groups": groups,
        "notes": _notes(stages, lang),
    }


# -- Ibis part --------------------------------------------------------------------------------
def _opportunities(backend: Any, scope: Scope | None, by: str | None, stages: StageSet) -> ir.Table:
    """Visible opportunities: id, group key, whether lost now, month created, current stage."""
    if is_restricted(scope) or by in ("team", "region"):
        opps = scoped(attributed(backend, "opportunities"), scope)
    else:
        opps = backend.table("opportunities")
    opps = _with_group(backend, opps, by)
    return opps.select(
        opp=opps.opportunity_id,
        grp=opps.grp.cast("string"),
        lost=stages.kind_of(opps.stage) == "lost",
        month=month_index(opps.created_at_local),
        key=norm(opps.stage),
    )


def _with_group(backend: Any, opps: ir.Table, by: str | None) -> ir.Table:
    """Add ``grp``: the opportunity's group for ``by`` (attribution of kpis.md)."""
    if by is None:
        return opps.mutate(grp=ibis.null("string"))
    if by in ("rep", "product"):
        return opps.mutate(grp=opps[f"{by}_id"])
    if by in ("team", "region"):
        return opps.mutate(grp=opps[TEAM if by == "team" else REGION])
    if by == "source":
        leads = backend.table("leads")
        lookup = leads.select(lj_id=leads.lead_id, grp=leads.source)
        return opps.left_join(lookup, opps.lead_id == lookup.lj_id).drop("lj_id")
    customers = backend.table("customers")
    lookup = customers.select(cj_id=customers.customer_id, grp=customers.segment)
    return opps.left_join(lookup, opps.customer_id == lookup.cj_id).drop("cj_id")


def _events(backend: Any, opps: ir.Table) -> ir.Table:
    """Every (opportunity, stage key) reached: its history rows plus its current stage."""
    hist = backend.table("stage_history")
    link = opps.select(h_opp="opp", h_grp="grp", h_lost="lost")
    joined = hist.join(link, hist.opportunity_id == link.h_opp)
    from_history = joined.select(
        opp=joined.h_opp, grp=joined.h_grp, lost=joined.h_lost, key=norm(joined.stage)
    )
    return from_history.union(opps.select("opp", "grp", "lost", "key"))


def _forward_rank(key: ir.StringValue, stages: StageSet) -> ir.IntegerValue:
    """1-based forward position of a stage key; null for lost stages; 1 for unknown names."""
    branches: list[tuple[ir.BooleanValue, ir.Value]] = [
        (key == s.key, ibis.literal(i, "int64")) for i, s in enumerate(stages.forward, start=1)
    ]
    branches.append((is_in(key, [s.key for s in stages.lost]), ibis.null("int64")))
    return ibis.cases(*branches, else_=ibis.literal(1, "int64"))


def _aggregates(
    backend: Any, opps: ir.Table, stages: StageSet
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(opportunities per group × furthest forward stage × lost now, reach of each lost stage)."""
    events = _events(backend, opps)
    events = events.mutate(rank=_forward_rank(events.key, stages))
    per_opp = events.group_by(["opp", "grp", "lost"]).aggregate(depth=events["rank"].max())
    per_opp = per_opp.mutate(depth=per_opp.depth.fill_null(1))
    depths = per_opp.group_by(["grp", "depth", "lost"]).aggregate(n=per_opp.count())
    lost_events = events.filter(is_in(events.key, [s.key for s in stages.lost]))
    lost_reached = lost_events.group_by(["grp", "key"]).aggregate(n=lost_events.opp.nunique())
    return fetch(depths), fetch(lost_reached)


# -- assembling the result --------------------------------------------------------------------
def _stage_info(stage: Stage) -> dict[str, Any]:
    return {"stage": stage.name, "kind": stage.kind, "position": stage.position}


def _groups(
    depths: list[dict[str, Any]],
    lost_reached: list[dict[str, Any]],
    stages: StageSet,
    by: str | None,
    lang: str,
) -> list[dict[str, Any]]:
    by_group: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for row in depths:
        by_group[row["grp"]].append(row)
    if by is None:
        by_group.setdefault(None, [])
    lost_by_group: dict[str | None, dict[str, int]] = defaultdict(dict)
    for row in lost_reached:
        lost_by_group[row["grp"]][row["key"]] = int(row["n"])
    groups = [
        _group(key, rows, lost_by_group[key], stages, _label(key, by, lang))
        for key, rows in by_group.items()
    ]
    groups.sort(key=lambda g: (-g["opportunities"], g["key"] is None, g["key"] or ""))
    return groups


def _label(key: str | None, by: str | None, lang: str) -> str:
    if by is None:
        return _("All opportunities", lang)
    return key if key is not None else _("(none)", lang)


def _group(
    key: str | None,
    rows: list[dict[str, Any]],
    lost_reached: dict[str, int],
    stages: StageSet,
    label: str,
) -> dict[str, Any]:
    """One group's funnel from its (furthest stage, lost now) → count rows."""
    total = sum(int(r["n"]) for r in rows)
    lost = [
        {"stage": s.name, "reached": n, "rate": ratio(n, total)}
        for s, n in ((s, lost_reached.get(s.key, 0)) for s in stages.lost)
    ]
    steps = _steps(rows, stages, total)
    return {"key": key, "label": label, "opportunities": total, "stages": steps, "lost": lost}


def _steps(rows: list[dict[str, Any]], stages: StageSet, total: int) -> list[dict[str, Any]]:
    """Per forward stage: reached (furthest stage at or after it), rates, lost there.

    Every opportunity reaches the first stage, so ``total`` is the first stage's count.
    """
    steps: list[dict[str, Any]] = []
    previous: int | None = None
    for i, stage in enumerate(stages.forward, start=1):
        reached = sum(int(r["n"]) for r in rows if r["depth"] >= i)
        step = {
            "stage": stage.name,
            "kind": stage.kind,
            "reached": reached,
            "step_rate": None if previous is None else ratio(reached, previous),
            "cumulative_rate": ratio(reached, total),
            "lost_here": sum(int(r["n"]) for r in rows if r["depth"] == i and r["lost"]),
        }
        steps.append(step)
        previous = reached
    return steps


def _notes(stages: StageSet, lang: str) -> list[str]:
    notes = [
        _(
            "A stage skipped on the way to a later one counts as reached; lost opportunities "
            "stay in the stages they reached and are counted as lost at their furthest stage.",
            lang,
        )
    ]
    if not stages.loaded:
        notes.append(
            _(
                "No stages are loaded: the stage order is derived from the stage history, and "
                "won/lost are recognised by name.",
                lang,
            )
        )
    return notes
