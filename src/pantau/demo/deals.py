"""Opportunities of one month and their path through the stages.

Opportunities come from converted leads and, directly, from account work with existing
customers. Each walks Prospek → Kualifikasi → Proposal → Negosiasi → Menang/Kalah, now and
then skipping a stage; stage lengths depend on the segment (government is slow, retail fast)
and on the rep. Closes avoid holidays and the Lebaran break, and some won deals are pulled into
the last days of the month (the month-end push), with a deeper discount. Whatever has not
happened by the end of the period is left open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pantau.demo import catalog as cat
from pantau.demo.calendar import (
    DAY,
    HOUR,
    NONE,
    after_lebaran,
    times_in_month,
    to_working_time,
)
from pantau.demo.leads import LeadBatch
from pantau.demo.picks import (
    LIST_PRICE,
    choose,
    choose_rows,
    employed,
    pick_buyers,
    pick_customers,
    pick_products,
    pick_reps,
    quantities,
    reps_in_region,
)
from pantau.demo.sink import choose_text, ids, optional, take, timestamps
from pantau.demo.state import DIRECT_OPPS_PER_MONTH, PLAN_AHEAD, GenState

WON, LOST = cat.OPEN_STAGES, cat.OPEN_STAGES + 1
STAGE_FACTOR = np.array([0.5, 1.0, 1.3, 1.0])
REFERRAL = cat.SOURCES.index("Referral")


@dataclass(frozen=True)
class OppBatch:
    """The month's opportunities, as needed by activities, orders and collateral use."""

    ids: pa.Array
    rep: np.ndarray
    customer: np.ndarray
    product: np.ndarray
    qty: np.ndarray
    created: np.ndarray
    closed: np.ndarray  # NONE while open
    won: np.ndarray  # won and closed within the period
    value: np.ndarray  # contract value (Rupiah), known even where the file leaves it out
    life_end: np.ndarray  # close, or a little after the period for open ones


@dataclass
class _Draft:
    rep: np.ndarray
    customer: np.ndarray
    lead: np.ndarray  # index into the month's leads, -1 for direct opportunities
    source: np.ndarray  # lead source, -1 for direct
    created: np.ndarray


def generate_opportunities(
    rng: np.random.Generator, st: GenState, m: int, leads: LeadBatch
) -> OppBatch:
    """Draw, write and return the opportunities created in month ``m``."""
    d = _drafts(rng, st, m, leads)
    n = len(d.rep)
    segment = st.company.customers.segment[d.customer]
    category = choose_rows(rng, np.array(cat.DEAL_CATEGORY_WEIGHTS, dtype=float)[segment])
    product = pick_products(rng, category)
    qty = quantities(rng, product, np.array(cat.SEGMENT_QTY)[segment])
    skill = st.company.reps.skill[d.rep]
    won = rng.random(n) < _win_probability(skill, segment, d.source)
    entries, final = _path(rng, st, d, skill, segment, won)
    closed = np.where(final < st.cal.end_ts, final, NONE)
    entries = np.where(entries < st.cal.end_ts, entries, NONE)
    month_end = _month_end(st, closed)
    list_amount = qty * LIST_PRICE[product]
    quoted, value = _prices(rng, skill, list_amount, month_end)
    batch = OppBatch(
        ids=ids("OP", st.next_ids("opportunity", n), 7),
        rep=d.rep,
        customer=d.customer,
        product=product,
        qty=qty,
        created=d.created,
        closed=closed,
        won=won & (closed != NONE),
        value=value,
        life_end=np.where(closed != NONE, closed, st.cal.end_ts + PLAN_AHEAD),
    )
    stage = _current_stage(entries, won, closed)
    _write(rng, st, batch, _lead_ids(leads, d), stage, quoted, list_amount)
    _write_history(st, batch, entries, stage, closed)
    return batch


