"""Each refresh rule of the aggregate layer, on the case that needs it.

Small files imported with the real importer into a store whose layer is filled: the import
changes a period *other* than the months of the rows it wrote, and the cached answer must follow
(equal to the direct computation, and showing the change).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pantau.ingest import import_file
from pantau.metrics import KpiQuery, compute_kpis
from pantau.metrics import engine as eng
from pantau.store import Store

from .compare import same

TODAY = date(2026, 7, 15)
REPS = [{"rep_id": "R1", "name": "Ani", "team": "A"}, {"rep_id": "R2", "name": "Budi", "team": "B"}]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    eng.clear_caches()
    yield
    eng.clear_caches()


class Importer:
    def __init__(self, store: Store, folder: Path) -> None:
        self.store, self.folder, self.n = store, folder, 0

    def __call__(self, record_type: str, *rows: dict[str, Any]) -> None:
        self.n += 1
        path = self.folder / f"{self.n}-{record_type}.csv"
        header = list(dict.fromkeys(k for r in rows for k in r))
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, header)
            writer.writeheader()
            writer.writerows(rows)
        import_file(self.store, record_type, path, user="test")


@pytest.fixture
def imp(tmp_path: Path) -> Importer:
    store = Store(tmp_path / "store.duckdb")
    importer = Importer(store, tmp_path)
    importer("reps", *REPS)
    return importer


def _both(store: Store, **query: Any) -> list[dict[str, Any]]:
    """The cached answer, checked against the direct computation."""
    got = compute_kpis(store, KpiQuery(**query), today=TODAY)
    assert same(got, compute_kpis(store, KpiQuery(**query), today=TODAY, cache=False))
    return got["rows"]


def _value(rows: list[dict[str, Any]], period: str, kpi: str, **key: Any) -> Any:
    found = [
        r for r in rows if r["period"] == period and all(r.get(k) == v for k, v in key.items())
    ]
    assert len(found) == 1, (period, key, rows)
    return found[0][kpi]


def _opp(opp_id: str, month: str, **extra: Any) -> dict[str, Any]:
    return {"opportunity_id": opp_id, "rep_id": "R1", "created_at": f"{month}-01",
            "stage": "won", "closed_at": f"{month}-10", "amount": 100, **extra}  # fmt: skip


def test_new_opportunity_qualifies_an_older_lead(imp: Importer) -> None:
    imp("leads", {"lead_id": "L1", "created_at": "2026-01-05", "rep_id": "R1", "status": "open"})
    query = {"start": "2026-01", "end": "2026-03", "kpis": ("qualified_rate", "win_rate")}
    assert _value(_both(imp.store, **query), "2026-01", "qualified_rate") == 0.0
    imp("opportunities", _opp("O1", "2026-03", lead_id="L1"))
    assert _value(_both(imp.store, **query), "2026-01", "qualified_rate") == 1.0
    assert eng.LAYER.deltas[-1].dirt["leads"].months == {2026 * 12}


def test_new_activity_is_an_older_leads_first_contact(imp: Importer) -> None:
    imp("leads", {"lead_id": "L1", "created_at": "2026-01-31 23:30", "rep_id": "R1"},
        {"lead_id": "L2", "created_at": "2026-01-20 10:00", "rep_id": "R1",
         "first_contact_at": "2026-01-20 13:00"})  # fmt: skip
    query = {"start": "2026-01", "end": "2026-02", "kpis": ("speed_to_lead",)}
    assert _value(_both(imp.store, **query), "2026-01", "speed_to_lead") == 0.0
    imp("activities", {"activity_id": "A1", "rep_id": "R1", "type": "call",
                       "occurred_at": "2026-02-01 00:10", "lead_id": "L1"})  # fmt: skip
    assert _value(_both(imp.store, **query), "2026-01", "speed_to_lead") == 0.5


def test_new_lead_gives_older_opportunities_their_source(imp: Importer) -> None:
    imp("opportunities", _opp("O1", "2026-02", lead_id="L9"))  # L9 not known yet
    query = {"start": "2026-02", "end": "2026-02", "by": "source", "kpis": ("win_rate",)}
    assert [r["source"] for r in _both(imp.store, **query)] == [None]
    imp("leads", {"lead_id": "L9", "created_at": "2025-12-01", "source": "web"})
    assert [r["source"] for r in _both(imp.store, **query)] == ["web"]


def test_new_opportunity_gives_older_order_lines_their_rep(imp: Importer) -> None:
    line = {"order_id": "S1", "order_date": "2026-02-03", "customer_id": "C1",
            "quantity": 1, "unit_net_price": 50, "opportunity_id": "O5"}  # fmt: skip
    imp("order_lines", line)
    query = {"start": "2026-02", "end": "2026-02", "by": "rep", "kpis": ("sales_volume",)}
    assert [r["rep_id"] for r in _both(imp.store, **query)] == [None]
    imp("opportunities", _opp("O5", "2026-05", rep_id="R2"))
    assert [r["rep_id"] for r in _both(imp.store, **query)] == ["R2"]


def test_older_purchase_makes_later_buyers_repeat_customers(imp: Importer) -> None:
    def line(order: str, day: str) -> dict[str, Any]:
        return {"order_id": order, "order_date": day, "customer_id": "C1", "quantity": 1,
                "unit_net_price": 10}  # fmt: skip

    imp("order_lines", line("S1", "2026-03-02"), line("S2", "2026-04-02"))
    query = {"start": "2026-03", "end": "2026-04", "kpis": ("repeat_customer_rate",)}
    rows = _both(imp.store, **query)
    assert [r["repeat_customer_rate"] for r in rows] == [0.0, 1.0]
    imp("order_lines", line("S0", "2025-06-02"))  # writes only June 2025
    rows = _both(imp.store, **query)
    assert [r["repeat_customer_rate"] for r in rows] == [1.0, 1.0]
    assert eng.LAYER.deltas[-1].dirt["order_lines"].since == 2025 * 12 + 5


def test_older_won_deal_makes_later_buyers_repeat_customers(imp: Importer) -> None:
    imp("opportunities", _opp("O1", "2026-03", customer_id="C1"),
        _opp("O2", "2026-04", customer_id="C1"))  # fmt: skip
    query = {"start": "2026-03", "end": "2026-04", "kpis": ("repeat_customer_rate",)}
    assert [r["repeat_customer_rate"] for r in _both(imp.store, **query)] == [0.0, 1.0]
    imp("opportunities", _opp("O0", "2025-05", customer_id="C1"))
    assert [r["repeat_customer_rate"] for r in _both(imp.store, **query)] == [1.0, 1.0]


def test_reps_import_moves_records_between_teams(imp: Importer) -> None:
    imp("leads", {"lead_id": "L1", "created_at": "2026-01-05", "rep_id": "R1"})
    query = {"start": "2026-01", "end": "2026-01", "by": "team", "kpis": ("leads",)}
    assert [r["team"] for r in _both(imp.store, **query)] == ["A"]
    imp("reps", {"rep_id": "R1", "name": "Ani", "team": "B"})
    assert [r["team"] for r in _both(imp.store, **query)] == ["B"]
    assert eng.LAYER.deltas[-1].everything


def test_imports_that_change_no_kpi_keep_the_whole_layer(imp: Importer) -> None:
    imp("leads", {"lead_id": "L1", "created_at": "2026-01-05", "rep_id": "R1"})
    query = {"start": "2026-01", "end": "2026-01", "kpis": ("leads",)}
    _both(imp.store, **query)
    computed = len(eng.LAYER.computed)
    imp("targets", {"kpi": "leads", "period": "2026-01", "target": 2})
    rows = _both(imp.store, **query)
    assert rows[0]["targets"]["leads"]["attainment"] == 0.5
    assert len(eng.LAYER.computed) == computed  # the new target needed no aggregate
