"""Opportunity KPIs: win_rate, deal_value_held, avg_deal_size, sales_cycle_days (both bases)."""

from __future__ import annotations

import pytest

from pantau.store import Store

from .conftest import by_key, by_period, new_store, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine

OPP_KPIS = ("win_rate", "deal_value_held", "avg_deal_size", "sales_cycle_days", "sales_volume")


def _opp(opp_id: str, stage: str, created: str, closed: str | None, **extra: object) -> dict:
    return {
        "opportunity_id": opp_id,
        "rep_id": extra.pop("rep_id", "R1"),
        "stage": stage,
        "created_at": created,
        "closed_at": closed,
        **extra,
    }


STAGES = [
    {"stage": "Prospecting", "position": 1, "kind": "open"},
    {"stage": "Closed Won", "position": 2, "kind": "won"},
    {"stage": "Closed Lost", "position": 3, "kind": "lost"},
]
OPPS = [
    # 10 days; held 100 of 125 quoted
    _opp("O1", "closed won", "2026-03-01", "2026-03-11", amount=100.0, quoted_amount=125.0),
    # no amount: in win rate and cycle (20 days), out of every amount KPI
    _opp("O2", "CLOSED WON", "2026-03-01", "2026-03-21", quoted_amount=50.0),
    _opp("O3", "Closed Lost", "2026-03-01", "2026-03-15"),
    # 30.5 days; quoted 0 → out of deal_value_held
    _opp("O4", "Closed Won", "2026-02-01", "2026-03-03 12:00", amount=300.0, quoted_amount=0.0),
    # won without closed_at: in no period
    _opp("O5", "Closed Won", "2026-03-01", None, amount=1000.0),
    # open stage with a closed_at; a stage missing from stages (open, even if it reads "won")
    _opp("O6", "Prospecting", "2026-03-01", "2026-03-10", amount=5.0),
    _opp("O7", "Menang", "2026-03-01", "2026-03-10", amount=7.0),
    # closed before created: −2 days, stays in the median
    _opp("O8", "Closed Won", "2026-03-20", "2026-03-18", amount=200.0, quoted_amount=200.0),
    # 2026-03-31 18:00 UTC = 2026-04-01 01:00 in Jakarta: April
    _opp("O9", "Closed Lost", "2026-03-01", "2026-03-31T18:00:00+00:00"),
]


@pytest.fixture(scope="module")
def opps_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "opps")
    seed(store, lower=False, stages=STAGES, opportunities=OPPS)
    return store


def test_opportunity_kpis_with_stages(opps_store: Store) -> None:
    got = by_period(opps_store, start="2026-03", end="2026-04", kpis=OPP_KPIS)
    march = got["2026-03"]
    # won O1 O2 O4 O8, lost O3 → 4 / 5
    assert march["win_rate"] == pytest.approx(0.8)
    # held: O1 (100 / 125) and O8 (200 / 200) → 300 / 325
    assert march["deal_value_held"] == pytest.approx(300 / 325)
    # won with amount: O1 100, O4 300, O8 200 → 600 / 3
    assert march["avg_deal_size"] == pytest.approx(200.0)
    assert march["sales_volume"] == pytest.approx(600.0)  # deal basis: no order lines
    # cycles −2, 10, 20, 30.5 → (10 + 20) / 2
    assert march["sales_cycle_days"] == pytest.approx(15.0)
    # April: only the lost O9 → win rate 0, no won deal: amounts 0 / null, no median
    april = got["2026-04"]
    assert april["win_rate"] == 0.0
    assert april["sales_volume"] == 0.0
    assert april["avg_deal_size"] is None
    assert april["deal_value_held"] is None
    assert april["sales_cycle_days"] is None


def test_fallback_stage_names_without_stages(jakarta: Store) -> None:
    seed(
        jakarta,
        lower=False,
        opportunities=[
            _opp("W1", "Won", "2026-03-01", "2026-03-05"),
            _opp("W2", "closed won", "2026-03-01", "2026-03-05"),
            _opp("W3", "MENANG", "2026-03-01", "2026-03-05"),
            _opp("L1", "Kalah", "2026-03-01", "2026-03-05"),
            _opp("L2", "lost", "2026-03-01", "2026-03-05"),
            _opp("L3", "Closed Lost", "2026-03-01", "2026-03-05"),
            _opp("X1", "negotiation", "2026-03-01", "2026-03-05"),
        ],
    )
    got = by_period(jakarta, start="2026-03", end="2026-03", kpis="win_rate")
    assert got["2026-03"]["win_rate"] == pytest.approx(3 / 6)


def test_breakdowns_of_opportunities(jakarta: Store) -> None:
    seed(
        jakarta,
        reps=[{"rep_id": "R1", "team": "Alpha", "region": "Jawa"}],
        customers=[{"customer_id": "C1", "segment": "SMB"}],
        leads=[{"lead_id": "L1", "created_at": "2026-01-05", "source": "expo"}],
        opportunities=[
            _opp("A", "won", "2026-03-01", "2026-03-05", lead_id="L1", customer_id="C1",
                 product_id="P1", amount=10.0),
            _opp("B", "lost", "2026-03-01", "2026-03-05", rep_id="R2", product_id="P1"),
        ],
    )  # fmt: skip
    q = {"start": "2026-03", "end": "2026-03", "kpis": ("win_rate", "avg_deal_size")}
    source = by_key(jakarta, "source", by="source", **q)
    # the opportunity's source is its lead's source; B has no lead
    assert {k[1]: r["win_rate"] for k, r in source.items()} == {"expo": 1.0, None: 0.0}
    product = by_key(jakarta, "product_id", by="product", **q)
    assert product[("2026-03", "P1")]["win_rate"] == 0.5
    segment = by_key(jakarta, "segment", by="segment", **q)
    assert {k[1]: r["win_rate"] for k, r in segment.items()} == {"SMB": 1.0, None: 0.0}
    region = by_key(jakarta, "region", by="region", **q)
    # R2 is unknown: no region; its group has a lost deal only → avg_deal_size null
    assert region[("2026-03", None)]["avg_deal_size"] is None
    assert region[("2026-03", "Jawa")]["avg_deal_size"] == 10.0
