"""Group 1, lead KPIs: leads, speed_to_lead, response_time_median_min, qualified_rate.

Business time zone Asia/Jakarta (UTC+7). Timestamps without offset are local.
"""

from __future__ import annotations

import pytest

from pantau.store import Store

from .conftest import by_key, by_period, new_store, put, rows, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine

LEAD_KPIS = ("leads", "speed_to_lead", "response_time_median_min", "qualified_rate")


def _lead(lead_id: str, created: str, rep: str, source: str | None, **extra: object) -> dict:
    return {"lead_id": lead_id, "created_at": created, "rep_id": rep, "source": source, **extra}


LEADS = [
    # exactly 60 minutes: within the hour
    _lead("L1", "2026-03-02 09:00", "R1", "web", first_contact_at="2026-03-02 10:00"),
    # first_contact_at after 120 min, but a done activity after 20 min: 20 min
    _lead("L2", "2026-03-03 09:00", "R1", "web", first_contact_at="2026-03-03 11:00"),
    # only activities: the planned one at 09:10 is ignored, the done one at 12:00 → 180 min
    _lead("L3", "2026-03-04 09:00", "R2", "ads"),
    # never contacted, qualified by status
    _lead("L4", "2026-03-05 09:00", "R2", "ads", status="qualified"),
    # contact before creation → 0 minutes; qualified by qualified_at
    _lead(
        "L5",
        "2026-03-06 09:00",
        "R1",
        None,
        first_contact_at="2026-03-06 08:00",
        qualified_at="2026-03-10",
    ),
    # 2026-03-31 20:00 UTC = 2026-04-01 03:00 in Jakarta: April; contact after 61 min
    _lead("L6", "2026-03-31T20:00:00+00:00", "R1", "web", first_contact_at="2026-03-31T21:01Z"),
    # date-only: local midnight 31 March; contact 45 min later; an opportunity names it
    _lead("L7", "2026-03-31", "R2", "web", first_contact_at="2026-03-31 00:45"),
    # 2026-02-28 18:30 UTC = 2026-03-01 01:30 local: March; never contacted; "Converted"
    _lead("L8", "2026-02-28T18:30:00+00:00", "R1", "web", status="Converted"),
]
ACTIVITIES = [
    {"activity_id": "A1", "rep_id": "R1", "type": "call", "occurred_at": "2026-03-03 09:20",
     "lead_id": "L2", "status": "done"},
    {"activity_id": "A2", "rep_id": "R2", "type": "call", "occurred_at": "2026-03-04 09:10",
     "lead_id": "L3", "status": "Planned"},
    {"activity_id": "A3", "rep_id": "R2", "type": "call", "occurred_at": "2026-03-04 12:00",
     "lead_id": "L3", "status": "DONE"},
]  # fmt: skip
REPS = [
    {"rep_id": "R1", "team": "Alpha", "region": "Jawa"},
    {"rep_id": "R2", "team": "Beta", "region": "Bali"},
]


def _seed_leads(store: Store) -> Store:
    seed(
        store,
        lower=False,  # statuses as a CRM writes them: matching is case-insensitive
        reps=REPS,
        leads=LEADS,
        activities=ACTIVITIES,
        opportunities=[
            {"opportunity_id": "O1", "rep_id": "R2", "created_at": "2026-04-02",
             "stage": "open", "lead_id": "L7"},
        ],
    )  # fmt: skip
    return store


@pytest.fixture(scope="module")
def leads_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _seed_leads(new_store(tmp_path_factory, "leads"))


def test_lead_kpis_by_month(leads_store: Store) -> None:
    got = by_period(leads_store, start="2026-03", end="2026-04", kpis=LEAD_KPIS)
    march, april = got["2026-03"], got["2026-04"]
    # March leads: L1 L2 L3 L4 L5 L7 L8 (L8 is 1 March local) = 7; April: L6
    assert march["leads"] == 7
    assert april["leads"] == 1
    # within the hour: L1 (60), L2 (20), L5 (0), L7 (45) = 4 of 7
    assert march["speed_to_lead"] == pytest.approx(4 / 7)
    # minutes over contacted leads: 0, 20, 45, 60, 180 → median 45
    assert march["response_time_median_min"] == pytest.approx(45.0)
    # qualified: L4 (status), L5 (qualified_at), L7 (opportunity), L8 (Converted) = 4 of 7
    assert march["qualified_rate"] == pytest.approx(4 / 7)
    # April: L6 contacted after 61 minutes: not within; median 61; not qualified
    assert april["speed_to_lead"] == 0.0
    assert april["response_time_median_min"] == pytest.approx(61.0)
    assert april["qualified_rate"] == 0.0


