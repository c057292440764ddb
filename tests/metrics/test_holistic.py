"""Group 3: repeat_customer_rate, cost_of_sales_ratio, collateral_usage_rate."""

from __future__ import annotations

import itertools

import pytest

from pantau.metrics import Scope
from pantau.store import Store

from .conftest import by_key, by_period, new_store, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine

REPS = [
    {"rep_id": "R1", "team": "Alpha", "region": "Jawa"},
    {"rep_id": "R2", "team": "Beta", "region": "Bali"},
]


_ORDER_IDS = itertools.count(1)


def _buy(customer: str | None, day: str, rep: str, qty: float = 1, **extra: object) -> dict:
    """A one-line order of ``qty`` × 10 (unless ``unit_net_price`` says otherwise)."""
    return {
        "order_id": f"O{next(_ORDER_IDS)}",
        "line_no": 1,
        "order_date": day,
        "customer_id": customer,
        "rep_id": rep,
        "quantity": qty,
        "unit_net_price": extra.pop("unit_net_price", 10.0),
        **extra,
    }


# -- repeat customer rate ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def repeat_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "repeat")
    seed(
        store,
        reps=REPS,
        order_lines=[
            _buy("C6", "2025-12-05", "R2"),
            _buy("C1", "2026-01-10", "R1"),
            _buy("C4", "2026-01-11", "R2", status="cancelled"),  # not a purchase
            _buy("C6", "2026-02-03", "R2"),
            _buy("C3", "2026-02-04", "R1", qty=-1),  # a return is not a purchase
            _buy("C1", "2026-03-02", "R2"),  # bought before, from R1: a repeat for R2 too
            _buy("C2", "2026-03-03", "R1"),
            _buy("C2", "2026-03-04", "R1"),
            _buy("C3", "2026-03-05", "R1"),
            _buy("C4", "2026-03-06", "R2"),
            _buy("C5", "2026-03-02", "R1"),
            _buy("C5", "2026-03-20", "R1"),  # earlier in the same month: not before it
        ],
    )
    return store


def test_repeat_customers_by_month(repeat_store: Store) -> None:
    got = by_period(repeat_store, start="2026-01", end="2026-03", kpis="repeat_customer_rate")
    # January: C1 is new → 0 / 1; February: C6 bought in December → 1 / 1 (C3's return: no)
    assert got["2026-01"]["repeat_customer_rate"] == 0.0
    assert got["2026-02"]["repeat_customer_rate"] == 1.0
    # March buyers C1 C2 C3 C4 C5; only C1 had bought before 1 March → 1 / 5
    assert got["2026-03"]["repeat_customer_rate"] == pytest.approx(0.2)


def test_repeat_customers_by_quarter_and_rep(repeat_store: Store) -> None:
    q = by_period(
        repeat_store, start="2026-01", end="2026-03", grain="quarter", kpis="repeat_customer_rate"
    )
    # Q1 buyers C1 … C6; only C6 bought before 1 January (C1's first purchase is in Q1)
    assert q["2026-Q1"]["repeat_customer_rate"] == pytest.approx(1 / 6)
    reps = by_key(
        repeat_store, "rep_id", start="2026-03", end="2026-03", by="rep",
        kpis="repeat_customer_rate",
    )  # fmt: skip
    # R1: C2 C3 C5, none bought before → 0; R2: C1 (bought from R1 before) and C4 → 1 / 2
    assert reps[("2026-03", "R1")]["repeat_customer_rate"] == 0.0
    assert reps[("2026-03", "R2")]["repeat_customer_rate"] == 0.5


