"""Group 2, sales KPIs on the order basis and the deal basis.

sales_volume, gross_margin, price_realization, discount_rate: cancelled lines, returns, line
totals instead of unit prices, fallbacks to product prices and costs, lines without a cost.
"""

from __future__ import annotations

import pytest

from pantau.store import Store

from .conftest import by_key, by_period, new_store, put, run, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine

SALES = ("sales_volume", "gross_margin", "price_realization", "discount_rate")


def _line(order: str, no: int, customer: str, product: str, qty: float, **extra: object) -> dict:
    return {
        "order_id": order,
        "line_no": no,
        "order_date": extra.pop("order_date", "2026-03-10"),
        "customer_id": customer,
        "product_id": product,
        "quantity": qty,
        **extra,
    }


LINES = [
    # net 2 × 90 = 180; list: product 100 × 2 = 200; cost: product 60 × 2 = 120
    _line("A", 1, "C1", "P1", 2, rep_id="R1", unit_net_price=90.0),
    # the line's own prices: net 80, list 100, cost 50
    _line("A", 2, "C1", "P1", 1, rep_id="R1", unit_net_price=80.0, unit_list_price=100.0,
          unit_cost=50.0),
    # totals only: net 300; list 300 / (1 − 0.25) = 400; cost 300 − profit 120 = 180;
    # no rep on the line: the linked opportunity's rep R2
    _line("B", 1, "C2", "P2", 3, opportunity_id="OP9", net_amount=300.0, discount=0.25,
          profit=120.0),
    # cancelled: left out everywhere
    _line("B", 2, "C2", "P2", 1, rep_id="R2", unit_net_price=100.0, status="cancelled"),
    # no cost at all (P3 has no unit_cost): out of gross margin; list from product 50
    _line("C", 1, "C3", "P3", 1, rep_id="R2", unit_net_price=45.0),
    # a return: net −90, list −100, cost −60 (product)
    _line("C", 2, "C1", "P1", -1, rep_id="R1", unit_net_price=90.0),
    # net 150, cost_amount 100; no list price anywhere (P2): out of price realization
    _line("D", 1, "C2", "P2", 2, rep_id="R1", net_amount=150.0, cost_amount=100.0),
    # April
    _line("E", 1, "C1", "P1", 1, rep_id="R1", unit_net_price=100.0, order_date="2026-04-02"),
    # 2026-03-31 17:00 UTC = 2026-04-01 00:00 in Jakarta: April
    _line("E", 2, "C1", "P1", 1, rep_id="R1", unit_net_price=100.0,
          order_date="2026-03-31T17:00:00Z"),
]  # fmt: skip


@pytest.fixture(scope="module")
def orders_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "orders")
    seed(
        store,
        reps=[{"rep_id": "R1", "team": "Alpha"}, {"rep_id": "R2", "team": "Beta"}],
        customers=[
            {"customer_id": "C1", "segment": "SMB"},
            {"customer_id": "C2", "segment": "Enterprise"},
            {"customer_id": "C3"},
        ],
        products=[
            {"product_id": "P1", "list_price": 100.0, "unit_cost": 60.0},
            {"product_id": "P2"},
            {"product_id": "P3", "list_price": 50.0},
        ],
        opportunities=[
            {"opportunity_id": "OP9", "rep_id": "R2", "created_at": "2026-02-01",
             "stage": "negotiation"},
        ],
        order_lines=LINES,
    )  # fmt: skip
    return store


def test_order_basis_month(orders_store: Store) -> None:
    result = run(orders_store, start="2026-03", end="2026-04", kpis=SALES)
    assert result["basis"] == "orders"
    march = {r["period"]: r for r in result["rows"]}["2026-03"]
    # 180 + 80 + 300 + 45 − 90 + 150 (cancelled B/2 left out)
    assert march["sales_volume"] == pytest.approx(665.0)
    # lines with a cost: A/1 A/2 B/1 C/2 D/1: net 620, cost 120 + 50 + 180 − 60 + 100 = 390
    assert march["gross_margin"] == pytest.approx((620 - 390) / 620)
    # lines with a list price: A/1 A/2 B/1 C/1 C/2: net 515, list 200 + 100 + 400 + 50 − 100
    assert march["price_realization"] == pytest.approx(515 / 650)
    assert march["discount_rate"] == pytest.approx(1 - 515 / 650)


def test_order_basis_next_month_and_quarter(orders_store: Store) -> None:
    april = by_period(orders_store, start="2026-04", end="2026-04", kpis=SALES)["2026-04"]
    # E/1 and E/2 (midnight of 1 April local): 2 × 100, product cost 2 × 60, list 2 × 100
    assert april["sales_volume"] == 200.0
    assert april["gross_margin"] == pytest.approx(0.4)
    assert april["price_realization"] == 1.0
    assert april["discount_rate"] == 0.0
    q = by_period(orders_store, start="2026-01", end="2026-06", grain="quarter", kpis=SALES)
    assert q["2026-Q1"]["sales_volume"] == pytest.approx(665.0)
    assert q["2026-Q2"]["sales_volume"] == pytest.approx(200.0)


