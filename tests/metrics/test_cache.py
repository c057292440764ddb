"""The engine's in-process caches: results per store version, compiled SQL, version watch."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pytest

from pantau.ingest import import_file
from pantau.metrics import KpiQuery, compute_kpis
from pantau.metrics import engine as eng
from pantau.metrics.cache import LruCache, VersionWatch, fingerprint, store_identity
from pantau.metrics.compiled import SENTINELS, SqlCache, fetch
from pantau.store import Store

from .conftest import put

TODAY = date(2026, 7, 15)
QUERY = KpiQuery(start="2026-01", end="2026-03", by="rep", include_parts=True)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    eng.clear_caches()
    yield
    eng.clear_caches()


@pytest.fixture
def leads(tmp_path: Path) -> Store:
    store = Store(tmp_path / "leads.duckdb")
    store.settings()
    put(store, "reps", {"rep_id": "R1", "team": "A"})
    put(
        store,
        "leads",
        {"lead_id": "L1", "created_at": "2026-01-05", "rep_id": "R1"},
        {"lead_id": "L2", "created_at": "2026-02-05", "rep_id": "R1", "qualified_at": "2026-02-06"},
    )
    return store


@contextmanager
def no_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a store fails."""

    def refuse(self: Store) -> Any:
        raise AssertionError(f"{self.path} was opened")

    with monkeypatch.context() as m:
        m.setattr(Store, "read", refuse)
        m.setattr(Store, "ibis", refuse)
        m.setattr(Store, "write", refuse)
        yield


def _run(store: Store, query: KpiQuery = QUERY) -> dict[str, Any]:
    return compute_kpis(store, query, today=TODAY)