def test_repeat_customers_on_the_deal_basis(jakarta: Store) -> None:
    def opp(opp_id: str, customer: str | None, stage: str, closed: str, **kw: object) -> dict:
        return {"opportunity_id": opp_id, "rep_id": "R1", "customer_id": customer,
                "stage": stage, "created_at": "2025-12-01", "closed_at": closed, **kw}  # fmt: skip

    seed(
        jakarta,
        opportunities=[
            opp("W1", "C1", "won", "2026-01-15", amount=10.0),
            opp("W2", "C1", "won", "2026-03-05"),  # no amount: still a purchase
            opp("W3", "C2", "won", "2026-03-07", amount=10.0),
            opp("W4", "C3", "lost", "2026-02-07"),  # a lost deal is no purchase
            opp("W5", "C3", "won", "2026-03-08", amount=10.0),
            opp("W6", None, "won", "2026-03-09", amount=10.0),  # no customer: left out
        ],
    )
    march = by_period(jakarta, start="2026-03", end="2026-03", kpis="repeat_customer_rate")
    # March buyers C1 C2 C3, C1 bought in January → 1 / 3
    assert march["2026-03"]["repeat_customer_rate"] == pytest.approx(1 / 3)


# -- cost-of-sales ratio ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def cost_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "costs")

    def line(rep: str, day: str, net: float) -> dict:
        return _buy("C1", day, rep, unit_net_price=net)

    def cost(month: str, category: str, amount: float, **kw: object) -> dict:
        return {"month": month, "category": category, "amount": amount, **kw}

    seed(
        store,
        reps=REPS,
        order_lines=[
            line("R1", "2026-03-05", 1000.0),
            line("R2", "2026-03-06", 500.0),
            line("R1", "2026-04-05", 200.0),
            line("R2", "2026-05-05", 100.0),
        ],
        sales_costs=[
            cost("2026-03", "travel", 100.0, rep_id="R1"),
            cost("2026-03", "ads", 50.0, team="Beta"),  # a team's cost, no rep
            cost("2026-03", "rent", 30.0),  # the company's
            cost("2026-03", "gift", 20.0, rep_id="R9", team="Alpha"),  # unknown rep: own team
            cost("2026-05", "travel", 10.0, rep_id="R1"),
        ],
    )
    return store


def test_cost_of_sales_by_month(cost_store: Store) -> None:
    got = by_period(cost_store, start="2026-03", end="2026-05", kpis="cost_of_sales_ratio")
    # March: (100 + 50 + 30 + 20) / (1000 + 500)
    assert got["2026-03"]["cost_of_sales_ratio"] == pytest.approx(200 / 1500)
    # April has sales but no cost rows at all: unknown
    assert got["2026-04"]["cost_of_sales_ratio"] is None
    assert got["2026-05"]["cost_of_sales_ratio"] == pytest.approx(10 / 100)
    q = by_period(
        cost_store, start="2026-04", end="2026-06", grain="quarter", kpis="cost_of_sales_ratio"
    )
    # Q2 has cost rows (May): 10 / (200 + 100)
    assert q["2026-Q2"]["cost_of_sales_ratio"] == pytest.approx(10 / 300)


def test_cost_of_sales_by_rep_team_region(cost_store: Store) -> None:
    q = {"start": "2026-03", "end": "2026-05", "kpis": "cost_of_sales_ratio"}
    reps = {
        k: r["cost_of_sales_ratio"] for k, r in by_key(cost_store, "rep_id", by="rep", **q).items()
    }
    assert reps == {
        ("2026-03", "R1"): pytest.approx(0.1),  # 100 / 1000
        ("2026-03", "R2"): 0.0,  # no cost rows of R2 in a month with cost rows: 0 / 500
        ("2026-03", "R9"): None,  # 20 / no sales
        ("2026-03", None): None,  # team and company costs, no sales without a rep
        ("2026-04", "R1"): None,  # April: no cost rows anywhere
        ("2026-05", "R1"): None,  # 10 / no sales
        ("2026-05", "R2"): 0.0,  # 0 / 100
    }
    teams = by_key(cost_store, "team", by="team", **q)
    # Alpha: R1's 100 + the unknown rep's row of team Alpha 20, over R1's 1000
    assert teams[("2026-03", "Alpha")]["cost_of_sales_ratio"] == pytest.approx(0.12)
    assert teams[("2026-03", "Beta")]["cost_of_sales_ratio"] == pytest.approx(0.1)  # 50 / 500
    assert teams[("2026-03", None)]["cost_of_sales_ratio"] is None  # the rent, no sales
    regions = by_key(cost_store, "region", by="region", **q)
    assert regions[("2026-03", "Bali")]["cost_of_sales_ratio"] == 0.0
    assert regions[("2026-03", None)]["cost_of_sales_ratio"] is None


