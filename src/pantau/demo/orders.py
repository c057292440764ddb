"""Order lines: the orders of won deals and the month's reorders by existing customers.

The file mixes what real exports look like: most lines carry unit prices, some only line totals
(``net_amount`` with a ``discount`` as ``0.125`` or ``12.5%`` and a ``cost_amount`` or
``profit``); about half the lines give a unit cost and the rest rely on the product's cost
(services have none, so their margin is unknown); a few lines are cancelled and a few goods
come back (a return: a line with a negative quantity, in a later order).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, times_in_month, to_working_time
from pantau.demo.deals import OppBatch
from pantau.demo.picks import (
    HAS_COST,
    LIST_PRICE,
    UNIT_COST,
    choose_rows,
    employed,
    normalise,
    pick_products,
    quantities,
    reps_in_region,
)
from pantau.demo.sink import choose_text, dates, ids, optional, take
from pantau.demo.state import REORDERS_PER_MONTH, GenState

SEGMENT_DISCOUNT = np.array([0.08, 0.04, 0.05, 0.03, 0.06])
PRODUCT_IDS = [p.product_id for p in cat.PRODUCTS]


@dataclass
class Lines:
    """Order lines before ids are given (one entry per line)."""

    order: np.ndarray  # order number within the chunk (lines of an order are adjacent)
    date: np.ndarray
    customer: np.ndarray
    product: np.ndarray
    rep: np.ndarray  # -1: none written
    opp: np.ndarray  # index into the month's opportunities, -1 for reorders
    qty: np.ndarray
    unit_net: np.ndarray

    def take(self, idx: np.ndarray) -> Lines:
        return Lines(*(getattr(self, f.name)[idx] for f in fields(self)))

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        return Lines(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Lines)))


def generate_orders(rng: np.random.Generator, st: GenState, m: int, opps: OppBatch) -> None:
    """Draw and write the orders of month ``m``'s won deals and the month's reorders."""
    deals = _deal_orders(rng, st, opps)
    again = _reorders(rng, st, m)
    again.order += int(deals.order.max()) + 1 if len(deals.order) else 0
    lines = Lines.concat([deals, again])
    lines = lines.take(np.lexsort((lines.order, lines.date)))
    status = _write_orders(rng, st, lines, opps)
    _write_returns(rng, st, lines.take(np.nonzero(status == 0)[0]), opps)


def _deal_orders(rng: np.random.Generator, st: GenState, b: OppBatch) -> Lines:
    sel = np.nonzero(b.won)[0]
    date = to_working_time(rng, st.cal, b.closed[sel] + rng.integers(0, 4 * DAY, size=len(sel)))
    sel, date = sel[date < st.cal.end_ts], date[date < st.cal.end_ts]
    st.owner[b.customer[sel]] = b.rep[sel]
    main = Lines(
        order=np.arange(len(sel)),
        date=date,
        customer=b.customer[sel],
        product=b.product[sel],
        rep=b.rep[sel],
        opp=sel,
        qty=b.qty[sel],
        unit_net=np.maximum(np.round(b.value[sel] / b.qty[sel], -2), 100).astype(np.int64),
    )
    extra = main.take(np.repeat(np.arange(len(sel)), rng.poisson(0.7, size=len(sel))))
    category = choose_rows(
        rng, np.tile(np.array(cat.EXTRA_CATEGORY_WEIGHTS, float), (len(extra.order), 1))
    )
    extra.product = pick_products(rng, category)
    segment = st.company.customers.segment[extra.customer]
    extra.qty = quantities(rng, extra.product, np.array(cat.SEGMENT_QTY)[segment] / 2)
    extra.unit_net = _discounted(rng, extra.product, SEGMENT_DISCOUNT[segment])
    return Lines.concat([main, extra])


def _discounted(rng: np.random.Generator, product: np.ndarray, mean: np.ndarray) -> np.ndarray:
    discount = np.clip(rng.normal(mean, 0.03), 0.0, 0.3)
    return np.round(LIST_PRICE[product] * (1 - discount), -2).astype(np.int64)


def _reorders(rng: np.random.Generator, st: GenState, m: int) -> Lines:
    start = int(st.cal.month_starts[m])
    pool = np.nonzero(st.first_buy < start)[0]
    n = st.volume(rng, REORDERS_PER_MONTH, m) if len(pool) else 0
    segment_all = st.company.customers.segment
    weights = np.array(cat.SEGMENT_REORDER)[segment_all[pool]]
    customer = rng.choice(pool, size=n, p=normalise(weights)) if n else pool[:0]
    date = times_in_month(rng, st.cal, m, n)
    rep = _account_rep(rng, st, m, customer, date)
    per_order = np.minimum(rng.geometric(0.4, size=n), 6)
    line = np.repeat(np.arange(n), per_order)
    category = choose_rows(
        rng, np.tile(np.array(cat.REORDER_CATEGORY_WEIGHTS, float), (len(line), 1))
    )
    product = pick_products(rng, category)
    segment = segment_all[customer[line]]
    return Lines(
        order=line,
        date=date[line],
        customer=customer[line],
        product=product,
        rep=rep[line],
        opp=np.full(len(line), -1),
        qty=quantities(rng, product, np.array(cat.SEGMENT_QTY)[segment] / 4),
        unit_net=_discounted(rng, product, SEGMENT_DISCOUNT[segment]),
    )


def _account_rep(
    rng: np.random.Generator, st: GenState, m: int, customer: np.ndarray, ts: np.ndarray
) -> np.ndarray:
    """The customer's account owner, or a colleague of the region if the owner is not there."""
    rep = st.owner[customer]
    gone = (rep < 0) | ~employed(st, np.maximum(rep, 0), ts)
    if gone.any():
        region = st.company.customers.region[customer[gone]]
        first, last = int(st.cal.month_starts[m]), int(st.cal.month_starts[m + 1]) - 1
        rep[gone] = reps_in_region(rng, st, region, first, last)
        st.owner[customer[gone]] = rep[gone]
    return rep


