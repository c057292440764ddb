"""Compiled SQL on disk (pantau.metrics.sqldisk), bound parameters, statements run as a union."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pantau.metrics import KpiQuery, Scope, compiled, compute_kpis
from pantau.metrics import engine as eng
from pantau.metrics.compiled import SENTINELS, Runner, SqlCache, Statement, duckdb_session
from pantau.metrics.periods import period_expr
from pantau.metrics.preagg import SlabKey
from pantau.metrics.sqldisk import SqlDisk, cache_root, stable_repr
from pantau.store import Store

from .conftest import put

TODAY = date(2026, 7, 15)
QUERY = KpiQuery(start="2026-01", end="2026-03", by="rep", include_parts=True)


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlDisk]:
    """The engine's SQL cache on a disk folder of this test only; in-memory caches cleared."""
    folder = SqlDisk(root=tmp_path / "cache")
    monkeypatch.setattr(eng.SQL, "disk", folder)
    eng.clear_caches()
    yield folder
    eng.clear_caches()


@pytest.fixture
def sales(tmp_path: Path) -> Store:
    store = Store(tmp_path / "sales.duckdb")
    store.settings()
    put(store, "reps", {"rep_id": "R1", "team": "A"}, {"rep_id": "R2", "team": "B"})
    put(
        store,
        "leads",
        {"lead_id": "L1", "created_at": "2026-01-05", "rep_id": "R1"},
        {"lead_id": "L2", "created_at": "2026-02-05", "rep_id": "R2", "qualified_at": "2026-02-06"},
    )
    put(
        store,
        "activities",
        {"activity_id": "A1", "rep_id": "R1", "type": "meeting", "occurred_at": "2026-01-07",
         "lead_id": "L1"},
        {"activity_id": "A2", "rep_id": "R2", "type": "call", "occurred_at": "2026-03-07"},
    )  # fmt: skip
    put(
        store,
        "order_lines",
        {"order_id": "O1", "line_no": 1, "order_date": "2026-02-10", "customer_id": "C1",
         "rep_id": "R1", "quantity": 2, "unit_net_price": 50.0, "unit_list_price": 60.0},
        {"order_id": "O2", "line_no": 1, "order_date": "2026-03-10", "customer_id": "C1",
         "rep_id": "R2", "quantity": 1, "unit_net_price": 70.0},
    )  # fmt: skip
    return store


def _run(store: Store, query: KpiQuery = QUERY) -> dict[str, Any]:
    return compute_kpis(store, query, today=TODAY)


def _fresh_memory() -> None:
    """Forget everything in memory (what a new process starts with), keep the disk."""
    disk = eng.SQL.disk
    eng.clear_caches()
    assert eng.SQL.disk is disk


def test_the_disk_serves_a_new_process_without_compiling(sales: Store, disk: SqlDisk) -> None:
    first = _run(sales)
    assert eng.SQL.compiles > 0 and disk.writes > 0
    files = sorted(disk.folder().glob("*.json"))
    assert len(files) == disk.writes
    _fresh_memory()
    assert _run(sales) == first
    assert eng.SQL.compiles == 0 and disk.hits == len(files)  # everything came from the disk
    assert first == compute_kpis(sales, QUERY, today=TODAY, cache=False)


def test_bound_sql_holds_no_values(sales: Store, disk: SqlDisk) -> None:
    _run(sales)
    for path in disk.folder().glob("*.json"):
        entry = json.loads(path.read_text())
        assert set(entry) == {"key", "sql"}
        for sentinel in SENTINELS:
            assert str(sentinel) not in entry["sql"]
    period_texts = [json.loads(p.read_text())["sql"] for p in disk.folder().glob("*.json")]
    assert any("$1" in t and "$2" in t for t in period_texts)
    assert not any("24312" in t for t in period_texts)  # 2026-01 as a month ordinal


def test_a_changed_key_is_a_miss(sales: Store, disk: SqlDisk) -> None:
    first = _run(sales)
    compiled = eng.SQL.compiles
    _fresh_memory()
    # as after editing a definition: the hash of the metrics sources is part of every key
    env = disk._environment()
    assert env is not None and any(len(part) == 64 for part in env)  # the source hash
    disk._env = tuple(("0" * 64 if len(part) == 64 else part) for part in env)
    assert _run(sales) == first
    assert eng.SQL.compiles == compiled and disk.hits == 0  # compiled again, nothing reused
    # other library versions: other keys too
    _fresh_memory()
    disk._env = tuple(p.replace("sqlglot=", "sqlglot=0.0.0-") for p in env)
    assert _run(sales) == first and disk.hits == 0