def test_a_repeated_question_does_not_open_the_store(
    leads: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _run(leads)
    assert first == compute_kpis(leads, QUERY, today=TODAY, cache=False)
    with no_database(monkeypatch):
        assert _run(leads) == first
        # other periods and KPIs the aggregate layer already holds: no store either
        fewer = KpiQuery(start="2026-02", end="2026-02", by="rep", kpis=("qualified_rate",))
        assert _run(leads, fewer)["rows"] == [
            {"period": "2026-02", "rep_id": "R1", "qualified_rate": 1.0, "targets": {}},
        ]
    stats = eng.cache_stats()
    assert stats["result_hits"] >= 1 and stats["layer_slabs"] > 0


def test_an_import_invalidates(leads: Store, tmp_path: Path) -> None:
    before = _run(leads, KpiQuery(start="2026-03", end="2026-03", kpis=("leads",)))
    assert before["rows"] == []
    csv = tmp_path / "leads.csv"
    csv.write_text("lead_id,created_at,rep_id\nL3,2026-03-09,R1\nL4,2026-03-10,R1\n")
    import_file(leads, "leads", csv)
    after = _run(leads, KpiQuery(start="2026-03", end="2026-03", kpis=("leads",)))
    assert [r["leads"] for r in after["rows"]] == [2]


def test_a_settings_change_invalidates(leads: Store) -> None:
    put(leads, "activities", {"activity_id": "A1", "rep_id": "R1", "type": "call",
                              "occurred_at": "2026-01-07"})  # fmt: skip
    query = KpiQuery(start="2026-01", end="2026-01", kpis=("key_activities",))
    assert _run(leads, query)["rows"] == []  # no meeting: no record behind the KPI
    leads.set_setting("key_activity_type", "call")
    assert _run(leads, query)["rows"][0]["key_activities"] == 1


def test_a_query_with_an_end_reads_no_data_end(
    leads: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an end month given: only the store's shape is read, never the scan for the last month
    # with data; a later question without an end still gets its default range right
    ends: list[int] = []
    read_data_end = eng.read_context

    def counting(runner: Any, cap: int) -> Any:
        ends.append(cap)
        return read_data_end(runner, cap)

    monkeypatch.setattr(eng, "read_context", counting)
    assert _run(leads) == compute_kpis(leads, QUERY, today=TODAY, cache=False)
    assert ends == []
    default = KpiQuery(by="rep", kpis=("leads",))
    found = _run(leads, default)
    assert found == compute_kpis(leads, default, today=TODAY, cache=False)
    assert [r["period"] for r in found["rows"]] == ["2026-01", "2026-02"]
    assert ends == [date(2026, 6, 1).year * 12 + 5]  # the cap: June 2026, the last full month
    # only a start: the range runs to the last month with data, which is read now
    eng.clear_caches()
    start_only = KpiQuery(start="2026-02", by="rep", kpis=("leads",))
    assert _run(leads, start_only) == compute_kpis(leads, start_only, today=TODAY, cache=False)
    assert len(ends) == 2


def test_last_month_with_data_follows_imports(leads: Store, tmp_path: Path) -> None:
    june = 2026 * 12 + 5
    assert eng.last_month_with_data(leads, june) == 2026 * 12 + 1  # L2, February
    assert eng.last_month_with_data(leads, 2026 * 12) == 2026 * 12  # capped at January
    assert eng.last_month_with_data(leads, 2025 * 12) is None
    csv = tmp_path / "later.csv"
    csv.write_text("lead_id,created_at,rep_id\nL9,2026-04-09,R1\n")
    import_file(leads, "leads", csv)
    assert eng.last_month_with_data(leads, june) == 2026 * 12 + 3


def test_results_are_copies(leads: Store) -> None:
    first = _run(leads)
    first["rows"][0]["leads"] = 999
    first["rows"][0]["parts"]["leads"]["n"] = 999
    first["rows"].clear()
    again = _run(leads)
    assert again["rows"] and again["rows"][0]["leads"] == 1
    assert again["rows"][0]["parts"]["leads"]["n"] == 1


def test_a_replaced_store_file_is_another_store(leads: Store, tmp_path: Path) -> None:
    other = new_store_at(tmp_path / "other.duckdb")
    query = KpiQuery(start="2026-01", end="2026-03", kpis=("leads",))
    assert [r["leads"] for r in _run(leads, query)["rows"]] == [1, 1]
    before = store_identity(leads)
    shutil.copyfile(other.path, tmp_path / "swap.duckdb")
    (tmp_path / "swap.duckdb").replace(leads.path)  # same path, same data version, new file
    assert store_identity(leads) != before
    assert _run(leads, query)["rows"] == []


def new_store_at(path: Path) -> Store:
    store = Store(path)
    store.settings()
    put(store, "reps", {"rep_id": "R1", "team": "A"})
    put(store, "reps", {"rep_id": "R2", "team": "B"})  # as many writes: same data version
    return store


def test_concurrent_questions(leads: Store) -> None:
    queries = [KpiQuery(start="2026-01", end=f"2026-0{m}", grain=g) for m in (1, 2, 3)
               for g in ("month", "quarter")]  # fmt: skip
    want = [compute_kpis(leads, q, today=TODAY, cache=False) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda q: compute_kpis(leads, q, today=TODAY), queries * 3))
    assert got == want * 3


def test_no_cache_for_a_store_without_a_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "not-yet.duckdb")
    assert store_identity(store) is None  # compute_kpis computes directly (and creates it)
    assert compute_kpis(store, QUERY, today=TODAY)["rows"] == []


# -- the pieces --------------------------------------------------------------------------------


def test_lru_bounded_by_weight() -> None:
    cache: LruCache[str, list[int]] = LruCache(10, weigher=len)
    cache.put("a", [1] * 4)
    cache.put("b", [1] * 4)
    assert cache.get("a") == [1] * 4  # a is now the most recent
    cache.put("c", [1] * 4)  # over 10: the least recent (b) goes
    assert cache.key_list() == ["a", "c"] and cache.weight == 8
    cache.put("huge", [1] * 11)  # heavier than the whole cache: not kept
    assert cache.get("huge") is None and len(cache) == 2
    assert cache.lookup("nope") == (False, None)
    assert cache.pop("a") == [1] * 4 and cache.weight == 4


def test_version_watch_trusts_unchanged_files_only(leads: Store) -> None:
    ident = store_identity(leads)
    assert ident is not None
    watch = VersionWatch(max_age_s=60)
    watch.remember(ident, fingerprint(leads), 7)
    assert watch.peek(ident, leads) == 7
    put(leads, "reps", {"rep_id": "R9"})  # any write changes the files
    assert watch.peek(ident, leads) is None
    stale = VersionWatch(max_age_s=0)
    stale.remember(ident, fingerprint(leads), 7)
    assert stale.peek(ident, leads) is None  # too old: read the version again


