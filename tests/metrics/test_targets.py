"""Targets: company / rep / team scope, attainment vs threshold, target 0, summed quarters."""

from __future__ import annotations

import pytest

from pantau.metrics import Scope
from pantau.store import Store

from .conftest import by_key, by_period, new_store, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine

KPIS = ("leads", "qualified_rate", "sales_cycle_days", "avg_deal_size")


def _lead(n: int, day: str, rep: str, status: str = "open") -> dict:
    return {"lead_id": f"L{n}", "created_at": day, "rep_id": rep, "status": status}


def _target(kpi: str, period: str, target: float, scope: str = "company", **kw: object) -> dict:
    return {"kpi": kpi, "period": period, "target": target, "scope": scope, **kw}


@pytest.fixture(scope="module")
def target_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "targets")
    seed(
        store,
        reps=[{"rep_id": "R1", "team": "Alpha"}, {"rep_id": "R2", "team": "Beta"}],
        leads=[
            _lead(1, "2026-01-05", "R1", "qualified"),
            _lead(2, "2026-01-06", "R1", "qualified"),
            _lead(3, "2026-01-07", "R1"),
            _lead(4, "2026-01-08", "R2"),
            _lead(5, "2026-02-05", "R1"),
            _lead(6, "2026-02-06", "R1"),
            _lead(7, "2026-03-05", "R1"),
            _lead(8, "2026-03-06", "R2"),
            _lead(9, "2026-03-07", "R2"),
            _lead(10, "2025-06-01", "R1"),
        ],
        opportunities=[
            {
                "opportunity_id": "O1",
                "rep_id": "R1",
                "stage": "won",
                "amount": 100.0,
                "created_at": "2026-01-01",
                "closed_at": "2026-01-11",
            },
        ],  # fmt: skip
        targets=[
            _target("leads", "2026-01", 5),
            _target("leads", "2026-02", 2),
            _target("leads", "2026-03", 0),  # a target of 0 is a target
            _target("leads", "2026-01", 3, "rep", scope_id="R1"),  # R1 has no Feb/Mar target
            _target("leads", "2026-Q1", 4, "team", scope_id="Beta"),
            _target("qualified_rate", "2026-01", 0.5),
            _target("qualified_rate", "2026-02", 0.6),
            _target("qualified_rate", "2026-03", 0.6),
            _target("sales_cycle_days", "2026-01", 14),
            _target("sales_cycle_days", "2026-02", 7),
            _target("avg_deal_size", "2026-01", 80),
            _target("avg_deal_size", "2026-02", 80),
            _target("avg_deal_size", "2026-03", 80),
            *(_target("leads", f"2025-Q{q}", 1) for q in range(1, 5)),
        ],
    )
    return store


def test_monthly_company_targets(target_store: Store) -> None:
    got = by_period(target_store, start="2026-01", end="2026-03", kpis=KPIS)
    assert got["2026-01"]["targets"] == {
        # 4 leads of 5: attainment 0.8, not met
        "leads": {"target": 5.0, "attainment": 0.8, "met": False},
        # ratios are thresholds: 2 of 4 qualified = 0.5 ≥ 0.5, no attainment
        "qualified_rate": {"target": 0.5, "attainment": None, "met": True},
        # lower is better: a 10-day cycle ≤ 14
        "sales_cycle_days": {"target": 14.0, "attainment": None, "met": True},
        # an amount where higher is better: 100 / 80
        "avg_deal_size": {"target": 80.0, "attainment": 1.25, "met": True},
    }
    assert got["2026-02"]["targets"] == {
        "leads": {"target": 2.0, "attainment": 1.0, "met": True},
        "qualified_rate": {"target": 0.6, "attainment": None, "met": False},  # 0 / 2
        # no won deal in February: actual null → met null
        "sales_cycle_days": {"target": 7.0, "attainment": None, "met": None},
        "avg_deal_size": {"target": 80.0, "attainment": None, "met": None},
    }
    # target 0: no attainment (no division by 0), met since 3 ≥ 0
    assert got["2026-03"]["targets"]["leads"] == {"target": 0.0, "attainment": None, "met": True}


def test_quarter_targets_are_summed_for_counts_only(target_store: Store) -> None:
    got = by_period(target_store, start="2026-01", end="2026-03", grain="quarter", kpis=KPIS)
    # 5 + 2 + 0 = 7 for 9 leads; no quarter target for the ratio, the median, the average
    assert got["2026-Q1"]["targets"] == {
        "leads": {"target": 7.0, "attainment": pytest.approx(9 / 7), "met": True}
    }


def test_year_target_from_quarters(target_store: Store) -> None:
    got = by_period(target_store, start="2025-01", end="2025-12", grain="year", kpis="leads")
    # the four quarter targets of 1: 4, for 1 lead
    assert got["2025"]["targets"] == {"leads": {"target": 4.0, "attainment": 0.25, "met": False}}


def test_rep_and_team_targets(target_store: Store) -> None:
    reps = by_key(target_store, "rep_id", start="2026-01", end="2026-01", by="rep", kpis="leads")
    assert reps[("2026-01", "R1")]["targets"] == {
        "leads": {"target": 3.0, "attainment": 1.0, "met": True}
    }
    assert reps[("2026-01", "R2")]["targets"] == {}
    # R1 has a target for January only: a partial quarter sum is no target
    q_reps = by_key(target_store, "rep_id", start="2026-01", end="2026-03", grain="quarter",
                    by="rep", kpis="leads")  # fmt: skip
    assert q_reps[("2026-Q1", "R1")]["targets"] == {}
    teams = by_key(target_store, "team", start="2026-01", end="2026-03", grain="quarter",
                   by="team", kpis="leads")  # fmt: skip
    # Beta: R2's 1 + 2 leads against its own quarter target of 4
    assert teams[("2026-Q1", "Beta")]["targets"] == {
        "leads": {"target": 4.0, "attainment": 0.75, "met": False}
    }
    assert teams[("2026-Q1", "Alpha")]["targets"] == {}


def test_targets_under_a_scope(target_store: Store) -> None:
    one = Scope(rep_ids=frozenset({"R1"}))
    got = by_period(target_store, start="2026-01", end="2026-01", kpis="leads", scope=one)
    # R1 sees its own leads (3) against its own target, not the company's
    assert got["2026-01"]["leads"] == 3
    assert got["2026-01"]["targets"] == {"leads": {"target": 3.0, "attainment": 1.0, "met": True}}
    two = Scope(rep_ids=frozenset({"R1", "R2"}))
    got = by_period(target_store, start="2026-01", end="2026-01", kpis="leads", scope=two)
    assert got["2026-01"]["targets"] == {}