def test_lead_kpis_by_rep_and_even_median(leads_store: Store) -> None:
    got = by_key(leads_store, "rep_id", start="2026-03", end="2026-03", by="rep", kpis=LEAD_KPIS)
    r1, r2 = got[("2026-03", "R1")], got[("2026-03", "R2")]
    # R1: L1 L2 L5 L8; within L1 L2 L5 → 3/4; minutes 60, 20, 0 → 20; qualified L5 L8 → 2/4
    assert (r1["leads"], r1["speed_to_lead"], r1["qualified_rate"]) == (4, 0.75, 0.5)
    assert r1["response_time_median_min"] == pytest.approx(20.0)
    # R2: L3 L4 L7; within L7 → 1/3; minutes 180, 45 → (45 + 180) / 2 = 112.5 (interpolated)
    assert r2["leads"] == 3
    assert r2["speed_to_lead"] == pytest.approx(1 / 3)
    assert r2["response_time_median_min"] == pytest.approx(112.5)
    assert r2["qualified_rate"] == pytest.approx(2 / 3)


def test_team_and_region_follow_the_rep(leads_store: Store) -> None:
    teams = by_key(leads_store, "team", start="2026-03", end="2026-03", by="team", kpis="leads")
    regions = by_key(
        leads_store, "region", start="2026-03", end="2026-03", by="region", kpis="leads"
    )
    assert {k: r["leads"] for k, r in teams.items()} == {
        ("2026-03", "Alpha"): 4,
        ("2026-03", "Beta"): 3,
    }
    assert {k[1]: r["leads"] for k, r in regions.items()} == {"Jawa": 4, "Bali": 3}


def test_by_source_with_null_group_last(leads_store: Store) -> None:
    rows = by_key(leads_store, "source", start="2026-03", end="2026-03", by="source", kpis="leads")
    # web: L1 L2 L7 L8; ads: L3 L4; no source: L5 — sorted with the null key last
    assert [(k[1], r["leads"]) for k, r in rows.items()] == [("ads", 2), ("web", 4), (None, 1)]


def test_breakdown_that_does_not_apply(jakarta: Store) -> None:
    leads_store = _seed_leads(jakarta)
    # lead KPIs have no product breakdown: no group has a record behind an applicable KPI
    assert rows(leads_store, start="2026-03", end="2026-03", by="product", kpis=LEAD_KPIS) == []
    # with an applicable KPI beside it, the lead KPIs are null in every group
    got = rows(
        leads_store, start="2026-03", end="2026-04", by="product", kpis=("leads", "win_rate")
    )
    assert got == []  # the only opportunity is open: no closed ones, no rows
    put(
        leads_store,
        "opportunities",
        {"opportunity_id": "O2", "rep_id": "R1", "created_at": "2026-03-01", "stage": "won",
         "closed_at": "2026-03-09", "product_id": "P1"},
    )  # fmt: skip
    got = rows(
        leads_store, start="2026-03", end="2026-03", by="product", kpis=("leads", "win_rate")
    )
    assert got == [
        {"period": "2026-03", "product_id": "P1", "leads": None, "win_rate": 1.0, "targets": {}}
    ]


def test_no_first_contact_information_anywhere_is_null(jakarta: Store) -> None:
    put(
        jakarta,
        "leads",
        _lead("L1", "2026-03-02 09:00", "R1", "web"),
        _lead("L2", "2026-03-03 09:00", "R1", "web"),
    )
    # an activity that names no lead is no first-contact information
    put(
        jakarta,
        "activities",
        {"activity_id": "A1", "rep_id": "R1", "type": "call", "occurred_at": "2026-03-03 09:20"},
    )
    march = by_period(jakarta, start="2026-03", end="2026-03", kpis=LEAD_KPIS)["2026-03"]
    assert march["leads"] == 2
    assert march["speed_to_lead"] is None  # unknown, not 0
    assert march["response_time_median_min"] is None
    assert march["qualified_rate"] == 0.0


def test_some_contact_information_makes_uncontacted_leads_count(jakarta: Store) -> None:
    put(
        jakarta,
        "leads",
        _lead("L1", "2026-03-02 09:00", "R1", "web"),
        # the only contact information of the store is in another month
        _lead("L2", "2026-05-03 09:00", "R1", "web", first_contact_at="2026-05-03 09:30"),
    )
    march = by_period(jakarta, start="2026-03", end="2026-03", kpis=LEAD_KPIS)["2026-03"]
    # L1 was never contacted: 0 of 1 within the hour; no contacted lead → median null
    assert march["speed_to_lead"] == 0.0
    assert march["response_time_median_min"] is None


def test_quarter_and_year_grains(leads_store: Store) -> None:
    q = by_period(leads_store, start="2026-01", end="2026-06", grain="quarter", kpis=LEAD_KPIS)
    # Q1 = the 7 March leads; Q2 = L6 (April)
    assert (q["2026-Q1"]["leads"], q["2026-Q2"]["leads"]) == (7, 1)
    assert q["2026-Q1"]["speed_to_lead"] == pytest.approx(4 / 7)
    y = by_period(leads_store, start="2026-01", end="2026-12", grain="year", kpis=LEAD_KPIS)
    # 8 leads; within: 4; minutes 0, 20, 45, 60, 61, 180 → (45 + 60) / 2 = 52.5
    assert y["2026"]["leads"] == 8
    assert y["2026"]["speed_to_lead"] == pytest.approx(4 / 8)
    assert y["2026"]["response_time_median_min"] == pytest.approx(52.5)