def _leads_between(first: int, last: int) -> Any:
    t = ibis.table({"p": "int64", "rep_id": "string"}, name="t")
    t = t.filter(t.p.between(first, last))
    return t.group_by("rep_id").aggregate(n=t.count())


def test_sql_templates_compile_once_per_shape(tmp_path: Path) -> None:
    con = ibis.duckdb.connect()
    con.raw_sql("CREATE TABLE t AS SELECT range AS p, 'R' || (range % 2) AS rep_id FROM range(10)")
    sqls = SqlCache()

    def build(params: Any) -> Any:
        first, last = (ibis.literal(v, type="int64") for v in params)
        return _leads_between(first, last)

    def count(first: int, last: int) -> dict[str, int]:
        rows = fetch(con, sqls.sql(con, ("leads-between",), build, (first, last)))
        return {r["rep_id"]: r["n"] for r in rows}

    assert count(0, 3) == {"R0": 2, "R1": 2}
    assert count(5, 5) == {"R1": 1}
    assert count(0, 3) == {"R0": 2, "R1": 2}
    assert sqls.compiles == 1  # one shape, three queries
    text = sqls.sql(con, ("leads-between",), build, (2, 6))
    assert "BETWEEN 2 AND 6" in text and str(SENTINELS[0]) not in text
    for bad in ("1; DROP TABLE t", 1.5, True):
        with pytest.raises(TypeError):
            sqls.sql(con, ("leads-between",), build, (bad, 3))
    with pytest.raises(ValueError):
        sqls.sql(con, ("leads-between",), build, (SENTINELS[0], 3))


def test_sql_shape_without_its_parameters_is_compiled_each_time() -> None:
    con = ibis.duckdb.connect()
    sqls = SqlCache()
    ignores = lambda params: ibis.table({"x": "int64"}, name="u").select(y=ibis.literal(7))  # noqa: E731
    # the expression does not show its parameter: no template, compiled with the real value
    assert sqls.sql(con, ("fixed",), ignores, (1,)) == sqls.sql(con, ("fixed",), ignores, (2,))
    assert sqls.compiles == 3  # the probe with sentinels, then once per value
    sqls.sql(con, ("fixed",), ignores, (2,))
    assert sqls.compiles == 3  # the SQL of one value is kept


def test_no_template_when_a_builder_computes_with_a_parameter() -> None:
    con = ibis.duckdb.connect()
    sqls = SqlCache()
    # arithmetic on a parameter in Python would leave a wrong constant in a template
    shifted = lambda params: _leads_between(params[0] + 1, params[1])  # noqa: E731
    assert "BETWEEN 4 AND 9" in sqls.sql(con, ("shifted",), shifted, (3, 9))
    assert "BETWEEN 6 AND 9" in sqls.sql(con, ("shifted",), shifted, (5, 9))


def test_fetch_plain_python_values(leads: Store) -> None:
    with leads.ibis() as backend:
        rows = fetch(backend, "SELECT 1 AS a, 2.5::DOUBLE AS b, 'x' AS c, NULL AS d")
        assert rows == [{"a": 1, "b": 2.5, "c": "x", "d": None}]
        assert fetch(backend, "SELECT 1 AS a WHERE false") == []


class _OtherEngine(Store):
    """Stands for another engine's store (PostgreSQL, Spark: subclasses of Store)."""


class _NamedEngine(Store):
    def cache_identity(self) -> str:
        return f"named:{self.path}"


def test_other_engines_are_cached_only_when_they_name_themselves(
    leads: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _OtherEngine(leads.path)
    assert store_identity(other) is None and fingerprint(other) is None
    assert compute_kpis(other, QUERY, today=TODAY) == _run(leads)
    results = len(eng.RESULTS)
    compute_kpis(other, QUERY, today=TODAY)
    assert len(eng.RESULTS) == results  # computed directly, nothing kept
    named = _NamedEngine(leads.path)
    first = compute_kpis(named, QUERY, today=TODAY)
    assert compute_kpis(named, QUERY, today=TODAY) == first
    assert len(eng.RESULTS) == results + 1
    with no_database(monkeypatch), pytest.raises(AssertionError, match="was opened"):
        compute_kpis(named, QUERY, today=TODAY)  # no fingerprint: its version is read each time
