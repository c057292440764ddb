"""The KPI engine must equal the hand-written oracle SQL (oracle.sql), KPI by KPI.

Checked on the seeded demo company (order basis, and deal basis: the same store without order
lines), and on the hand-made edge-case store (edge_data.py), for every breakdown at month and
quarter grain, on every engine (``engine``: the oracle runs on the DuckDB store, the engine on
the same data in DuckDB, PostgreSQL or Spark). A disagreement is reported as (KPI, period, key,
engine value, oracle value).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import edge_data
import pytest
from kpi_oracle import BREAKDOWNS, KEY_COLUMN, KPI_IDS, oracle_rows, values_equal

from engines.fixtures import Engine
from pantau.store import Store, bump_data_version

try:
    from pantau.metrics import KpiQuery, compute_kpis
except ImportError:  # the engine is being written in parallel
    pytest.skip("pantau.metrics.compute_kpis is not there yet", allow_module_level=True)

DEMO_SCALE = 0.05
DEMO_SEED = 7
DEMO_END = "2026-06"  # fixed, so the data do not depend on the day the tests run
GRAINS = ("month", "quarter")
Group = tuple[str, Any]


def _month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _add_months(day: dt.date, n: int) -> dt.date:
    m = day.year * 12 + day.month - 1 + n
    return dt.date(m // 12, m % 12 + 1, 1)


def _data_range(store: Store) -> tuple[dt.date, dt.date]:
    """First month with a record behind some KPI, and the month after the last one."""
    with store.read() as con:
        rows = oracle_rows(
            con, grain="month", by="rep", start=dt.date(1970, 1, 1), end=dt.date(2100, 1, 1)
        )
    months = sorted({dt.date.fromisoformat(r["period"] + "-01") for r in rows})
    return months[0], _add_months(months[-1], 1)


class Case:
    """A store and the months to compare on it (``start`` <= month < ``end``).

    At quarter grain the range is widened to whole quarters.
    """

    def __init__(self, store: Store, start: dt.date, end: dt.date) -> None:
        self.store, self.start, self.end = store, start, end
        self._oracle: dict[tuple[str, str], dict[Group, dict[str, Any]]] = {}

    def bounds(self, grain: str) -> tuple[dt.date, dt.date]:
        if grain == "month":
            return self.start, self.end
        start = _add_months(self.start, -((self.start.month - 1) % 3))
        last = _add_months(self.end, -1)
        return start, _add_months(last, 3 - (last.month - 1) % 3)

    def oracle(self, grain: str, by: str) -> dict[Group, dict[str, Any]]:
        if (grain, by) not in self._oracle:
            start, end = self.bounds(grain)
            with self.store.read() as con:
                rows = oracle_rows(con, grain=grain, by=by, start=start, end=end)
            self._oracle[grain, by] = {(r["period"], r["key"]): r for r in rows}
        return self._oracle[grain, by]

    def engine(
        self, grain: str, by: str, on: Engine | None = None
    ) -> tuple[str, dict[Group, dict[str, Any]]]:
        """The engine's rows, computed on ``on`` (default DuckDB) from the same data."""
        start, end = self.bounds(grain)
        last_month = _add_months(end, -1)
        query = KpiQuery(
            start=f"{start:%Y-%m}",
            end=f"{last_month:%Y-%m}",  # inclusive
            grain=grain,
            by=None if by == "none" else by,
        )
        result = compute_kpis((on or Engine()).mirror(self.store), query)
        key_col = KEY_COLUMN[by]
        rows: dict[Group, dict[str, Any]] = {}
        for row in result["rows"]:
            group = (row["period"], row.get(key_col) if key_col else None)
            assert group not in rows, f"engine lists {group} twice"
            rows[group] = row
        return result["basis"], rows


def _compare(case: Case, grain: str, by: str, basis: str, on: Engine) -> None:
    engine_basis, engine = case.engine(grain, by, on)
    oracle = case.oracle(grain, by)
    assert engine_basis == basis
    problems = [f"group only in engine: {g}" for g in sorted(set(engine) - set(oracle), key=str)]
    problems += [f"group only in oracle: {g}" for g in sorted(set(oracle) - set(engine), key=str)]
    for group in sorted(set(engine) & set(oracle), key=str):
        for kpi in KPI_IDS:
            if kpi not in engine[group]:
                problems.append(f"{kpi} missing from the engine's row {group}")
                continue
            got, want = engine[group][kpi], oracle[group][kpi]
            if not values_equal(kpi, got, want):
                problems.append(
                    f"{kpi} period={group[0]} {by}={group[1]!r}: engine={got!r} oracle={want!r}"
                )
    assert not problems, f"{len(problems)} disagreements ({grain}, by {by}):\n" + "\n".join(
        problems[:40]
    )


