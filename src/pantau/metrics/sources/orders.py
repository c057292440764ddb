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


def _attributed(con: Tables) -> Any:
    lines, opp_reps = counting(con), _opportunity_reps(con)
    j = lines.left_join(opp_reps, lines.opportunity_id == opp_reps.o_id)
    return j.mutate(line_rep=j.rep_id.coalesce(j.o_rep))


def facts(env: FactsEnv) -> Any:
    con = env.con
    lines = _attributed(con)
    first, reps = _first_purchase(counting(con)), rep_attrs(con)
    segments, prices = customer_segments(con), product_prices(con)
    j = (
        lines.left_join(first, lines.customer_id == first.h_cust)
        .left_join(reps, lines.line_rep == reps.r_rep)
        .left_join(segments, lines.customer_id == segments.c_cust)
        .left_join(prices, lines.product_id == prices.pr_id)
    )
    p = period(env, j.order_date_local)
    quantity = j.quantity.cast("float64")
    return j.select(
        p=p,
        rep_id=j.line_rep,
        team=j.r_team,
        region=j.r_region,
        product_id=j.product_id,
        segment=j.c_segment,
        customer_id=j.customer_id,
        quantity=quantity,
        net=j.net_amount.cast("float64").coalesce(quantity * j.unit_net_price),
        list_amount=j.line_list_amount.cast("float64").coalesce(quantity * j.pr_list),
        cost=j.line_cost_amount.cast("float64").coalesce(quantity * j.pr_cost),
        repeat=(period(env, j.h_first) < p).fill_null(False),
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