def _drafts(rng: np.random.Generator, st: GenState, m: int, leads: LeadBatch) -> _Draft:
    from_lead = np.nonzero(leads.opp_created != NONE)[0]
    n = st.volume(rng, DIRECT_OPPS_PER_MONTH, m)
    reps = st.company.reps
    created = times_in_month(rng, st.cal, m, n)
    rep = pick_reps(rng, st, m, reps.skill**0.5, created)
    region = reps.region[rep]
    customer = pick_buyers(rng, st, region, int(st.cal.month_starts[m]))
    anyone = pick_customers(rng, st, region, created, np.zeros(n, dtype=bool))
    customer = np.where((customer < 0) | (rng.random(n) < 0.2), anyone, customer)
    keep = customer >= 0
    draft = _Draft(
        rep=np.r_[leads.rep[from_lead], rep[keep]],
        customer=np.r_[leads.customer[from_lead], customer[keep]],
        lead=np.r_[from_lead, np.full(int(keep.sum()), -1)],
        source=np.r_[leads.source[from_lead], np.full(int(keep.sum()), -1)],
        created=np.r_[leads.opp_created[from_lead], created[keep]],
    )
    _hand_over(rng, st, draft)
    order = np.argsort(draft.created, kind="stable")
    return _Draft(
        *(getattr(draft, f)[order] for f in ("rep", "customer", "lead", "source", "created"))
    )


def _hand_over(rng: np.random.Generator, st: GenState, d: _Draft) -> None:
    """A lead that becomes an opportunity after its rep left goes to a colleague."""
    absent = np.nonzero(~employed(st, d.rep, d.created))[0]
    if len(absent):
        first, last = int(d.created[absent].min()), int(d.created[absent].max())
        region = st.company.reps.region[d.rep[absent]]
        d.rep[absent] = reps_in_region(rng, st, region, first, last)


def _win_probability(skill: np.ndarray, segment: np.ndarray, source: np.ndarray) -> np.ndarray:
    boost = np.select([source == REFERRAL, source < 0], [1.3, 1.3], 1.0)
    p = 0.26 * skill**0.9 * np.array(cat.SEGMENT_WIN)[segment] * boost
    return np.clip(p, 0.04, 0.85)