def test_cost_of_sales_under_a_team_scope(cost_store: Store) -> None:
    scope = Scope(teams=frozenset({"Alpha"}))
    got = by_period(cost_store, start="2026-03", end="2026-03", kpis="cost_of_sales_ratio",
                    scope=scope)  # fmt: skip
    assert got["2026-03"]["cost_of_sales_ratio"] == pytest.approx(120 / 1000)


# -- collateral usage rate --------------------------------------------------------------------
@pytest.fixture(scope="module")
def collateral_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "collateral")

    def use(item: str, rep: str, day: str) -> dict:
        return {"collateral_id": item, "rep_id": rep, "used_at": day, "action": "shared"}

    seed(
        store,
        reps=REPS,
        collateral=[
            {"collateral_id": "K1", "title": "Deck", "published_at": "2026-01-01"},
            {"collateral_id": "K2", "title": "Promo", "published_at": "2026-03-20"},
            {"collateral_id": "K3", "title": "Old", "retired_at": "2026-03-15"},  # mid-March
            {"collateral_id": "K4", "title": "New", "published_at": "2026-04-05"},
            {"collateral_id": "K5", "title": "Undated"},
            {"collateral_id": "K6", "title": "Gone", "retired_at": "2026-02-28"},
        ],
        collateral_usage=[
            use("K1", "R1", "2026-03-02"),
            use("K1", "R1", "2026-03-03 10:00"),
            use("K3", "R1", "2026-03-04"),
            use("K1", "R2", "2026-03-05"),
            use("K6", "R2", "2026-03-06"),  # retired before March: does not count in March
            use("K4", "R2", "2026-03-30"),  # published in April: not available in March
            use("K3", "R1", "2026-04-02"),  # retired in March: not available in April
            use("K4", "R2", "2026-04-10"),
        ],
    )
    return store


def test_collateral_usage_by_month(collateral_store: Store) -> None:
    got = by_period(collateral_store, start="2026-03", end="2026-04", kpis="collateral_usage_rate")
    # March available: K1 K2 K3 (retired mid-March) K5 = 4; used: K1 K3 → 2 / 4
    assert got["2026-03"]["collateral_usage_rate"] == 0.5
    # April available: K1 K2 K4 K5 = 4; used: K4 → 1 / 4
    assert got["2026-04"]["collateral_usage_rate"] == 0.25


def test_collateral_usage_by_rep(collateral_store: Store) -> None:
    got = by_key(collateral_store, "rep_id", start="2026-03", end="2026-04", by="rep",
                 kpis="collateral_usage_rate")  # fmt: skip
    assert {k: r["collateral_usage_rate"] for k, r in got.items()} == {
        ("2026-03", "R1"): 0.5,  # K1 K3 of the 4 available
        ("2026-03", "R2"): 0.25,  # K1
        ("2026-04", "R2"): 0.25,  # K4; R1's only April use is of a retired item: no row
    }


def test_collateral_usage_by_quarter_and_scope(collateral_store: Store) -> None:
    q = by_period(collateral_store, start="2026-01", end="2026-03", grain="quarter",
                  kpis="collateral_usage_rate")  # fmt: skip
    # Q1 available: K1 K2 K3 K5 K6 (retired in Q1, not before it) = 5; used: K1 K3 K6 → 3 / 5
    assert q["2026-Q1"]["collateral_usage_rate"] == pytest.approx(0.6)
    r2 = Scope(rep_ids=frozenset({"R2"}))
    scoped = by_period(
        collateral_store, start="2026-03", end="2026-03", kpis="collateral_usage_rate", scope=r2
    )
    # items used by R2 (K1) over all available items (4)
    assert scoped["2026-03"]["collateral_usage_rate"] == 0.25
