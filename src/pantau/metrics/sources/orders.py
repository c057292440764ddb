"""Facts of the sales KPIs on the order basis: order lines that count, in their ``order_date``.

A line counts unless its status is cancelled; returns (negative quantity) stay in and net out.
Net = ``net_amount`` (else quantity × unit_net_price); list and cost amounts are the line's own
(``line_list_amount`` / ``line_cost_amount``, resolved at import) else quantity × the product's
``list_price`` / ``unit_cost``. Rep = the line's rep, else the linked opportunity's rep.
"""

from __future__ import annotations

from typing import Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import (
    FactsEnv,
    Tables,
    customer_segments,
    in_range,
    norm,
    period,
    product_prices,
    rep_attrs,
)

SOURCE = "order_lines"


def counting(con: Tables) -> Any:
    """Order lines whose status is not cancelled."""
    lines = con.table("order_lines")
    return lines.filter(lines.status.isnull() | (norm(lines.status) != "cancelled"))


def _first_purchase(lines: Any) -> Any:
    bought = lines.filter(lines.quantity > 0, lines.customer_id.notnull())
    return bought.group_by(h_cust=bought.customer_id).aggregate(
        h_first=bought.order_date_local.min()
    )


def _opportunity_reps(con: Tables) -> Any:
    opps = con.table("opportunities")
    return opps.select(o_id=opps.opportunity_id, o_rep=opps.rep_id)


def facts(env: FactsEnv) -> Any:
    con = env.con
    every = counting(con)
    lines = every.filter(in_range(env, every.order_date_local))
    j = lines
    attributed = env.wants("rep_id", "team", "region")
    if attributed:  # the line's rep, else the linked opportunity's
        opp_reps = _opportunity_reps(con)
        j = j.left_join(opp_reps, lines.opportunity_id == opp_reps.o_id)
        j = j.mutate(line_rep=j.rep_id.coalesce(j.o_rep))
    if env.wants("repeat"):
        first = _first_purchase(every)  # over all history
        j = j.left_join(first, j.customer_id == first.h_cust)
    if env.wants("team", "region"):
        reps = rep_attrs(con)
        j = j.left_join(reps, j.line_rep == reps.r_rep)
    if env.wants("segment"):
        segments = customer_segments(con)
        j = j.left_join(segments, j.customer_id == segments.c_cust)
    if env.wants("list_amount", "cost"):
        prices = product_prices(con)
        j = j.left_join(prices, j.product_id == prices.pr_id)
    p = period(env, j.order_date_local)

    def quantity() -> Any:
        return j.quantity.cast("float64")

    return env.select(
        j,
        p,
        {
            "rep_id": lambda: j.line_rep,
            "team": lambda: j.r_team,
            "region": lambda: j.r_region,
            "product_id": lambda: j.product_id,
            "segment": lambda: j.c_segment,
            "customer_id": lambda: j.customer_id,
            "quantity": quantity,
            "net": lambda: j.net_amount.cast("float64").coalesce(quantity() * j.unit_net_price),
            "list_amount": lambda: j.line_list_amount.cast("float64").coalesce(
                quantity() * j.pr_list
            ),
            "cost": lambda: j.line_cost_amount.cast("float64").coalesce(quantity() * j.pr_cost),
            "repeat": lambda: (period(env, j.h_first) < p).fill_null(False),
        },
    )


def _costed(f: Any) -> Any:
    return f.cost.notnull()


def _listed(f: Any) -> Any:
    # list price > 0: the unit list price (list amount ÷ quantity) is positive, returns included
    return (f.list_amount * f.quantity > 0).fill_null(False)


def _purchase(f: Any) -> Any:
    return (f.quantity > 0).fill_null(False) & f.customer_id.notnull()


LINES = Part("ord_lines", SOURCE, lambda f: f.count())
NET = Part("ord_net", SOURCE, lambda f: f.net.sum())
MARGIN = Part("ord_margin", SOURCE, lambda f: (f.net - f.cost).sum(where=_costed(f)))
COSTED_NET = Part("ord_costed_net", SOURCE, lambda f: f.net.sum(where=_costed(f)))
COSTED_N = Part("ord_costed_n", SOURCE, lambda f: f.count(where=_costed(f)))
LISTED_NET = Part("ord_listed_net", SOURCE, lambda f: f.net.sum(where=_listed(f)))
LIST_AMOUNT = Part("ord_list_amount", SOURCE, lambda f: f.list_amount.sum(where=_listed(f)))
LISTED_N = Part("ord_listed_n", SOURCE, lambda f: f.count(where=_listed(f)))
REPEAT_BUYERS = Part(
    "ord_repeat_buyers", SOURCE, lambda f: f.customer_id.nunique(where=_purchase(f) & f.repeat)
)
BUYERS = Part("ord_buyers", SOURCE, lambda f: f.customer_id.nunique(where=_purchase(f)))
PURCHASES = Part("ord_purchases", SOURCE, lambda f: f.count(where=_purchase(f)))
