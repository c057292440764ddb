"""The engine's contract: ranges, validation, row existence and order, scope, parts, JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pantau.errors import UnknownKpi, UsageError
from pantau.metrics import KpiQuery, Scope, catalogue, compute_kpis, get_kpi
from pantau.store import Store

from .conftest import new_store, rows, run, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine


def _months(first: tuple[int, int], count: int) -> list[str]:
    year, month = first
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@pytest.fixture(scope="module")
def monthly_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One lead a month from 2025-05 to 2026-07 (R1, then R2 from 2026-01), one won deal."""
    store = new_store(tmp_path_factory, "monthly")
    leads = [
        {"lead_id": f"L{m}", "created_at": f"{m}-10", "rep_id": "R1" if m < "2026" else "R2"}
        for m in _months((2025, 5), 15)
    ]
    leads.append({"lead_id": "LX", "created_at": "2026-03-11"})  # no rep
    seed(
        store,
        reps=[{"rep_id": "R1", "team": "Alpha"}, {"rep_id": "R2", "team": "Beta"}],
        leads=leads,
        opportunities=[
            {
                "opportunity_id": "O1",
                "rep_id": "R3",
                "stage": "won",
                "amount": 10.0,
                "created_at": "2026-03-01",
                "closed_at": "2026-03-02",
            },
        ],  # fmt: skip
    )
    return store


def _periods(store: Store, **query: object) -> list[str]:
    return [r["period"] for r in rows(store, kpis="leads", **query)]


def test_default_range_is_the_last_12_complete_months_with_data(monthly_store: Store) -> None:
    # today is 2026-07-15: July is incomplete; June 2026 is the last complete month with data
    assert _periods(monthly_store) == _months((2025, 7), 12)
    result = compute_kpis(monthly_store, KpiQuery(kpis=("leads",)), today=date(2027, 3, 1))
    # long after the data: the window ends with the last month that has data (2026-07)
    assert [r["period"] for r in result["rows"]] == _months((2025, 8), 12)


def test_one_sided_ranges(monthly_store: Store) -> None:
    assert _periods(monthly_store, end="2026-03") == _months((2025, 5), 11)  # 2025-04 has none
    assert _periods(monthly_store, start="2026-05") == ["2026-05", "2026-06"]


