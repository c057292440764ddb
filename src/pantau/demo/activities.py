"""Activities of one month's leads and opportunities, plus the month's account care.

Three kinds: the first contact of a lead (a call or a WhatsApp with the lead's id), the work on
each opportunity (calls and messages early, meetings, visits and demos later) and visits and
calls to existing customers. Activities follow the calendar: few on Sundays, holidays and in
the Lebaran break. What lies after the end of the period is *planned*, and a few past
activities were planned but never marked done.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, time_of_day, times_in_month, to_working_time
from pantau.demo.deals import OppBatch
from pantau.demo.leads import LeadBatch
from pantau.demo.picks import choose_rows, pick_buyers, pick_customers, pick_reps
from pantau.demo.sink import choose_text, ids, take, timestamps
from pantau.demo.state import ACCOUNT_ACTIVITIES_PER_MONTH, PLAN_AHEAD, GenState

MEETING = cat.ACTIVITY_TYPES.index("meeting")
VISIT = cat.ACTIVITY_TYPES.index("visit")


class _Rows:
    """Columns of activity rows, gathered from several sources before writing."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **cols: np.ndarray) -> None:
        self.parts.append(cols)

    def column(self, name: str) -> np.ndarray:
        return np.concatenate([p[name] for p in self.parts])


def generate_activities(
    rng: np.random.Generator, st: GenState, m: int, leads: LeadBatch, opps: OppBatch
) -> None:
    """Draw and write the activities caused by month ``m``'s leads, opportunities and accounts."""
    rows = _Rows()
    _first_contacts(rng, rows, leads)
    _opportunity_work(rng, st, rows, opps)
    _account_care(rng, st, m, rows)
    _write(rng, st, rows, leads.ids, opps.ids)


def _first_contacts(rng: np.random.Generator, rows: _Rows, leads: LeadBatch) -> None:
    sel = np.nonzero(leads.contact_logged)[0]
    weights = np.array(cat.CONTACT_TYPE_WEIGHTS, dtype=float)[leads.source[sel]]
    rows.add(
        rep=leads.rep[sel],
        type=choose_rows(rng, weights),
        ts=leads.contact[sel],
        lead=sel,
        opp=np.full(len(sel), -1),
        customer=leads.customer[sel],
    )


def _opportunity_work(rng: np.random.Generator, st: GenState, rows: _Rows, b: OppBatch) -> None:
    life = np.maximum(b.life_end - b.created, 3600)
    lam = np.minimum(2.2 + 0.4 * np.sqrt(life / DAY), 14.0)
    opp = np.repeat(np.arange(len(b.rep)), rng.poisson(lam))
    frac = rng.random(len(opp))
    ts = b.created[opp] + (frac * life[opp]).astype(np.int64)
    day = st.cal.day_index(ts)
    keep = rng.random(len(ts)) * 1.25 < st.cal.weight[day]
    opp, frac, day = opp[keep], frac[keep], day[keep]
    ts = (day + st.cal.day0) * DAY + time_of_day(rng, len(day))
    early = np.array(cat.EARLY_TYPE_WEIGHTS, dtype=float)
    late = np.array(cat.LATE_TYPE_WEIGHTS, dtype=float)
    weights = (1 - frac)[:, None] * early + frac[:, None] * late
    rows.add(
        rep=b.rep[opp],
        type=choose_rows(rng, weights),
        ts=np.maximum(ts, b.created[opp]),
        lead=np.full(len(opp), -1),
        opp=opp,
        customer=b.customer[opp],
    )


def _account_care(rng: np.random.Generator, st: GenState, m: int, rows: _Rows) -> None:
    n = st.volume(rng, ACCOUNT_ACTIVITIES_PER_MONTH, m)
    ts = times_in_month(rng, st.cal, m, n)
    if m == st.cal.months - 1:  # visits already scheduled for the first weeks after the end
        k = n // 6
        ahead = st.cal.end_ts + rng.integers(0, 14 * DAY, size=k)
        ts = np.r_[ts, to_working_time(rng, st.cal, ahead)]
        n += k
    reps = st.company.reps
    rep = pick_reps(rng, st, m, reps.skill**0.4, ts)
    region = reps.region[rep]
    customer = pick_buyers(rng, st, region, int(st.cal.month_starts[m]))
    anyone = pick_customers(rng, st, region, ts, np.zeros(n, dtype=bool))
    customer = np.where((customer < 0) | (rng.random(n) < 0.3), anyone, customer)
    weights = np.tile(np.array(cat.ACCOUNT_TYPE_WEIGHTS, dtype=float), (n, 1))
    rows.add(
        rep=rep,
        type=choose_rows(rng, weights),
        ts=ts,
        lead=np.full(n, -1),
        opp=np.full(n, -1),
        customer=customer,
    )


def _write(
    rng: np.random.Generator, st: GenState, rows: _Rows, lead_ids: pa.Array, opp_ids: pa.Array
) -> None:
    ts, rep = rows.column("ts"), rows.column("rep")
    reps = st.company.reps
    keep = (ts < st.cal.end_ts + PLAN_AHEAD) & (rep >= 0)
    keep &= ts < np.where(rep >= 0, reps.active_to[np.maximum(rep, 0)], 0) + DAY
    order = np.nonzero(keep)[0][np.argsort(ts[keep], kind="stable")]
    ts, rep, kind = ts[order], rep[order], rows.column("type")[order]
    planned = (ts >= st.cal.end_ts) | (rng.random(len(ts)) < 0.02)
    done = ~planned
    st.add(st.tally.activities, rep, ts, done.astype(float))
    st.add(st.tally.meetings, rep, ts, (done & (kind == MEETING)).astype(float))
    st.add(st.tally.visits, rep, ts, (done & (kind == VISIT)).astype(float))
    n = len(ts)
    status = np.where(planned, 1, np.where(rng.random(n) < 0.3, -1, 0))  # blank means done
    st.sink.write(
        "activities",
        n,
        {
            "activity_id": ids("ACT", st.next_ids("activity", n), 8),
            "rep_id": take(reps.ids, rep),
            "type": choose_text(cat.ACTIVITY_TYPES, kind),
            "occurred_at": timestamps(ts),
            "status": choose_text(("done", "planned"), status),
            "lead_id": take(lead_ids, rows.column("lead")[order]),
            "opportunity_id": take(opp_ids, rows.column("opp")[order]),
            "customer_id": take(st.company.customers.ids, rows.column("customer")[order]),
        },
    )
