"""The oracle itself, checked against values worked out by hand on the edge-case store.

Each expected tuple lists the KPIs in ``KPI_IDS`` order:
leads, speed_to_lead, response_time_median_min, activities, key_activities, qualified_rate,
win_rate, sales_volume, gross_margin, price_realization, discount_rate, deal_value_held,
avg_deal_size, sales_cycle_days, repeat_customer_rate, cost_of_sales_ratio,
collateral_usage_rate.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import edge_data
import pytest
from kpi_oracle import KPI_IDS, oracle_rows, values_equal

from pantau.store import Store

N = None
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
Rows = dict[tuple[str, Any], dict[str, Any]]


def _store(
    path: Path, *, order_lines: bool = True, stages: bool = True, key_type: str = ""
) -> Store:
    store = Store(path)
    with store.write() as con:
        edge_data.load(con, order_lines=order_lines, stages=stages)
        if key_type:
            con.execute("UPDATE settings SET value = ? WHERE key = 'key_activity_type'", [key_type])
    return store


@pytest.fixture(scope="module")
def order_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _store(tmp_path_factory.mktemp("oracle") / "order.duckdb")


@pytest.fixture(scope="module")
def deal_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("oracle") / "deal.duckdb"
    return _store(path, order_lines=False, key_type="call")


def _compute(store: Store, grain: str, by: str) -> Rows:
    with store.read() as con:
        rows = oracle_rows(con, grain=grain, by=by, start=Q1[0], end=Q1[1])
    return {(r["period"], r["key"]): r for r in rows}


def _check(got: Rows, expected: dict[tuple[str, Any], tuple]) -> None:
    assert set(got) == set(expected)
    bad = []
    for group, values in expected.items():
        assert len(values) == len(KPI_IDS)
        for kpi, want in zip(KPI_IDS, values, strict=True):
            if not values_equal(kpi, got[group][kpi], want):
                bad.append((group, kpi, got[group][kpi], want))
    assert not bad, "\n".join(map(str, bad))


# The expected values are tables: one line per group, in KPI_IDS order.
# fmt: off
def test_company_by_month_order_basis(order_store: Store) -> None:
    _check(
        _compute(order_store, "month", "none"),
        {
            ("2026-01", N): (4, 3 / 4, 30, 2, 1, 3 / 4, 1, 330, 1 / 3, 0.825, 0.175, 0.9, 180,
                             10.5, 0, 1700 / 330, 2 / 3),
            # February: a return nets out (volume < 0); no cost rows at all -> no cost ratio
            ("2026-02", N): (1, 0, 61, 1, 1, 0, 3 / 4, -60, 0.25, 0.9, 0.1, N, 270, 10, 0, N, 0),
            ("2026-03", N): (2, 1 / 2, 60.25, 2, 1, 1 / 2, 1 / 2, 170, 0.3, 0.8, 0.2, 1, 50, -5,
                             1 / 2, 350 / 170, 2 / 3),
        },
    )


def test_company_by_quarter_order_basis(order_store: Store) -> None:
    _check(
        _compute(order_store, "quarter", "none"),
        {
            ("2026-Q1", N): (7, 4 / 7, 45, 5, 3, 4 / 7, 5 / 7, 440, 75 / 220, 0.8, 0.2, 0.92,
                             192.5, 10, 0, 2050 / 440, 1),
        },
    )


def test_company_deal_basis_and_key_activity_setting(deal_store: Store) -> None:
    _check(
        _compute(deal_store, "month", "none"),
        {
            ("2026-01", N): (4, 3 / 4, 30, 2, 1, 3 / 4, 1, 180, 1 / 3, 0.9, 0.1, 0.9, 180, 10.5,
                             1, 1700 / 180, 2 / 3),
            ("2026-02", N): (1, 0, 61, 1, 0, 0, 3 / 4, 540, N, 5 / 6, 1 / 6, N, 270, 10, 1 / 2,
                             N, 0),
            ("2026-03", N): (2, 1 / 2, 60.25, 2, 0, 1 / 2, 1 / 2, 50, 0.8, N, N, 1, 50, -5, 0, 7,
                             2 / 3),
        },
    )
    _check(
        _compute(deal_store, "quarter", "none"),
        {
            ("2026-Q1", N): (7, 4 / 7, 45, 5, 1, 4 / 7, 5 / 7, 770, 100 / 230, 0.85, 0.15, 0.92,
                             192.5, 10, 1 / 3, 2050 / 770, 1),
        },
    )


def test_by_rep_january(order_store: Store) -> None:
    got = {k: v for k, v in _compute(order_store, "month", "rep").items() if k[0] == "2026-01"}
    nobody = (0, N, N, 0, 0, N, N, 0, N, N, N, N, N, N, N, N, 0)  # only a cost row
    _check(
        got,
        {
            ("2026-01", "R1"): (2, 1, 15, 1, 1, 1 / 2, 1, 180, 1 / 3, 0.9, 0.1, 0.9, 180, 10.5, 0,
                                1000 / 180, 2 / 3),
            # the line's rep comes from its opportunity
            ("2026-01", "R2"): (1, 1, 60, 1, 0, 1, N, 150, N, 0.75, 0.25, N, N, N, 0, 0, 1 / 3),
            ("2026-01", "R3"): (1, 0, N, 0, 0, 1, N, 0, N, N, N, N, N, N, N, N, 0),
            ("2026-01", N): nobody,  # the team-B cost row has no rep
            ("2026-01", "R9"): nobody,  # an unknown rep id is still a rep
        },
    )


def test_by_team_january_costs_follow_team_column(order_store: Store) -> None:
    got = {k: v for k, v in _compute(order_store, "month", "team").items() if k[0] == "2026-01"}
    _check(
        got,
        {
            ("2026-01", "A"): (3, 1, 30, 2, 1, 2 / 3, 1, 330, 1 / 3, 0.825, 0.175, 0.9, 180, 10.5,
                               0, 1000 / 330, 2 / 3),
            ("2026-01", "B"): (1, 0, N, 0, 0, 1, N, 0, N, N, N, N, N, N, N, N, 0),
            # the cost row of unknown rep R9 belongs to its own team column
            ("2026-01", "C"): (0, N, N, 0, 0, N, N, 0, N, N, N, N, N, N, N, N, 0),
        },
    )


def test_by_region_january(order_store: Store) -> None:
    got = {k: v for k, v in _compute(order_store, "month", "region").items() if k[0] == "2026-01"}
    _check(
        got,
        {
            ("2026-01", "West"): (3, 2 / 3, 15, 1, 1, 2 / 3, 1, 180, 1 / 3, 0.9, 0.1, 0.9, 180,
                                  10.5, 0, 1000 / 180, 2 / 3),
            ("2026-01", "East"): (1, 1, 60, 1, 0, 1, N, 150, N, 0.75, 0.25, N, N, N, 0, 0, 1 / 3),
            ("2026-01", N): (0, N, N, 0, 0, N, N, 0, N, N, N, N, N, N, N, N, 0),
        },
    )


def test_by_source_quarter(order_store: Store, deal_store: Store) -> None:
    # order basis: the sales KPIs do not apply to source
    _check(
        _compute(order_store, "quarter", "source"),
        {
            ("2026-Q1", "web"): (5, 3 / 5, 60, N, N, 2 / 5, 1, N, N, N, N, 1, 50, -5, N, N, N),
            ("2026-Q1", "referral"): (1, 1, 0, N, N, 1, 1, N, N, N, N, N, N, 10, N, N, N),
            ("2026-Q1", N): (1, 0, N, N, N, 1, 3 / 5, N, N, N, N, 0.9, 240, 10.5, N, N, N),
        },
    )
    # deal basis: they do
    _check(
        _compute(deal_store, "quarter", "source"),
        {
            ("2026-Q1", "web"): (5, 3 / 5, 60, N, N, 2 / 5, 1, 50, 0.8, N, N, 1, 50, -5, 0, N, N),
            ("2026-Q1", "referral"): (1, 1, 0, N, N, 1, 1, 0, N, N, N, N, N, 10, 1, N, N),
            ("2026-Q1", N): (1, 0, N, N, N, 1, 3 / 5, 720, 1 / 3, 0.85, 0.15, 0.9, 240, 10.5,
                             1 / 2, N, N),
        },
    )


def test_by_product_quarter(order_store: Store) -> None:
    na = (N, N, N, N, N, N)
    _check(
        _compute(order_store, "quarter", "product"),
        {
            ("2026-Q1", "P1"): (*na, 1, 190, 60 / 190, 190 / 225, 35 / 225, 0.9, 180, 10.25, 0,
                                N, N),
            ("2026-Q1", "P2"): (*na, 1, 150, N, 0.75, 0.25, N, 500, 16, 0, N, N),
            ("2026-Q1", "P3"): (*na, 1 / 2, 30, 0.5, N, N, 1, 50, -5, 0, N, N),
            ("2026-Q1", "P4"): (*na, N, 70, N, N, N, N, N, N, 0, N, N),
            ("2026-Q1", N): (*na, 1 / 2, 0, N, N, N, N, 40, 7, N, N, N),
        },
    )


def test_by_segment_quarter(order_store: Store) -> None:
    na = (N, N, N, N, N, N)
    _check(
        _compute(order_store, "quarter", "segment"),
        {
            ("2026-Q1", "SMB"): (*na, 1, 500, 90 / 280, 430 / 525, 95 / 525, 0.9, 180, 10.25, 0,
                                 N, N),
            # only a return: no purchase, so no repeat rate
            ("2026-Q1", "ENT"): (*na, 1 / 2, -90, 1 / 3, 0.9, 0.1, N, 500, 16, N, N, N),
            # O10 has no customer: no segment, and out of the repeat rate
            ("2026-Q1", N): (*na, 2 / 3, 30, 0.5, N, N, 1, 45, 1, 0, N, N),
        },
    )


# fmt: on


def test_stage_fallback_names_without_stages(tmp_path: Path) -> None:
    store = _store(tmp_path / "nostages.duckdb", stages=False)
    march = _compute(store, "month", "none")[("2026-03", N)]
    # "Won" (O6) is won now: March has O7, O6 won and O9 lost
    assert march["win_rate"] == pytest.approx(2 / 3)
    assert march["avg_deal_size"] == pytest.approx(60)
    assert march["sales_cycle_days"] == pytest.approx(11.5)
    assert march["deal_value_held"] == pytest.approx(1)


def test_no_first_contact_information_means_unknown(tmp_path: Path) -> None:
    store = _store(tmp_path / "nocontact.duckdb")
    with store.write() as con:
        con.execute("UPDATE leads SET first_contact_at = NULL, first_contact_at_local = NULL")
        con.execute("UPDATE activities SET lead_id = NULL")
    rows = _compute(store, "quarter", "rep")
    assert rows
    for row in rows.values():
        assert row["speed_to_lead"] is None
        assert row["response_time_median_min"] is None
    assert rows[("2026-Q1", "R1")]["leads"] == 2