def test_ranges_widen_to_whole_periods(monthly_store: Store) -> None:
    got = rows(monthly_store, kpis="leads", start="2026-02", end="2026-04", grain="quarter")
    # Q1 counts January too (3 leads + the lead without rep), Q2 counts May and June
    assert [(r["period"], r["leads"]) for r in got] == [("2026-Q1", 4), ("2026-Q2", 3)]
    got = rows(monthly_store, kpis="leads", start="2025-12", end="2026-01", grain="year")
    assert [(r["period"], r["leads"]) for r in got] == [("2025", 8), ("2026", 8)]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"grain": "week"}, UsageError),
        ({"by": "city"}, UsageError),
        ({"start": "2026-13"}, UsageError),
        ({"end": "March"}, UsageError),
        ({"start": "2026-05", "end": "2026-03"}, UsageError),
        ({"kpis": ("win_rate", "nope")}, UnknownKpi),
    ],
)
def test_bad_queries(monthly_store: Store, query: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        run(monthly_store, **query)


def test_catalogue_order_and_lookup() -> None:
    ids = [k.id for k in catalogue()]
    assert ids[:3] == ["leads", "speed_to_lead", "response_time_median_min"]
    assert ids[-1] == "collateral_usage_rate" and len(ids) == 17
    assert get_kpi(" Win_Rate ").id == "win_rate"
    with pytest.raises(UnknownKpi):
        get_kpi("revenue")
    assert [k.group for k in catalogue()].count("peluang") == 7


def test_rows_have_the_contract_shape(monthly_store: Store) -> None:
    result = run(monthly_store, start="2026-03", end="2026-03", by="rep",
                 kpis=("win_rate", "leads", "win_rate"))  # fmt: skip
    json.dumps(result, allow_nan=False)
    assert list(result) == ["grain", "by", "basis", "rows"]
    assert (result["grain"], result["by"], result["basis"]) == ("month", "rep", "deals")
    # requested order kept, duplicates dropped; sorted by key with the null key last
    assert result["rows"] == [
        {"period": "2026-03", "rep_id": "R2", "win_rate": None, "leads": 1, "targets": {}},
        {"period": "2026-03", "rep_id": "R3", "win_rate": 1.0, "leads": 0, "targets": {}},
        {"period": "2026-03", "rep_id": None, "win_rate": None, "leads": 1, "targets": {}},
    ]


def test_all_kpis_by_default_in_spec_order(monthly_store: Store) -> None:
    row = rows(monthly_store, start="2026-03", end="2026-03")[0]
    assert [k for k in row if k not in ("period", "targets")] == [k.id for k in catalogue()]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        # no limit: R2's lead, R3's won deal, the lead without rep
        (Scope(), [("R2", 1), ("R3", 0), (None, 1)]),
        (Scope(rep_ids=frozenset({"R2"})), [("R2", 1)]),
        (Scope(teams=frozenset({"Beta"})), [("R2", 1)]),  # R3 is unknown: no team
        (Scope(rep_ids=frozenset({"R3"}), teams=frozenset({"Beta"})), [("R2", 1), ("R3", 0)]),
        (Scope(rep_ids=frozenset()), []),
    ],
)
def test_scope(monthly_store: Store, scope: Scope, expected: list[tuple[str, int]]) -> None:
    got = rows(monthly_store, start="2026-03", end="2026-03", by="rep",
               kpis=("leads", "win_rate"), scope=scope)  # fmt: skip
    assert [(r["rep_id"], r["leads"]) for r in got] == expected


def test_parts(monthly_store: Store) -> None:
    got = rows(monthly_store, start="2026-03", end="2026-03", include_parts=True,
               kpis=("leads", "win_rate", "sales_cycle_days", "speed_to_lead"))  # fmt: skip
    parts = got[0]["parts"]
    assert parts["leads"] == {"numerator": 2, "denominator": None, "n": 2}
    assert parts["win_rate"] == {"numerator": 1, "denominator": 1, "n": 1}
    assert parts["sales_cycle_days"] == {"numerator": None, "denominator": None, "n": 1}
    # no contact information in the store: the value is null, the parts are still there
    assert got[0]["speed_to_lead"] is None
    assert parts["speed_to_lead"] == {"numerator": 0, "denominator": 2, "n": 2}


def test_planned_activities_do_not_move_the_default_range(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A CRM export holds planned calls and meetings in the weeks ahead: they are behind no KPI
    (activities count done ones), so the last month "with data" is that of the done work."""
    store = new_store(tmp_path_factory, "planned")
    leads = [
        {"lead_id": f"L{m}", "created_at": f"{2025 + (m + 4) // 12}-{(m + 4) % 12 + 1:02d}-10"}
        for m in range(13)  # one lead a month, 2025-05 .. 2026-05
    ]
    planned = {"activity_id": "A1", "occurred_at": "2026-06-20 09:00", "status": "planned"}
    seed(store, leads=leads, activities=[planned])
    today = date(2026, 7, 15)  # June is complete, and holds only the planned activity
    result = compute_kpis(store, KpiQuery(kpis=("leads",)), today=today)
    assert [r["period"] for r in result["rows"]] == _months((2025, 6), 12)  # ends in May
    seed(store, activities=[{"activity_id": "A2", "occurred_at": "2026-06-21 09:00"}])
    result = compute_kpis(store, KpiQuery(kpis=("leads", "activities")), today=today)
    # no status means done: June has data now, and the 12 months end there
    assert [r["period"] for r in result["rows"]] == _months((2025, 7), 12)
    assert result["rows"][-1]["activities"] == 1