def _effective_rep(lines: Lines, opps: OppBatch) -> np.ndarray:
    if len(opps.rep) == 0:
        return lines.rep
    return np.where(lines.opp >= 0, opps.rep[np.maximum(lines.opp, 0)], lines.rep)


def _write_orders(
    rng: np.random.Generator, st: GenState, lines: Lines, opps: OppBatch
) -> np.ndarray:
    """Write the lines; return their status (0 confirmed, 1 cancelled)."""
    n = len(lines.order)
    new_order = np.r_[True, lines.order[1:] != lines.order[:-1]] if n else np.zeros(0, bool)
    order_no = np.cumsum(new_order) - 1
    first = np.nonzero(new_order)[0]
    line_no = np.arange(n) - first[order_no] + 1
    order_ids = ids("SO", st.next_ids("order", len(first)), 7).take(pa.array(order_no))
    status = (rng.random(n) < 0.02).astype(np.int64)
    rep = _effective_rep(lines, opps)
    counts = (status == 0).astype(float)
    st.add(st.tally.sales, rep, lines.date, lines.qty * lines.unit_net * counts)
    bought = (status == 0) & (lines.qty > 0)
    np.minimum.at(st.first_buy, lines.customer[bought], lines.date[bought])
    shown_rep = np.where((lines.opp >= 0) & (rng.random(n) < 0.15), -1, lines.rep)
    columns = _line_columns(rng, st, lines, status, shown_rep, opps)
    columns.update(order_id=order_ids, line_no=pa.array(line_no))
    st.sink.write("order_lines", n, columns)
    return status