# -- stores ---------------------------------------------------------------------------------


def _copy(src: Store, dst: Path, change: Callable[[Any], None]) -> Store:
    shutil.copyfile(src.path, dst)
    store = Store(dst)
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        change(con)
        bump_data_version(con)
        con.execute("COMMIT")
    return store


@pytest.fixture(scope="module")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    try:
        from pantau.demo import load
    except ImportError:
        pytest.skip("pantau.demo.load is not there yet")
    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    load(store, scale=DEMO_SCALE, seed=DEMO_SEED, end_month=DEMO_END)
    with store.read() as con:
        (lines,) = con.execute("SELECT count(*) FROM order_lines").fetchone()
    assert lines > 0, "the demo company should sell through order lines"
    return Case(store, *_data_range(store))


@pytest.fixture(scope="module")
def demo_deal_case(demo_case: Case, tmp_path_factory: pytest.TempPathFactory) -> Case:
    """The demo company without order lines (deal basis), key activity type 'call'."""

    def change(con: Any) -> None:
        con.execute("DELETE FROM order_lines")
        con.execute("UPDATE settings SET value = 'call' WHERE key = 'key_activity_type'")

    store = _copy(demo_case.store, tmp_path_factory.mktemp("demo") / "deal.duckdb", change)
    return Case(store, demo_case.start, demo_case.end)


def _edge_case(path: Path, **kw: Any) -> Case:
    store = Store(path)
    key_type = kw.pop("key_type", None)
    with store.write() as con:
        edge_data.load(con, **kw)
        if key_type:
            con.execute("UPDATE settings SET value = ? WHERE key = 'key_activity_type'", [key_type])
    return Case(store, dt.date(2026, 1, 1), dt.date(2026, 4, 1))


@pytest.fixture(scope="module")
def edge_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    base = tmp_path_factory.mktemp("edge")
    return {
        "order": _edge_case(base / "order.duckdb"),
        "deal": _edge_case(base / "deal.duckdb", order_lines=False, key_type="call"),
        "no-stages": _edge_case(base / "nostages.duckdb", stages=False),
    }


# -- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("by", BREAKDOWNS)
@pytest.mark.parametrize("grain", GRAINS)
def test_demo_order_basis(demo_case: Case, grain: str, by: str, engine: Engine) -> None:
    _compare(demo_case, grain, by, "orders", engine)


@pytest.mark.parametrize("by", BREAKDOWNS)
@pytest.mark.parametrize("grain", GRAINS)
def test_demo_deal_basis(demo_deal_case: Case, grain: str, by: str, engine: Engine) -> None:
    _compare(demo_deal_case, grain, by, "deals", engine)


EDGE_RUNS = [
    ("order", "orders", "month"),
    ("order", "orders", "quarter"),
    ("deal", "deals", "month"),
    ("no-stages", "orders", "month"),  # only the opportunity KPIs change without stages
]


@pytest.mark.parametrize("by", BREAKDOWNS)
@pytest.mark.parametrize(("store", "basis", "grain"), EDGE_RUNS)
def test_edge_cases(
    edge_cases: dict[str, Case], store: str, basis: str, grain: str, by: str, engine: Engine
) -> None:
    _compare(edge_cases[store], grain, by, basis, engine)


def test_demo_is_not_trivial(demo_case: Case) -> None:
    """Guard against a vacuous comparison: the demo must exercise every KPI with a value."""
    for grain in GRAINS:
        rows = demo_case.oracle(grain, "rep").values()
        for kpi in KPI_IDS:
            assert any(r[kpi] not in (None, 0) for r in rows), f"{kpi} never has a value"


@pytest.mark.parametrize("grain", GRAINS)
def test_company_rows_are_the_periods_with_records(edge_cases: dict[str, Case], grain: str) -> None:
    """Without a breakdown a period has a row only when a record is behind it (oracle.sql R1).

    The range starts in 2025-Q3 and ends in 2026-Q3, where the edge data has no record: those
    periods are absent from both sides rather than rows of zeros.
    """
    case = Case(edge_cases["order"].store, dt.date(2025, 7, 1), dt.date(2026, 10, 1))
    oracle = case.oracle(grain, "none")
    _basis, engine = case.engine(grain, "none")
    assert sorted(engine) == sorted(oracle)
    assert oracle, "the edge data has records in the range"
    empty = {"month": ["2025-07", "2025-08", "2025-09"], "quarter": ["2025-Q3"]}[grain]
    assert not any(period in empty for period, _key in oracle)