def test_order_basis_attribution(orders_store: Store) -> None:
    q = {"start": "2026-03", "end": "2026-03", "kpis": "sales_volume"}
    reps = by_key(orders_store, "rep_id", by="rep", **q)
    # R1: A/1 A/2 C/2 D/1 = 180 + 80 − 90 + 150; R2: B/1 (via OP9) + C/1 = 300 + 45
    assert {k[1]: r["sales_volume"] for k, r in reps.items()} == {"R1": 320.0, "R2": 345.0}
    teams = by_key(orders_store, "team", by="team", **q)
    assert {k[1]: r["sales_volume"] for k, r in teams.items()} == {"Alpha": 320.0, "Beta": 345.0}
    segments = by_key(orders_store, "segment", by="segment", **q)
    assert {k[1]: r["sales_volume"] for k, r in segments.items()} == {
        "Enterprise": 450.0,
        "SMB": 170.0,
        None: 45.0,
    }
    products = by_key(orders_store, "product_id", by="product", **q)
    assert {k[1]: r["sales_volume"] for k, r in products.items()} == {
        "P1": 170.0,
        "P2": 450.0,
        "P3": 45.0,
    }


def test_source_breakdown_is_deal_basis_only(orders_store: Store) -> None:
    q = {"start": "2026-03", "end": "2026-03", "by": "source"}
    assert run(orders_store, kpis=SALES, **q)["rows"] == []


@pytest.fixture(scope="module")
def deals_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "deals")

    def won(opp_id: str, product: str, **extra: object) -> dict:
        return {"opportunity_id": opp_id, "rep_id": "R1", "stage": "won", "product_id": product,
                "created_at": "2026-03-01", "closed_at": "2026-03-20", **extra}  # fmt: skip

    seed(
        store,
        products=[
            {"product_id": "P1", "list_price": 100.0, "unit_cost": 60.0},
            {"product_id": "P2"},
        ],
        leads=[{"lead_id": "L1", "created_at": "2026-02-01", "source": "web"}],
        opportunities=[
            # list 100 × 2 = 200, cost 60 × 2 = 120
            won("D1", "P1", quantity=2, amount=180.0, lead_id="L1"),
            # no quantity (1): own list_amount 95, cost 60
            won("D2", "P1", amount=90.0, list_amount=95.0),
            # P2 has no prices: out of price realization and gross margin
            won("D3", "P2", amount=500.0),
            # no amount: out of every amount KPI
            won("D4", "P1"),
            {"opportunity_id": "D5", "rep_id": "R1", "stage": "lost", "created_at": "2026-03-01",
             "closed_at": "2026-03-20", "amount": 999.0},
        ],
    )  # fmt: skip
    return store


def test_deal_basis(deals_store: Store) -> None:
    result = run(deals_store, start="2026-03", end="2026-03", kpis=SALES)
    assert result["basis"] == "deals"
    march = result["rows"][0]
    assert march["sales_volume"] == pytest.approx(180 + 90 + 500)
    # D1 and D2: amounts 270, costs 120 + 60 = 180
    assert march["gross_margin"] == pytest.approx(90 / 270)
    # D1 (180 / 200) and D2 (90 / 95)
    assert march["price_realization"] == pytest.approx(270 / 295)
    assert march["discount_rate"] == pytest.approx(1 - 270 / 295)


def test_deal_basis_by_source(deals_store: Store) -> None:
    got = by_key(deals_store, "source", start="2026-03", end="2026-03", by="source", kpis=SALES)
    assert got[("2026-03", "web")]["sales_volume"] == 180.0
    assert got[("2026-03", None)]["sales_volume"] == 590.0


def test_any_order_line_switches_the_whole_store_to_the_order_basis(jakarta: Store) -> None:
    seed(
        jakarta,
        opportunities=[
            {"opportunity_id": "O1", "rep_id": "R1", "stage": "won", "amount": 100.0,
             "created_at": "2026-03-01", "closed_at": "2026-03-05"},
        ],
    )  # fmt: skip
    kpis = ("sales_volume", "avg_deal_size")
    before = run(jakarta, start="2026-03", end="2026-03", kpis=kpis)
    assert before["basis"] == "deals"
    assert before["rows"][0]["sales_volume"] == 100.0
    # one order line, in another year
    put(jakarta, "order_lines", _line("Z", 1, "C9", "P9", 1, unit_net_price=5.0,
                                      order_date="2024-01-01"))  # fmt: skip
    after = run(jakarta, start="2026-03", end="2026-03", kpis=kpis)
    assert after["basis"] == "orders"
    # March has no order lines: sales volume 0; average deal size stays on opportunities
    assert after["rows"] == [
        {"period": "2026-03", "sales_volume": 0.0, "avg_deal_size": 100.0, "targets": {}}
    ]
