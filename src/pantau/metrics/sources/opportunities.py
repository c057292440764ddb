"""Facts of the opportunity KPIs (and of the sales KPIs on the deal basis).

One row per opportunity that is won or lost and has a ``closed_at``, in the period of its
``closed_at``. Won/lost come from the ``stages`` kinds (stage names matched case-insensitively;
a stage missing from ``stages`` is open) or, with no stages loaded, from the fallback names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import (
    LOST_NAMES,
    WON_NAMES,
    FactsEnv,
    Tables,
    customer_segments,
    in_range,
    norm,
    period,
    product_prices,
    rep_attrs,
    seconds_between,
)

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

SOURCE = "opportunities"


def _with_kind(env: FactsEnv) -> Any:
    opps = env.con.table("opportunities")
    opps = opps.mutate(stage_key=norm(opps.stage))
    if not env.has_stages:
        kind = ibis.cases(
            (opps.stage_key.isin(WON_NAMES), "won"),
            (opps.stage_key.isin(LOST_NAMES), "lost"),
            else_="open",
        )
        return opps.mutate(kind=kind)
    stages = env.con.table("stages")
    kinds = stages.group_by(s_key=norm(stages.stage)).aggregate(s_kind=norm(stages.kind).max())
    j = opps.left_join(kinds, opps.stage_key == kinds.s_key)
    return j.mutate(kind=j.s_kind.fill_null("open")).drop("s_key", "s_kind")


def closed(env: FactsEnv) -> Any:
    """Won and lost opportunities with a ``closed_at`` (the only ones in any period)."""
    opps = _with_kind(env)
    return opps.filter(opps.kind.isin(("won", "lost")), opps.closed_at.notnull())


def _first_won(closed_opps: Any) -> Any:
    won = closed_opps.filter(closed_opps.kind == "won", closed_opps.customer_id.notnull())
    return won.group_by(h_cust=won.customer_id).aggregate(h_first=won.closed_at_local.min())


def _lead_sources(con: Tables) -> Any:
    leads = con.table("leads")
    return leads.select(l_lead=leads.lead_id, l_source=leads.source)


def facts(env: FactsEnv) -> Any:
    con = env.con
    every = closed(env)
    opps = every.filter(in_range(env, every.closed_at_local))
    j = opps
    if env.wants("repeat"):
        first = _first_won(every)  # over all history
        j = j.left_join(first, opps.customer_id == first.h_cust)
    if env.wants("team", "region"):
        reps = rep_attrs(con)
        j = j.left_join(reps, opps.rep_id == reps.r_rep)
    if env.wants("source"):
        leads = _lead_sources(con)
        j = j.left_join(leads, opps.lead_id == leads.l_lead)
    if env.wants("segment"):
        segments = customer_segments(con)
        j = j.left_join(segments, opps.customer_id == segments.c_cust)
    if env.wants("list_amount", "cost"):
        prices = product_prices(con)
        j = j.left_join(prices, opps.product_id == prices.pr_id)
    p = period(env, j.closed_at_local)

    def quantity() -> Any:
        return j.quantity.cast("float64").fill_null(1.0)

    return env.select(
        j,
        p,
        {
            "rep_id": lambda: j.rep_id,
            "team": lambda: j.r_team,
            "region": lambda: j.r_region,
            "source": lambda: j.l_source,
            "product_id": lambda: j.product_id,
            "segment": lambda: j.c_segment,
            "customer_id": lambda: j.customer_id,
            "won": lambda: j.kind == "won",
            "amount": lambda: j.amount.cast("float64"),
            "quoted": lambda: j.quoted_amount.cast("float64"),
            "list_amount": lambda: j.list_amount.cast("float64").coalesce(j.pr_list * quantity()),
            "cost": lambda: j.pr_cost * quantity(),
            "cycle_days": lambda: seconds_between(j.created_at, j.closed_at) / 86400.0,
            "repeat": lambda: (period(env, j.h_first) < p).fill_null(False),
        },
    )


def _won_with_amount(f: Any) -> Any:
    return f.won & f.amount.notnull()


def _held(f: Any) -> Any:
    return _won_with_amount(f) & (f.quoted > 0).fill_null(False)


def _costed(f: Any) -> Any:
    return _won_with_amount(f) & f.cost.notnull()


def _listed(f: Any) -> Any:
    return _won_with_amount(f) & (f.list_amount > 0).fill_null(False)


def _buyer(f: Any) -> Any:
    return f.won & f.customer_id.notnull()


CLOSED = Part("opp_closed", SOURCE, lambda f: f.count())
WON = Part("opp_won", SOURCE, lambda f: f.count(where=f.won))
WON_AMOUNT = Part("opp_won_amount", SOURCE, lambda f: f.amount.sum(where=_won_with_amount(f)))
WON_WITH_AMOUNT = Part("opp_won_with_amount", SOURCE, lambda f: f.count(where=_won_with_amount(f)))
HELD_AMOUNT = Part("opp_held_amount", SOURCE, lambda f: f.amount.sum(where=_held(f)))
HELD_QUOTED = Part("opp_held_quoted", SOURCE, lambda f: f.quoted.sum(where=_held(f)))
HELD_N = Part("opp_held_n", SOURCE, lambda f: f.count(where=_held(f)))
# Median over won opportunities only: the column is null elsewhere (no median(where=...)).
CYCLE_MEDIAN = Part(
    "opp_cycle_median", SOURCE, lambda f: ibis.ifelse(f.won, f.cycle_days, ibis.null()).median()
)
MARGIN = Part("opp_margin", SOURCE, lambda f: (f.amount - f.cost).sum(where=_costed(f)))
COSTED_AMOUNT = Part("opp_costed_amount", SOURCE, lambda f: f.amount.sum(where=_costed(f)))
COSTED_N = Part("opp_costed_n", SOURCE, lambda f: f.count(where=_costed(f)))
LISTED_AMOUNT = Part("opp_listed_amount", SOURCE, lambda f: f.amount.sum(where=_listed(f)))
LIST_AMOUNT = Part("opp_list_amount", SOURCE, lambda f: f.list_amount.sum(where=_listed(f)))
LISTED_N = Part("opp_listed_n", SOURCE, lambda f: f.count(where=_listed(f)))
REPEAT_BUYERS = Part(
    "opp_repeat_buyers", SOURCE, lambda f: f.customer_id.nunique(where=_buyer(f) & f.repeat)
)
BUYERS = Part("opp_buyers", SOURCE, lambda f: f.customer_id.nunique(where=_buyer(f)))
PURCHASES = Part("opp_purchases", SOURCE, lambda f: f.count(where=_buyer(f)))
