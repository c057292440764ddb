"""The benchmark's pandas implementation (bench/kpi.py) equals the oracle SQL by month x rep.

Keeps the benchmark honest: its third contestant computes the same numbers.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import edge_data
import pytest
from kpi_oracle import KPI_IDS, oracle_rows, values_equal

from pantau.store import Store

BENCH = Path(__file__).resolve().parents[2] / "bench" / "kpi.py"
START, END = dt.date(2025, 12, 1), dt.date(2026, 5, 1)


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_kpi", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "variant",
    [{}, {"order_lines": False}, {"stages": False}],
    ids=["order-basis", "deal-basis", "no-stages"],
)
def test_pandas_equals_oracle(tmp_path: Path, variant: dict[str, bool]) -> None:
    store = Store(tmp_path / "edge.duckdb")
    with store.write() as con:
        edge_data.load(con, **variant)
    bench = _bench_module()
    with store.read() as con:
        want = {
            (r["period"], r["key"]): r
            for r in oracle_rows(con, grain="month", by="rep", start=START, end=END)
        }
        got = {(r["period"], r["key"]): r for r in bench.pandas_catalogue(con, START, END)}
    assert set(got) == set(want)
    bad = [
        (g, kpi, got[g][kpi], want[g][kpi])
        for g in want
        for kpi in KPI_IDS
        if not values_equal(kpi, got[g][kpi], want[g][kpi])
    ]
    assert not bad, "\n".join(map(str, bad))
