"""Retention cohorts on hand-worked purchases (expected numbers worked out in the comments)."""

from __future__ import annotations

from typing import Any

import pytest

from pantau.analysis.cohorts import compute_cohorts
from pantau.metrics import Scope
from pantau.store import Store

from .helpers import Insert, insert


def _line(order: str, day: str, customer: str, qty: float, **kw: Any) -> dict[str, Any]:
    row = {"order_id": order, "line_no": 1, "order_date": day, "customer_id": customer}
    return row | {"quantity": qty, "unit_net_price": 10.0, "rep_id": "R1"} | kw


@pytest.fixture(scope="module")
def orders(shared_store: Store) -> Store:
    """Order lines, window 2025-01..2025-03 (purchase = not cancelled and quantity > 0):

    C1 first bought 2024-11 (before the window), again 2025-01   → no cohort in the window
    C2 2025-01; a return (−1) in 2025-02; 2025-03                  → cohort Jan, k = 0, 2
    C3 2025-01; a CANCELLED line in 2025-02; 2025-04 (after end)   → cohort Jan, k = 0
    C4 two lines 2025-02 (via R2's opportunity); 2025-03 (R1)      → cohort Feb, k = 0, 1
    C5 a cancelled line in 2025-01, first real purchase 2025-03    → cohort Mar, k = 0
    C6 only a return in 2025-02                                    → never a purchase
    """
    insert(
        shared_store, "reps", {"rep_id": "R1", "team": "North"}, {"rep_id": "R2", "team": "South"}
    )
    insert(
        shared_store,
        "opportunities",
        {"opportunity_id": "OP4", "rep_id": "R2", "created_at": "2025-01-01", "stage": "Won"},
    )
    insert(
        shared_store,
        "order_lines",
        _line("A1", "2024-11-15", "C1", 1),
        _line("A2", "2025-01-10", "C1", 1),
        _line("B1", "2025-01-05", "C2", 2),
        _line("B2", "2025-02-05", "C2", -1),
        _line("B3", "2025-03-05", "C2", 1),
        _line("D1", "2025-01-31 23:30", "C3", 1),
        _line("D2", "2025-02-07", "C3", 1, status="CANCELLED"),
        _line("D3", "2025-04-02", "C3", 1),
        _line("E1", "2025-02-01 00:30", "C4", 1, rep_id=None, opportunity_id="OP4"),
        _line("E1", "2025-02-01 00:30", "C4", 3, line_no=2, rep_id=None, opportunity_id="OP4"),
        _line("E2", "2025-03-03", "C4", 1),
        _line("F1", "2025-01-20", "C5", 1, status="cancelled"),
        _line("F2", "2025-03-20", "C5", 1),
        _line("G1", "2025-02-20", "C6", -1),
    )
    return shared_store


def _table(result: dict[str, Any]) -> dict[str, tuple[int, list[int]]]:
    return {
        c["cohort"]: (c["size"], [m["customers"] for m in c["months"]]) for c in result["cohorts"]
    }


def test_cohorts_order_basis(orders: Store) -> None:
    result = compute_cohorts(orders, start="2025-01", end="2025-03", lang="en")
    assert result["basis"] == "order" and result["max_k"] == 2
    assert _table(result) == {
        "2025-01": (2, [2, 0, 1]),  # C2, C3; only C2 bought again (March)
        "2025-02": (1, [1, 1]),  # C4, bought again in March
        "2025-03": (1, [1]),  # C5
    }
    jan = result["cohorts"][0]["months"]
    assert [m["share"] for m in jan] == pytest.approx([1.0, 0.0, 0.5])
    # size-weighted over the cohorts observed at k: k=1 (Jan, Feb) 1/3, k=2 (Jan) 1/2
    average = [(a["customers"], a["cohort_size"]) for a in result["average"]]
    assert average == [(4, 4), (1, 3), (1, 2)]
    assert result["average"][1]["share"] == pytest.approx(1 / 3)


def test_first_purchase_is_decided_by_all_history(orders: Store) -> None:
    result = compute_cohorts(orders, start="2024-11", end="2025-04", lang="en")
    table = _table(result)
    assert table["2024-11"] == (1, [1, 0, 1, 0, 0, 0])  # C1 returned in January (k=2)
    assert table["2025-01"] == (2, [2, 0, 1, 1])  # C3 bought again in April (k=3)
    assert table["2024-12"] == (0, [0, 0, 0, 0, 0])
    assert all(m["share"] is None for m in result["cohorts"][1]["months"])


def test_scope_keeps_first_purchase_from_anyone(orders: Store) -> None:
    # R2 sees only C4's February lines (attributed through opportunity OP4); C4's March
    # purchase is R1's, so R2's cohort of February has nobody back in March.
    result = compute_cohorts(
        orders, start="2025-01", end="2025-03", scope=Scope(rep_ids=frozenset({"R2"})), lang="en"
    )
    assert _table(result) == {
        "2025-01": (0, [0, 0, 0]),
        "2025-02": (1, [1, 0]),
        "2025-03": (0, [0]),
    }
    # South (R2's team) sees the same; North sees everything but C4's February lines
    south = compute_cohorts(
        orders, start="2025-01", end="2025-03", scope=Scope(teams=frozenset({"South"}))
    )
    assert _table(south) == _table(result)
    north = compute_cohorts(
        orders, start="2025-01", end="2025-03", scope=Scope(teams=frozenset({"North"}))
    )
    # C4's first purchase (February) is not North's: C4 is in no North cohort
    assert _table(north)["2025-02"] == (0, [0, 0])


def test_cohorts_deal_basis(store: Store, add: Insert) -> None:
    """No order lines: a purchase is a won opportunity in the month of its closed_at.
    K1 won 2025-01 and 2025-03 → cohort Jan, k=0 and k=2; K2 only lost; K3 won without a
    close date (in no period); an opportunity without customer is left out."""
    add("reps", {"rep_id": "R1"})

    def won(
        oid: str, customer: str | None, closed: str | None, stage: str = "Closed Won"
    ) -> dict[str, Any]:
        row = {"opportunity_id": oid, "rep_id": "R1", "created_at": "2024-12-01", "stage": stage}
        return row | {"customer_id": customer, "closed_at": closed}

    add(
        "opportunities",
        won("W1", "K1", "2025-01-10"),
        won("W2", "K1", "2025-03-10", stage="menang"),
        won("W3", "K2", "2025-01-10", stage="Closed Lost"),
        won("W4", "K3", None),
        won("W5", None, "2025-02-10"),
    )
    result = compute_cohorts(store, start="2025-01", end="2025-03", lang="id")
    assert result["basis"] == "deal"
    assert _table(result) == {
        "2025-01": (1, [1, 0, 1]),
        "2025-02": (0, [0, 0]),
        "2025-03": (0, [0]),
    }
    assert result["title"] == "Kohort Retensi"
