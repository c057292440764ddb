"""Every record type imported from a tiny template file; canonical rows asserted."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pantau.ingest import import_file
from pantau.store import Store

from .helpers import LOAD_ORDER, TYPES, rows


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store with every fixture type imported, in reference order."""
    store = Store(tmp_path_factory.mktemp("types") / "all.duckdb")
    for name in LOAD_ORDER:
        report = import_file(store, name, TYPES / f"{name}.csv", lang="en", user="tester")
        assert report.ok and report.warnings == [], (name, report.warnings)
    return store


def test_all_thirteen_types_are_loaded_and_logged(loaded: Store) -> None:
    assert len(LOAD_ORDER) == 13
    log = rows(loaded, "SELECT record_type, status, inserted, username FROM imports ORDER BY 1")
    assert [r[0] for r in log] == sorted(LOAD_ORDER)
    assert all(r[1] == "ok" and r[2] >= 2 and r[3] == "tester" for r in log)


def test_reps_keep_leading_zeros_and_dates(loaded: Store) -> None:
    got = rows(loaded, "SELECT rep_id, name, email, active_from, active_to FROM reps ORDER BY 1")
    assert got == [
        ("007", "Ani Wijaya", "ani@example.co.id", date(2025, 1, 6), None),
        ("R2", "Budi Santoso", None, date(2024, 7, 1), date(2026, 2, 28)),
    ]


def test_customers_timestamps_are_utc_and_local(loaded: Store) -> None:
    got = rows(loaded, "SELECT customer_id, parent_id, created_at, created_at_local FROM customers")
    assert sorted(got) == [
        ("C1", None, datetime(2025, 2, 28, 17, 0), datetime(2025, 3, 1, 0, 0)),
        ("C2", "C1", datetime(2025, 4, 1, 2, 15), datetime(2025, 4, 1, 9, 15)),
    ]


def test_products_numbers(loaded: Store) -> None:
    got = rows(loaded, "SELECT product_id, list_price, unit_cost FROM products ORDER BY 1")
    assert got == [("P1", 250000.0, 150000.0), ("P2", 45000.5, None)]


def test_stages_enum_lower_case_and_booleans(loaded: Store) -> None:
    got = rows(loaded, "SELECT stage, position, kind, qualified FROM stages ORDER BY position")
    assert got == [
        ("Prospek", 1, "open", False),
        ("Proposal", 2, "open", True),
        ("Menang", 3, "won", True),
        ("Kalah", 4, "lost", False),
    ]


def test_leads_offsets_and_status(loaded: Store) -> None:
    got = rows(
        loaded,
        "SELECT lead_id, created_at, created_at_local, first_contact_at_local, qualified_at, "
        "status FROM leads ORDER BY 1",
    )
    assert got == [
        (
            "L1",
            datetime(2026, 3, 4, 17),
            datetime(2026, 3, 5),
            datetime(2026, 3, 5, 10),
            None,
            "open",
        ),
        (
            "L2",
            datetime(2026, 3, 5, 16, 30),
            datetime(2026, 3, 5, 23, 30),
            None,
            datetime(2026, 3, 6, 1, 0),
            "qualified",
        ),
    ]


def test_activities_label_lower_case_status_default(loaded: Store) -> None:
    got = rows(
        loaded, "SELECT activity_id, type, occurred_at, occurred_at_local, status FROM activities"
    )
    assert sorted(got) == [
        ("A1", "call", datetime(2026, 3, 5, 2), datetime(2026, 3, 5, 9), "done"),
        ("A2", "whatsapp", datetime(2026, 3, 6, 2, 30), datetime(2026, 3, 6, 9, 30), "planned"),
    ]


def test_opportunities(loaded: Store) -> None:
    got = rows(
        loaded,
        "SELECT opportunity_id, stage, amount, quoted_amount, closed_at, closed_at_local, "
        "lost_reason FROM opportunities ORDER BY 1",
    )
    assert got == [
        (
            "O1",
            "Menang",
            2250000.0,
            2500000.0,
            datetime(2026, 3, 4, 9),
            datetime(2026, 3, 4, 16),
            None,
        ),
        ("O2", "Kalah", None, 1000000.0, datetime(2026, 2, 28, 17), datetime(2026, 3, 1), "harga"),
    ]


def test_stage_history(loaded: Store) -> None:
    got = rows(loaded, "SELECT stage, entered_at, entered_at_local FROM stage_history ORDER BY 2")
    assert got == [
        ("Prospek", datetime(2026, 1, 31, 17), datetime(2026, 2, 1)),
        ("Menang", datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 16)),
    ]


def test_order_lines_derived_amounts(loaded: Store) -> None:
    got = rows(
        loaded,
        "SELECT order_id, line_no, quantity, unit_net_price, unit_list_price, unit_cost, status, "
        "net_amount, line_list_amount, line_cost_amount FROM order_lines ORDER BY 1, 2",
    )
    assert got == [
        # unit prices given: totals are quantity × unit
        ("SO1", 1, 2.0, 200000.0, 250000.0, 150000.0, "confirmed", 400000.0, 500000.0, 300000.0),
        # net_amount, 20% discount and profit given: units derived
        ("SO1", 2, 4.0, 40000.0, 50000.0, 30000.0, "confirmed", 160000.0, 200000.0, 120000.0),
        # a return: negative quantity, discount as a fraction, cost_amount
        (
            "SO2",
            1,
            -1.0,
            225000.0,
            250000.0,
            150000.0,
            "cancelled",
            -225000.0,
            -250000.0,
            -150000.0,
        ),
    ]


def test_sales_costs_month_start_and_null_keys(loaded: Store) -> None:
    got = rows(loaded, "SELECT category, rep_id, team, month_start FROM sales_costs ORDER BY 1")
    assert got == [
        ("salary", "007", None, date(2026, 3, 1)),
        ("tools", None, None, date(2026, 3, 1)),
        ("travel", None, "Jakarta A", date(2026, 3, 1)),
    ]


def test_collateral_and_usage(loaded: Store) -> None:
    assert rows(
        loaded, "SELECT collateral_id, type, retired_at_local FROM collateral ORDER BY 1"
    ) == [
        ("K1", "pdf", None),
        ("K2", "video", datetime(2026, 1, 31)),
    ]
    assert rows(loaded, "SELECT action, used_at FROM collateral_usage ORDER BY 1") == [
        ("presented", datetime(2026, 3, 5, 3)),
        ("shared", datetime(2026, 3, 5, 3)),
    ]


def test_targets_periods_and_scope_default(loaded: Store) -> None:
    got = rows(loaded, "SELECT kpi, period, target, scope, scope_id FROM targets ORDER BY 2")
    assert got == [
        ("win_rate", "2026", 0.35, "team", "Jakarta A"),
        ("revenue", "2026-03", 500000000.0, "rep", "007"),
        ("revenue", "2026-Q1", 1500000000.0, "company", None),
    ]


def test_every_row_records_its_import(loaded: Store) -> None:
    got = rows(
        loaded,
        "SELECT count(*) FROM order_lines o JOIN imports i ON i.import_id = o._import_id "
        "WHERE i.record_type = 'order_lines'",
    )
    assert got == [(3,)]


def test_other_time_zone_setting(store: Store) -> None:
    store.set_setting("timezone", "Asia/Jayapura")
    import_file(store, "customers", TYPES / "customers.csv")
    got = rows(store, "SELECT created_at, created_at_local FROM customers WHERE customer_id = 'C1'")
    assert got == [(datetime(2025, 2, 28, 15, 0), datetime(2025, 3, 1, 0, 0))]
