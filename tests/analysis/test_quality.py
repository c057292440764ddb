"""The data-quality view: one or more records behind every warning kind, counted by hand."""

from __future__ import annotations

from typing import Any

import pytest

from pantau.analysis.quality import KINDS, compute_quality
from pantau.errors import UsageError
from pantau.metrics import Scope
from pantau.store import Store

from .helpers import Insert, insert


def _opp(oid: str, rep: str, stage: str, created: str, **kw: Any) -> dict[str, Any]:
    return {"opportunity_id": oid, "rep_id": rep, "stage": stage, "created_at": created, **kw}


@pytest.fixture(scope="module")
def messy(shared_store: Store) -> Store:
    """Stages loaded (Prospecting/Won/Lost); no order lines, so the deal basis applies.

    Q1 won, customer C9 unknown, closed 5 h after creation → unknown_reference, short_cycle
    Q2 rep R9 unknown, lost without close date           → unknown_reference, closed_without_date
    Q3 won, no amount, closed before created             → won_without_amount, close_before_create
    Q4 stage "Demo" (also in its history)                → unknown_stage ×2
    Q5 " won " (case and blanks), a clean won deal of customer C1
    history of Q99 (no such opportunity)                 → unknown_reference
    L1 first_contact_at before created_at                → contact_before_creation
    L2 a done activity naming it before created_at       → contact_before_creation
    L3 only a *planned* activity before created_at, contact after → fine
    L4 never contacted; activity A3 names lead L99       → unknown_reference
    import 1 (opportunities) reported two duplicate keys → duplicate_key ×2
    """
    s = shared_store
    insert(
        s,
        "stages",
        {"stage": "Prospecting", "position": 1, "kind": "open"},
        {"stage": "Won", "position": 2, "kind": "won"},
        {"stage": "Lost", "position": 3, "kind": "lost"},
    )
    insert(s, "reps", {"rep_id": "R1", "team": "North"})
    insert(s, "customers", {"customer_id": "C1"})
    insert(s, "products", {"product_id": "P1", "list_price": 120.0, "unit_cost": 60.0})
    insert(
        s,
        "opportunities",
        _opp("Q1", "R1", "Won", "2025-01-01 10:00", closed_at="2025-01-01 15:00", amount=100.0)
        | {"customer_id": "C9", "product_id": "P1"},
        _opp("Q2", "R9", "Lost", "2025-01-02"),
        _opp("Q3", "R1", "Won", "2025-01-10", closed_at="2025-01-05"),
        _opp("Q4", "R1", "Demo", "2025-01-11"),
        _opp("Q5", "R1", " won ", "2025-01-01", closed_at="2025-01-06", amount=50.0)
        | {"customer_id": "C1"},
    )
    insert(
        s,
        "stage_history",
        {"opportunity_id": "Q4", "stage": "Demo", "entered_at": "2025-01-11"},
        {"opportunity_id": "Q99", "stage": "Prospecting", "entered_at": "2025-01-11"},
    )
    lead = {"created_at": "2025-01-05 10:00", "rep_id": "R1"}
    insert(
        s,
        "leads",
        {"lead_id": "L1", "first_contact_at": "2025-01-05 09:00"} | lead,
        {"lead_id": "L2"} | lead,
        {"lead_id": "L3", "first_contact_at": "2025-01-05 10:30"} | lead,
        {"lead_id": "L4"} | lead,
    )
    act = {"rep_id": "R1", "type": "call"}
    insert(
        s,
        "activities",
        {"activity_id": "A1", "occurred_at": "2025-01-05 08:00", "lead_id": "L2"} | act,
        {"activity_id": "A2", "occurred_at": "2025-01-05 07:00", "lead_id": "L3"}
        | act
        | {"status": "planned"},
        {"activity_id": "A3", "occurred_at": "2025-01-06 07:00", "lead_id": "L99"} | act,
    )
    with s.write() as con:
        con.execute(
            "INSERT INTO imports (import_id, record_type, file_name, status) "
            "VALUES (1, 'opportunities', 'opps.csv', 'ok')"
        )
        con.execute(
            "INSERT INTO import_issues (import_id, level, kind, row_number, value) VALUES "
            "(1, 'warning', 'duplicate_key', 3, 'Q1'), (1, 'warning', 'duplicate_key', 7, 'Q2'), "
            "(1, 'warning', 'unknown_reference', 4, 'C9')"
        )
    return s


@pytest.fixture(scope="module")
def report(messy: Store) -> dict[str, Any]:
    return compute_quality(messy, lang="en")


def _counts(result: dict[str, Any], kind: str) -> dict[tuple[str | None, str | None], int | None]:
    return {
        (w["record_type"], w["column"]): w["count"] for w in result["warnings"] if w["kind"] == kind
    }


def test_totals_per_kind(report: dict[str, Any]) -> None:
    result = report
    assert result["totals"] == {
        "unknown_reference": 4,  # Q1 customer, Q2 rep, Q99 history, A3 lead
        "duplicate_key": 2,
        "unknown_stage": 2,  # Q4 and its history row
        "close_before_create": 1,  # Q3
        "short_cycle": 1,  # Q1 (Q3 is negative, not short)
        "contact_before_creation": 2,  # L1 own column, L2 via activity A1
        "won_without_amount": 1,  # Q3
        "closed_without_date": 1,  # Q2
    }
    assert set(result["totals"]) == set(KINDS)


