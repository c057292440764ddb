"""Leads of one month: sources, assignment, first contact (speed to lead) and qualification.

Speed to lead is the part people look at first, so it is modelled with care: most leads are
answered within minutes by good reps, evening and weekend leads wait for the next working
morning (and for the end of the Lebaran break), some leads are never contacted, and a few
contacts are recorded slightly *before* the lead was created (the rep called first and typed
the lead in afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, NONE, times_in_month, to_working_time
from pantau.demo.picks import choose, pick_customers, pick_reps
from pantau.demo.sink import choose_text, ids, take, timestamps
from pantau.demo.state import LEADS_PER_MONTH, GenState

MINUTE = 60
STATUSES = ("open", "qualified", "disqualified", "converted")


@dataclass(frozen=True)
class LeadBatch:
    """The month's leads, as needed by opportunities and first-contact activities."""

    ids: pa.Array
    rep: np.ndarray  # -1: not assigned
    customer: np.ndarray  # -1: no account
    source: np.ndarray
    created: np.ndarray
    contact: np.ndarray  # first contact, NONE if never (or not yet)
    contact_logged: np.ndarray  # the first contact is also an activity with the lead's id
    opp_created: np.ndarray  # NONE: the lead did not (yet) become an opportunity


def generate_leads(rng: np.random.Generator, st: GenState, m: int) -> LeadBatch:
    """Draw, write and return the leads created in month ``m``."""
    n = st.volume(rng, LEADS_PER_MONTH, m)
    created = times_in_month(rng, st.cal, m, n, "lead")
    source = _sources(rng, st, m, n)
    rep = pick_reps(rng, st, m, np.ones(len(st.company.reps)), created)
    rep[rng.random(n) < 0.03] = -1
    contact = _first_contact(rng, st, rep, created)
    qualified, opp_created = _qualify(rng, st, source, rep, created, contact)
    customer = _customers(rng, st, rep, source, created, opp_created)
    opp_created[customer < 0] = NONE  # no account in the region yet: nothing to sell to
    batch = LeadBatch(
        ids=ids("LD", st.next_ids("lead", n), 7),
        rep=rep,
        customer=customer,
        source=source,
        created=created,
        contact=contact,
        contact_logged=(contact != NONE) & (rng.random(n) < 0.75),
        opp_created=opp_created,
    )
    _write(rng, st, batch, qualified)
    st.add(st.tally.leads, rep, created, np.ones(n))
    return batch


def _sources(rng: np.random.Generator, st: GenState, m: int, n: int) -> np.ndarray:
    weights = np.array(cat.SOURCE_WEIGHTS, dtype=float)
    month = int(st.cal.month_label(m)[5:])
    if month in cat.EXPO_MONTHS:
        pameran = cat.SOURCES.index("Pameran")
        weights[pameran] = weights.sum() * cat.EXPO_SHARE / (1 - cat.EXPO_SHARE)
    return choose(rng, list(weights), n)


def _first_contact(
    rng: np.random.Generator, st: GenState, rep: np.ndarray, created: np.ndarray
) -> np.ndarray:
    n = len(rep)
    skill = np.where(rep >= 0, st.company.reps.skill[np.maximum(rep, 0)], 1.0)
    median_min = 22.0 / skill**1.8
    delay = np.exp(rng.normal(np.log(median_min), 1.3)) * MINUTE
    contact = to_working_time(rng, st.cal, created + delay.astype(np.int64), p_move=0.75)
    before = rng.random(n) < 0.02
    contact[before] = created[before] - rng.integers(1, 25, size=int(before.sum())) * MINUTE
    p_never = np.clip(0.07 + 0.12 * (1.0 - skill), 0.02, 0.2)
    never = (rep < 0) | (rng.random(n) < p_never)
    contact[never | (contact >= st.cal.end_ts)] = NONE
    return contact


def _qualify(
    rng: np.random.Generator,
    st: GenState,
    source: np.ndarray,
    rep: np.ndarray,
    created: np.ndarray,
    contact: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """When each lead qualified and became an opportunity (``NONE``: not / not yet)."""
    n = len(rep)
    skill = np.where(rep >= 0, st.company.reps.skill[np.maximum(rep, 0)], 1.0)
    delay = contact - created
    speed = np.select([delay <= 3600, delay <= DAY], [1.25, 1.0], 0.7)
    p = np.array(cat.SOURCE_QUALIFY)[source] * skill**0.5 * speed
    qualifies = (contact != NONE) & (rng.random(n) < p)
    wait = np.exp(rng.normal(np.log(2.0 * DAY), 0.9, size=n)).astype(np.int64)
    qualified = np.where(qualifies, np.maximum(contact, created) + wait, NONE)
    qualified = to_working_time(rng, st.cal, qualified, p_move=0.8)
    qualified[qualified >= st.cal.end_ts] = NONE
    converts = (qualified != NONE) & (rng.random(n) < 0.85)
    opp = qualified + rng.integers(0, int(1.5 * DAY), size=n)
    opp = np.where(converts, to_working_time(rng, st.cal, opp, p_move=0.9), NONE)
    opp[opp >= st.cal.end_ts] = NONE
    return qualified, opp


def _customers(
    rng: np.random.Generator,
    st: GenState,
    rep: np.ndarray,
    source: np.ndarray,
    created: np.ndarray,
    opp_created: np.ndarray,
) -> np.ndarray:
    """Converted leads always name their account; a good share of the others too."""
    n = len(rep)
    region = np.where(
        rep >= 0,
        st.company.reps.region[np.maximum(rep, 0)],
        rng.integers(0, len(cat.REGIONS), size=n),
    )
    existing = rng.random(n) < np.where(source == cat.SOURCES.index("Referral"), 0.5, 0.2)
    customer = pick_customers(rng, st, region, created, ~existing)
    named = (opp_created != NONE) | (rng.random(n) < 0.4)
    return np.where(named, customer, -1)


def _status(st: GenState, batch: LeadBatch, qualified: np.ndarray, u: np.ndarray) -> np.ndarray:
    end = st.cal.end_ts
    contacted = batch.contact != NONE
    stale_contact = contacted & (batch.contact < end - 21 * DAY)
    stale_lead = ~contacted & (batch.created < end - 45 * DAY) & (u < 0.3)
    return np.select(
        [batch.opp_created != NONE, qualified != NONE, stale_contact | stale_lead],
        [STATUSES.index("converted"), STATUSES.index("qualified"), STATUSES.index("disqualified")],
        STATUSES.index("open"),
    )


def _write(rng: np.random.Generator, st: GenState, batch: LeadBatch, qualified: np.ndarray) -> None:
    n = len(batch.rep)
    u = rng.random((n, 3))
    # a contact kept only as an activity leaves the lead's column empty (both sources count)
    column_contact = np.where(batch.contact_logged & (u[:, 0] < 0.35), NONE, batch.contact)
    st.sink.write(
        "leads",
        n,
        {
            "lead_id": batch.ids,
            "created_at": timestamps(batch.created),
            "source": choose_text(cat.SOURCES, batch.source),
            "rep_id": take(st.company.reps.ids, batch.rep),
            "customer_id": take(st.company.customers.ids, batch.customer),
            "first_contact_at": timestamps(column_contact),
            "qualified_at": timestamps(np.where(u[:, 1] < 0.85, qualified, NONE)),
            "status": choose_text(STATUSES, _status(st, batch, qualified, u[:, 2])),
        },
    )