def test_a_corrupt_cache_is_ignored(sales: Store, disk: SqlDisk) -> None:
    first = _run(sales)
    files = sorted(disk.folder().glob("*.json"))
    garbage = [b"", b"\x00\xff not json", b'{"key": "other", "sql": "DROP TABLE leads"}',
               b"[1, 2]", b'{"key": null}']  # fmt: skip
    for i, path in enumerate(files):
        path.write_bytes(garbage[i % len(garbage)])
    _fresh_memory()
    assert _run(sales) == first
    assert disk.hits == 0 and eng.SQL.compiles > 0
    # rewritten: the next process finds them again
    _fresh_memory()
    assert _run(sales) == first and eng.SQL.compiles == 0


def test_an_unwritable_cache_is_no_failure(
    sales: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(eng.SQL, "disk", SqlDisk(root=blocker))
    eng.clear_caches()
    try:
        assert _run(sales) == compute_kpis(sales, QUERY, today=TODAY, cache=False)
        assert eng.SQL.disk is not None and eng.SQL.disk.writes == 0
    finally:
        eng.clear_caches()


def test_the_cache_stays_bounded(tmp_path: Path) -> None:
    disk = SqlDisk(root=tmp_path, max_entries=4)
    for i in range(12):
        disk.put(disk.key("duckdb", ("shape", i), 0), f"SELECT {i}")
    assert 0 < len(list(disk.folder().glob("*.json"))) <= 4
    assert disk.get(disk.key("duckdb", ("shape", 11), 0)) == "SELECT 11"


def test_cache_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PANTAU_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
    monkeypatch.delenv("PANTAU_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "pantau"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == Path.home() / ".cache" / "pantau"


def test_the_suite_never_writes_to_the_users_cache() -> None:
    folder = Path(os.environ["PANTAU_CACHE_DIR"])  # set by tests/conftest.py for the whole run
    assert folder.is_absolute() and Path.home() / ".cache" not in folder.parents
    assert eng.SQL.disk is not None and eng.SQL.disk.folder().parent == folder


def test_non_int_parameters_are_refused(sales: Store, disk: SqlDisk) -> None:
    with sales.read() as connection:
        runner = Runner.over_duckdb(connection, SqlCache(disk=disk))

        def build(params: Any) -> Any:
            t = runner.con.table("leads")
            month = period_expr(t.created_at_local, "month")
            return t.filter(month.between(*(runner.literal(v) for v in params))).count()

        for bad in ("1; DROP TABLE leads", 1.5, True, None, 2**3 * 1.0):
            with pytest.raises(TypeError):
                runner.statement(("n-between",), build, (bad, 3))
        with pytest.raises(ValueError):
            runner.statement(("n-between",), build, (SENTINELS[0], 3))
        jan, feb = 2026 * 12, 2026 * 12 + 1
        statement = runner.statement(("n-between",), build, (jan, feb))
        assert statement.params == (jan, feb) and "$1" in statement.sql and "$2" in statement.sql
        assert str(jan) not in statement.sql
        assert runner.execute(statement)[1] == [(2,)]
        assert runner.execute(runner.statement(("n-between",), build, (feb, feb + 9)))[1] == [(1,)]


def test_statements_run_as_one_union_give_each_its_rows(
    sales: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # statements binding the same values run as one UNION ALL BY NAME; each gets its own rows,
    # under the union's columns (its own by name, the others' NULL)
    statements = [Statement(f"SELECT {i} AS a, count(*) AS n_{i} FROM leads") for i in range(3)]
    statements.append(Statement("SELECT lead_id FROM leads WHERE year(created_at) >= $1", (2026,)))
    statements.append(Statement("SELECT count(*) AS m FROM leads WHERE year(created_at) < $1",
                                (2026,)))  # fmt: skip
    with sales.read() as connection:
        runner = Runner.over_duckdb(connection, SqlCache(disk=None))
        together = runner.execute_all(statements)
        monkeypatch.setattr(compiled, "UNION", False)
        alone = runner.execute_all(statements)
    assert alone[1] == (["a", "n_1"], [(1, 2)])
    for (names, rows), (own, own_rows) in zip(together, alone, strict=True):
        assert set(own) <= set(names)
        picked = [tuple(dict(zip(names, r, strict=True))[c] for c in own) for r in rows]
        assert sorted(picked, key=repr) == sorted(own_rows, key=repr)
    names, rows = together[0]
    assert names[:3] == [compiled.UNION_TAG, "a", "n_0"] and "n_2" in names
    assert rows == [(0, 0, 2, None, None)]


def test_shapes_have_the_same_text_in_every_process() -> None:
    scope = Scope(rep_ids=frozenset(f"R{i}" for i in range(40)), teams=frozenset({"A", "B", "C"}))
    key = SlabKey("leads", True, "month", "rep", scope, "orders", True, "meeting")
    here = stable_repr(("parts", key, ("leads", "n")))
    code = (
        "from pantau.metrics.preagg import SlabKey\nfrom pantau.metrics import Scope\n"
        "from pantau.metrics.sqldisk import stable_repr\n"
        "key = SlabKey('leads', True, 'month', 'rep', Scope(rep_ids=frozenset(f'R{i}' for i in "
        "range(40)), teams=frozenset({'A', 'B', 'C'})), 'orders', True, 'meeting')\n"
        "print(stable_repr(('parts', key, ('leads', 'n'))))"
    )
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)  # fmt: skip
        assert out.stdout.strip() == here
    with pytest.raises(TypeError):
        stable_repr(("shape", object()))


_PROCESS = """
import json, sys
from datetime import date
from pathlib import Path

from pantau.store import Store

def loaded():
    return {m for m in sys.modules if m.split(".")[0] in ("ibis", "sqlglot")}

before = loaded()
from pantau.metrics import KpiQuery, compute_kpis
from pantau.metrics import engine as eng

after_import = loaded()
query = KpiQuery(start="2026-01", end="2026-03", by="rep", include_parts=True)
result = compute_kpis(Store(Path(sys.argv[1])), query, today=date(2026, 7, 15))
print(json.dumps({
    "result": result,
    "compiles": eng.SQL.compiles,
    "disk_hits": eng.SQL.disk.hits,
    "imported_by_metrics": sorted(after_import - before),
    "imported_by_call": sorted(loaded() - after_import),
    "ibis_loaded": "ibis" in sys.modules,
    "ibis_before": "ibis" in before,
}))
"""


def test_a_second_process_needs_no_ibis(sales: Store, tmp_path: Path) -> None:
    env = {**os.environ, "PANTAU_CACHE_DIR": str(tmp_path / "cache")}

    def process() -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-c", _PROCESS, str(sales.path)], env=env,
                             capture_output=True, text=True, check=True)  # fmt: skip
        found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        return found

    cold, warm = process(), process()
    assert cold["compiles"] > 0 and "ibis.backends.duckdb" in cold["imported_by_call"]
    assert warm["result"] == cold["result"]
    assert warm["compiles"] == 0 and warm["disk_hits"] > 0
    # importing the engine imports neither Ibis nor sqlglot, and a warm call does not either
    assert warm["imported_by_metrics"] == [] and warm["imported_by_call"] == []
    if not warm["ibis_before"]:  # (pantau.store may import Ibis itself)
        assert not warm["ibis_loaded"]
    engine = compute_kpis(sales, QUERY, today=TODAY, cache=False)
    assert json.loads(json.dumps(engine)) == warm["result"]


def test_queries_run_in_the_session_ibis_would_give_them(sales: Store) -> None:
    with sales.read() as connection:
        runner = Runner.over_duckdb(connection, SqlCache(disk=None))
        setting = Statement(
            "SELECT current_setting('TimeZone') AS tz,"
            " current_setting('python_enable_replacements') AS r"
        )
        assert runner.execute(setting) == (["tz", "r"], [("UTC", False)])
        cursor = connection.cursor()  # a cursor starts without them: the runner sets them
        duckdb_session(cursor)
        assert cursor.execute(setting.sql).fetchall() == [("UTC", False)]