def test_unknown_references_per_column(report: dict[str, Any]) -> None:
    result = report
    found = {k: v for k, v in _counts(result, "unknown_reference").items() if v}
    assert found == {
        ("opportunities", "customer_id"): 1,
        ("opportunities", "rep_id"): 1,
        ("stage_history", "opportunity_id"): 1,
        ("activities", "lead_id"): 1,
    }
    warning = next(w for w in result["warnings"] if w["column"] == "customer_id" and w["count"])
    assert warning["examples"] == [{"id": "Q1", "customer_id": "C9"}]
    assert warning["message"] == "opportunities.customer_id: 1 values not found in customers"
    # collateral is not loaded: references to it are listed as unchecked, not as findings
    assert {
        "record_type": "collateral_usage",
        "column": "collateral_id",
        "target": "collateral",
    } in (result["unchecked"])


def test_examples_and_limit(messy: Store) -> None:
    result = compute_quality(messy, limit=1, lang="en")
    stages = [w for w in result["warnings"] if w["kind"] == "unknown_stage"]
    assert [(w["record_type"], w["examples"]) for w in stages] == [
        ("opportunities", [{"id": "Q4", "stage": "Demo"}]),
        ("stage_history", [{"id": "Q4 / Demo / 2025-01-11 00:00:00", "stage": "Demo"}]),
    ]
    contact = next(w for w in result["warnings"] if w["kind"] == "contact_before_creation")
    assert contact["count"] == 2 and len(contact["examples"]) == 1
    assert contact["examples"][0] == {
        "id": "L1",
        "created_at_local": "2025-01-05 10:00:00",
        "first_contact_local": "2025-01-05 09:00:00",
    }
    dup = next(w for w in result["warnings"] if w["kind"] == "duplicate_key")
    assert dup["record_type"] == "opportunities"
    assert dup["examples"] == [{"id": "Q1", "import_id": 1, "file": "opps.csv", "row": 3}]
    none = compute_quality(messy, limit=0)
    assert all(w["examples"] == [] for w in none["warnings"])


def test_unreliable_kpis_deal_basis(report: dict[str, Any]) -> None:
    result = report
    assert result["basis"] == "deal"
    got = {i["id"]: (i["count"], i["total"], i["severity"]) for i in result["unreliable_kpis"]}
    assert got == {
        "won_without_amount": (1, 3, "high"),  # won: Q1, Q3, Q5
        "closed_without_date": (1, 4, "high"),  # won or lost: Q1, Q2, Q3, Q5
        "unknown_stage": (1, 5, "high"),  # exactly 20 %
        "negative_sales_cycle": (1, 3, "high"),  # Q3
        "won_without_quote": (2, 2, "high"),  # won with amount: Q1, Q5
        "leads_without_contact": (1, 4, "high"),  # L4
        "contact_before_creation": (2, 3, "high"),  # of L1, L2, L3
        "deals_without_cost": (1, 2, "high"),  # Q5 has no product
        "deals_without_list_price": (1, 2, "high"),  # Q1 via product P1's list price
        "purchases_without_customer": (1, 3, "high"),  # Q3
    }
    amount = next(i for i in result["unreliable_kpis"] if i["id"] == "won_without_amount")
    assert amount["kpis"] == [
        "sales_volume",
        "gross_margin",
        "price_realization",
        "discount_rate",
        "deal_value_held",
        "avg_deal_size",
    ]
    assert amount["share"] == pytest.approx(1 / 3)


def test_scope_sees_only_its_records(messy: Store) -> None:
    result = compute_quality(messy, scope=Scope(rep_ids=frozenset({"R1"})), lang="en")
    assert result["scoped"] is True
    # Q2 (rep R9) and the history of Q99 (no rep) are not R1's; customers are not checked
    assert result["totals"]["unknown_reference"] == 2
    assert result["totals"]["closed_without_date"] == 0
    assert result["totals"]["duplicate_key"] is None
    assert ("customers", "parent_id") not in _counts(result, "unknown_reference")


def test_order_basis_indicators(store: Store, add: Insert) -> None:
    """Counting lines: 1 (own cost and list price), 2 (product P1's), 3 (nothing), 5 (a return
    without anything); line 4 is cancelled. Without cost / list price: 3 and 5 → 2 of 4."""
    add("products", {"product_id": "P1", "list_price": 120.0, "unit_cost": 60.0})
    base = {"order_date": "2025-01-05", "customer_id": "C1", "unit_net_price": 10.0}
    add(
        "order_lines",
        {"order_id": "S1", "line_no": 1, "quantity": 2, "unit_cost": 6.0, "unit_list_price": 12.0}
        | base,
        {"order_id": "S1", "line_no": 2, "quantity": 1, "product_id": "P1"} | base,
        {"order_id": "S1", "line_no": 3, "quantity": 1} | base,
        {"order_id": "S1", "line_no": 4, "quantity": 1, "status": "cancelled"} | base,
        {"order_id": "S2", "line_no": 1, "quantity": -1} | base,
    )
    result = compute_quality(store, lang="id")
    got = {i["id"]: (i["count"], i["total"]) for i in result["unreliable_kpis"]}
    assert got["lines_without_cost"] == (2, 4)
    assert got["lines_without_list_price"] == (2, 4)
    assert got["purchases_without_customer"] == (0, 3)
    assert "deals_without_cost" not in got
    amount = next(i for i in result["unreliable_kpis"] if i["id"] == "won_without_amount")
    assert amount["kpis"] == ["deal_value_held", "avg_deal_size"]
    assert amount["share"] is None and amount["severity"] == "none"
    assert amount["label"] == "Peluang menang tanpa nilai"


def test_clean_store_has_no_findings(store: Store) -> None:
    result = compute_quality(store, lang="id")
    assert all(v == 0 for v in result["totals"].values())
    assert result["title"] == "Kualitas Data"


@pytest.mark.parametrize("limit", [-1, 2.5, True])
def test_bad_limit(store: Store, limit: Any) -> None:
    with pytest.raises(UsageError, match="limit"):
        compute_quality(store, limit=limit)