def _path(
    rng: np.random.Generator,
    st: GenState,
    d: _Draft,
    skill: np.ndarray,
    segment: np.ndarray,
    won: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Entry time of each open stage (NONE: skipped) and the close time (may be after the end)."""
    n = len(skill)
    last = np.where(won, cat.OPEN_STAGES - 1, choose(rng, (32, 30, 24, 14), n))
    visited = np.arange(cat.OPEN_STAGES)[None, :] <= last[:, None]
    visited[:, 1] &= ~((rng.random(n) < 0.08) & (last > 1))  # straight to a proposal
    visited[:, 3] &= ~((rng.random(n) < 0.12) & won)  # accepted without negotiating
    median = np.array(cat.STAGE_DAYS)[segment][:, None] * STAGE_FACTOR / skill[:, None] ** 0.3
    days = np.exp(rng.normal(np.log(median), 0.7))
    days[~won, :] *= 1.3  # lost deals drag on
    seconds = (days * DAY).astype(np.int64) * visited
    ends = d.created[:, None] + np.cumsum(seconds, axis=1)
    entries = np.empty_like(ends)
    entries[:, 0] = d.created
    entries[:, 1:] = ends[:, :-1]
    moved = to_working_time(rng, st.cal, entries[:, 1:].ravel(), p_move=0.8)
    entries[:, 1:] = moved.reshape(n, cat.OPEN_STAGES - 1)
    entries = np.where(visited, entries, np.iinfo(np.int64).min)
    entries = np.maximum.accumulate(entries, axis=1)
    delayed = st.cal.after_break[st.cal.day_index(ends[:, -1])] >= 0
    final = to_working_time(rng, st.cal, after_lebaran(rng, st.cal, ends[:, -1]), p_move=0.85)
    final = np.maximum(final, entries[:, -1] + HOUR)
    final = _month_end_pull(rng, st, final, entries[:, -1], won & ~delayed)
    return np.where(visited, entries, NONE), final


def _month_end_pull(
    rng: np.random.Generator, st: GenState, final: np.ndarray, last: np.ndarray, won: np.ndarray
) -> np.ndarray:
    """Almost half the wins due in the first days of a month are pulled into the previous one."""
    month = st.cal.month_index(final)
    start = st.cal.month_starts[np.clip(month, 0, st.cal.months)]
    early = (final - start < 10 * DAY) & (month > 0) & (month <= st.cal.months)
    pull = won & early & (rng.random(len(final)) < 0.5)
    back = (final - start) + rng.integers(1, 3, size=len(final)) * DAY
    target = final - back
    ok = pull & (target > last + HOUR) & st.cal.working[st.cal.day_index(target)]
    return np.where(ok, target, final)


def _month_end(st: GenState, closed: np.ndarray) -> np.ndarray:
    """Closed in the last three days of a month."""
    month = st.cal.month_index(closed)
    nxt = st.cal.month_starts[np.clip(month + 1, 0, st.cal.months)]
    return (closed != NONE) & (nxt - closed <= 3 * DAY)


def _prices(
    rng: np.random.Generator, skill: np.ndarray, list_amount: np.ndarray, month_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(quoted, contract value): a first discount in the quote, more in the negotiation."""
    n = len(skill)
    first = np.clip(rng.normal(0.05, 0.03, n) / skill**0.5, 0.0, 0.2)
    more = np.clip(rng.normal(0.035, 0.03, n) / skill**0.7, 0.0, 0.15) + 0.03 * month_end
    quoted = np.round(list_amount * (1 - first), -3).astype(np.int64)
    value = np.round(quoted * (1 - more), -3).astype(np.int64)
    return quoted, np.maximum(value, 1000)


def _current_stage(entries: np.ndarray, won: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Stage at the end of the period: Menang/Kalah when closed, else the last one entered."""
    reached = np.where(entries != NONE, np.arange(cat.OPEN_STAGES)[None, :], -1)
    return np.select([(closed != NONE) & won, closed != NONE], [WON, LOST], reached.max(axis=1))


def _write(
    rng: np.random.Generator,
    st: GenState,
    b: OppBatch,
    lead_ids: pa.Array,
    stage: np.ndarray,
    quoted: np.ndarray,
    list_amount: np.ndarray,
) -> None:
    n = len(b.rep)
    u = rng.random((n, 5))
    won, lost = stage == WON, stage == LOST
    amount_shown = np.select([won, lost], [u[:, 0] > 0.02, u[:, 0] < 0.5], u[:, 0] < 0.7)
    amount = np.where(won, b.value, quoted)
    reasons = choose(rng, cat.LOST_REASON_WEIGHTS, n)
    st.sink.write(
        "opportunities",
        n,
        {
            "opportunity_id": b.ids,
            "rep_id": take(st.company.reps.ids, b.rep),
            "created_at": timestamps(b.created),
            "stage": choose_text([s[0] for s in cat.STAGES], stage),
            "customer_id": take(st.company.customers.ids, b.customer),
            "lead_id": lead_ids,
            "product_id": choose_text([p.product_id for p in cat.PRODUCTS], b.product),
            "quantity": optional(b.qty, u[:, 1] < 0.92),
            "amount": optional(amount, amount_shown),
            "quoted_amount": optional(quoted, u[:, 2] < 0.92),
            "list_amount": optional(list_amount, u[:, 3] < 0.85),
            "closed_at": timestamps(b.closed),
            "lost_reason": choose_text(
                cat.LOST_REASONS, np.where(lost & (u[:, 4] < 0.85), reasons, -1)
            ),
        },
    )


def _lead_ids(leads: LeadBatch, d: _Draft) -> pa.Array:
    return take(leads.ids, d.lead)


def _write_history(
    st: GenState, b: OppBatch, entries: np.ndarray, stage: np.ndarray, closed: np.ndarray
) -> None:
    rows, col = np.nonzero(entries != NONE)
    final = np.nonzero(closed != NONE)[0]
    opp = np.r_[rows, final]
    stage_idx = np.r_[col, stage[final]]
    when = np.r_[entries[rows, col], closed[final]]
    order = np.lexsort((when, opp))
    st.sink.write(
        "stage_history",
        len(opp),
        {
            "opportunity_id": b.ids.take(pa.array(opp[order])),
            "stage": choose_text([s[0] for s in cat.STAGES], stage_idx[order]),
            "entered_at": timestamps(when[order]),
        },
    )
