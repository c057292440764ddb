"""Properties over random small stores (hypothesis).

- a quarter's ratio is recomputed from its months' numerators and denominators (never averaged);
- rates that are shares of records lie in [0, 1];
- records in another period change nothing.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.store import Store

from .conftest import rows, seed

RATIOS = (
    "speed_to_lead",
    "qualified_rate",
    "win_rate",
    "gross_margin",
    "price_realization",
    "discount_rate",
    "deal_value_held",
    "avg_deal_size",
    "cost_of_sales_ratio",
)
SHARES = (
    "speed_to_lead",
    "qualified_rate",
    "win_rate",
    "repeat_customer_rate",
    "collateral_usage_rate",
)
REPS = ("R1", "R2", None)
CUSTOMERS = ("C1", "C2", "C3", None)

month = st.integers(1, 6)
day = st.integers(1, 28)
moment = st.builds(lambda m, d, h: datetime(2026, m, d, h, 30), month, day, st.integers(0, 23))
when = moment.map(lambda at: at.isoformat(sep=" "))


@st.composite
def leads(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(0, 6))):
        created = draw(moment)
        minutes = draw(st.none() | st.integers(-30, 200))  # -30: contact before creation
        contact = None if minutes is None else created + timedelta(minutes=minutes)
        out.append({"lead_id": f"L{i}", "created_at": created,
                    "rep_id": draw(st.sampled_from(REPS)), "first_contact_at": contact,
                    "status": draw(st.sampled_from(["open", "qualified"]))})  # fmt: skip
    return out


@st.composite
def opportunities(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(0, 6))):
        out.append({"opportunity_id": f"O{i}", "rep_id": draw(st.sampled_from(REPS[:2])),
                    "stage": draw(st.sampled_from(["won", "lost"])),
                    "created_at": "2025-12-01", "closed_at": draw(when),
                    "amount": draw(st.none() | st.floats(10, 1000)),
                    "quoted_amount": draw(st.none() | st.floats(0, 1200)),
                    "customer_id": draw(st.sampled_from(CUSTOMERS))})  # fmt: skip
    return out


@st.composite
def order_lines(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for i in range(draw(st.integers(0, 6))):
        qty = draw(st.sampled_from([-1, 1, 2, 3]))
        out.append({"order_id": f"S{i}", "line_no": 1, "order_date": draw(when),
                    "customer_id": draw(st.sampled_from(CUSTOMERS[:3])),
                    "rep_id": draw(st.sampled_from(REPS)), "quantity": qty,
                    "unit_net_price": draw(st.floats(10, 100)),
                    "unit_list_price": draw(st.none() | st.floats(50, 120)),
                    "unit_cost": draw(st.none() | st.floats(5, 60)),
                    "status": draw(st.sampled_from(["confirmed", "cancelled"]))})  # fmt: skip
    return out


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    costs = [
        {"month": f"2026-{draw(month):02d}", "category": f"c{i}", "amount": draw(st.floats(1, 50)),
         "rep_id": draw(st.sampled_from(REPS))}
        for i in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    usage = [
        {"collateral_id": draw(st.sampled_from(["K1", "K2"])), "rep_id": "R1",
         "used_at": draw(when), "action": f"a{i}"}
        for i in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    return {
        "reps": [{"rep_id": "R1", "team": "T1"}, {"rep_id": "R2", "team": "T2"}],
        "leads": draw(leads()),
        "opportunities": draw(opportunities()),
        "order_lines": draw(order_lines()),
        "sales_costs": costs,
        "collateral": [
            {"collateral_id": "K1", "title": "a"},
            {"collateral_id": "K2", "title": "b", "retired_at": "2026-02-10"},
        ],
        "collateral_usage": usage,
    }


def _store(folder: str, data: dict[str, list[dict[str, Any]]]) -> Store:
    store = Store(Path(folder) / "p.duckdb")
    seed(store, **data)
    return store


PROPERTY = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _expected(kpi: str, num: float, den: float) -> float | None:
    if not den:
        return None
    return 1 - num / den if kpi == "discount_rate" else num / den


def _check_quarter(kpi: str, quarter: dict[str, Any], months: list[dict[str, Any]]) -> None:
    num = sum(m["parts"][kpi]["numerator"] for m in months)
    den = sum(m["parts"][kpi]["denominator"] for m in months)
    assert quarter["parts"][kpi]["numerator"] == pytest.approx(num)
    assert quarter["parts"][kpi]["denominator"] == pytest.approx(den)
    unknown = all(m[kpi] is None for m in months) and den
    if quarter[kpi] is None:
        assert not den or unknown, (kpi, num, den)
    else:
        assert quarter[kpi] == pytest.approx(_expected(kpi, num, den), rel=1e-9, abs=1e-12)


@PROPERTY
@given(data=datasets())
def test_quarters_recompute_ratios_and_shares_are_fractions(data: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = _store(folder, data)
        q = {"start": "2026-01", "end": "2026-06", "include_parts": True}
        monthly = rows(store, kpis=RATIOS + SHARES, **q)
        quarterly = rows(store, kpis=RATIOS + SHARES, grain="quarter", **q)
    for row in monthly + quarterly:
        for kpi in SHARES:
            assert row[kpi] is None or 0.0 <= row[kpi] <= 1.0, (kpi, row[kpi])
    for quarter in quarterly:
        first = {"2026-Q1": "2026-01", "2026-Q2": "2026-04"}[quarter["period"]]
        months = [
            m for m in monthly if first <= m["period"] < f"{first[:5]}{int(first[5:]) + 3:02d}"
        ]
        assert months, "a quarter row exists only if one of its months has a row"
        for kpi in RATIOS:
            _check_quarter(kpi, quarter, months)


UNRELATED = {
    "leads": [{"lead_id": "LZ", "created_at": "2027-03-05", "rep_id": "R1"}],
    "activities": [{"activity_id": "AZ", "rep_id": "R1", "type": "meeting",
                    "occurred_at": "2027-03-05"}],
    "opportunities": [{"opportunity_id": "OZ", "rep_id": "R2", "stage": "won", "amount": 5.0,
                       "created_at": "2027-03-01", "closed_at": "2027-03-05",
                       "customer_id": "C1"}],
    "sales_costs": [{"month": "2027-03", "category": "z", "amount": 3.0, "rep_id": "R1"}],
    "collateral_usage": [{"collateral_id": "K1", "rep_id": "R2", "used_at": "2027-03-05"}],
}  # fmt: skip


@PROPERTY
@given(data=datasets())
def test_records_in_another_period_change_nothing(data: dict) -> None:
    extra = dict(UNRELATED)
    if data["order_lines"]:  # a first order line would change the basis of the whole store
        line = {"order_id": "SZ", "line_no": 1, "order_date": "2027-03-05", "customer_id": "C1",
                "quantity": 1, "unit_net_price": 9.0}  # fmt: skip
        extra["order_lines"] = [line]
    with tempfile.TemporaryDirectory() as folder:
        store = _store(folder, data)
        q = {"start": "2026-01", "end": "2026-06", "by": "rep"}
        before = rows(store, **q)
        seed(store, **extra)
        assert rows(store, **q) == before
