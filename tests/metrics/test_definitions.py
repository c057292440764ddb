"""The catalogue as data: docs generated from it, explain, and engine-neutral SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import pytest

from pantau.metrics import KpiQuery, catalogue, explain_kpi
from pantau.metrics.docs import render
from pantau.metrics.engine import plan, prepare
from pantau.metrics.query import BREAKDOWNS
from pantau.metrics.sources.common import Tables
from pantau.store import Store

from .conftest import seed

DOCS = Path(__file__).parents[2] / "docs" / "kpis.md"


def test_committed_docs_equal_the_generated_ones() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/kpis.md is stale: run `python -m pantau.metrics.docs > docs/kpis.md`"
    )


@pytest.mark.parametrize("kpi", catalogue(), ids=lambda k: k.id)
def test_every_definition_is_complete(kpi) -> None:
    assert kpi.description_id and kpi.description_en and kpi.anchor
    assert kpi.example_id and kpi.example_en and kpi.edge_cases
    assert kpi.unit in ("count", "amount", "ratio", "minutes", "days")
    assert set(kpi.breakdowns) <= set(BREAKDOWNS)
    assert f"`{kpi.id}`" in render()


def test_explain(store: Store) -> None:
    info = explain_kpi(store, "cost_of_sales_ratio")
    assert info["name_id"] == "Rasio Biaya Penjualan"
    assert info["breakdowns"] == ["rep", "team", "region"]
    assert (info["unit"], info["direction"], info["basis"]) == ("ratio", "lower", "deals")
    # costs, the sales volume behind it (deal basis: opportunities), the store-wide cost rows
    assert '"sales_costs"' in info["sql"] and '"opportunities"' in info["sql"]
    assert info["sql"].count("SELECT") >= 2


def _all_queries(store: Store, by: str | None) -> list:
    settings = store.settings()
    with store.ibis() as backend:
        con = Tables(backend)
        query = KpiQuery(start="2026-01", end="2026-03", by=by, grain="quarter")
        request = prepare(settings, con, query, date(2026, 7, 1))
        return plan(con, request, "meeting")


@pytest.mark.parametrize("basis", ["deals", "orders"])
def test_definitions_compile_for_other_engines(store: Store, basis: str) -> None:
    if basis == "orders":
        line = {"order_id": "A", "line_no": 1, "order_date": "2026-01-01", "customer_id": "C",
                "quantity": 1, "unit_net_price": 1.0}  # fmt: skip
        seed(store, order_lines=[line])
    seed(store, stages=[{"stage": "Won", "position": 1, "kind": "won"}])
    for by in (None, "rep"):
        for query in _all_queries(store, by):
            assert "SELECT" in ibis.to_sql(query.expr, dialect="postgres")
            # Spark rejects a filtered percentile: medians are over a masked column instead
            medians = query.expr.op().find(ops.Median)
            assert all(m.where is None for m in medians)