def _line_columns(
    rng: np.random.Generator,
    st: GenState,
    lines: Lines,
    status: np.ndarray,
    rep: np.ndarray,
    opps: OppBatch,
) -> dict[str, pa.Array]:
    n = len(lines.order)
    u = rng.random((n, 4))
    unit_list = LIST_PRICE[lines.product]
    cost = _unit_cost(rng, lines.product)
    cost_given = np.where(HAS_COST[lines.product], u[:, 0] < 0.55, u[:, 0] < 0.3)
    totals = u[:, 1] < 0.15
    net = lines.qty * lines.unit_net
    shown_status = np.where(status == 1, 1, np.where(u[:, 2] < 0.6, 0, -1))
    cols: dict[str, pa.Array] = {
        "order_date": dates(lines.date),
        "customer_id": take(st.company.customers.ids, lines.customer),
        "product_id": choose_text(PRODUCT_IDS, lines.product),
        "rep_id": take(st.company.reps.ids, rep),
        "opportunity_id": take(opps.ids, lines.opp),
        "quantity": pa.array(lines.qty),
        "unit_net_price": optional(lines.unit_net, ~totals),
        "unit_list_price": optional(unit_list, ~totals & (u[:, 3] < 0.7)),
        "unit_cost": optional(cost, ~totals & cost_given),
        "status": choose_text(("confirmed", "cancelled"), shown_status),
        "net_amount": optional(net, totals),
        "discount": _discount_text(rng, lines.unit_net, unit_list, totals),
    }
    line_cost = lines.qty * cost
    kind = np.where(totals & cost_given, np.where(u[:, 3] < 0.65, 1, 2), 0)
    cols["cost_amount"] = optional(line_cost, kind == 1)
    cols["profit"] = optional(net - line_cost, kind == 2)
    return cols


def _unit_cost(rng: np.random.Generator, product: np.ndarray) -> np.ndarray:
    """The line's unit cost: the product's, give or take; for services a subcontractor's."""
    base = np.where(HAS_COST[product], UNIT_COST[product], LIST_PRICE[product] * 0.45)
    return np.round(base * rng.uniform(0.97, 1.03, size=len(product)), -2).astype(np.int64)


def _discount_text(
    rng: np.random.Generator, unit_net: np.ndarray, unit_list: np.ndarray, shown: np.ndarray
) -> pa.Array:
    """The line discount as a fraction (``0.125``) or a percentage (``12.5%``)."""
    frac = np.round(np.maximum(1 - unit_net / unit_list, 0.0), 4)
    as_fraction = pc.cast(pa.array(frac), pa.string())
    as_percent = pc.binary_join_element_wise(
        pc.cast(pa.array(np.round(frac * 100, 2)), pa.string()), "%", ""
    )
    percent = rng.random(len(frac)) < 0.5
    text = pc.if_else(pa.array(percent), as_percent, as_fraction)
    return pc.if_else(pa.array(shown), text, pa.nulls(len(frac), pa.string()))


def _write_returns(rng: np.random.Generator, st: GenState, lines: Lines, opps: OppBatch) -> None:
    """About one line in eighty comes partly back, one to six weeks later."""
    pick = np.nonzero((lines.qty > 0) & (rng.random(len(lines.qty)) < 0.0125))[0]
    back = lines.take(pick)
    back.date = to_working_time(rng, st.cal, back.date + rng.integers(5, 45, len(pick)) * DAY)
    back = back.take(np.nonzero(back.date < st.cal.end_ts)[0])
    n = len(back.qty)
    back.qty = -np.maximum(1, (back.qty * rng.uniform(0.05, 0.5, n)).astype(np.int64))
    rep = _effective_rep(back, opps)
    st.add(st.tally.sales, rep, back.date, back.qty * back.unit_net * 1.0)
    cost = _unit_cost(rng, back.product)
    st.sink.write(
        "order_lines",
        n,
        {
            "order_id": ids("RT", st.next_ids("return", n), 6),
            "line_no": pa.array(np.ones(n, dtype=np.int64)),
            "order_date": dates(back.date),
            "customer_id": take(st.company.customers.ids, back.customer),
            "product_id": choose_text(PRODUCT_IDS, back.product),
            "rep_id": take(st.company.reps.ids, rep),
            "opportunity_id": take(opps.ids, back.opp),
            "quantity": pa.array(back.qty),
            "unit_net_price": pa.array(back.unit_net),
            "unit_list_price": pa.array(LIST_PRICE[back.product]),
            "unit_cost": optional(cost, HAS_COST[back.product]),
            "status": choose_text(("confirmed",), np.zeros(n, dtype=np.int64)),
        },
    )
