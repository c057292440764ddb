"""The PostgreSQL store: imports, settings, accounts and the CLI, as on DuckDB.

Needs a server (``PANTAU_TEST_PG``, see scripts/ci-services.sh); each test gets its own schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ingest.helpers import LOAD_ORDER, TYPES
from pantau.auth.users import add_user, list_users
from pantau.cli.main import app
from pantau.errors import ImportRejected
from pantau.ingest import import_file
from pantau.ingest import targets as import_targets
from pantau.model.records import RECORD_TYPES, stored_columns
from pantau.store import PostgresStore, Store
from pantau.store.transfer import copy_to_postgres

pytestmark = pytest.mark.postgres


def table_rows(store: Store, name: str) -> list[tuple[Any, ...]]:
    cols = ", ".join(f'"{n}"' for n, _t in stored_columns(RECORD_TYPES[name]) if n != "_import_id")
    with store.read() as con:
        return sorted(con.execute(f'SELECT {cols} FROM "{name}"').fetchall(), key=repr)


def load_all(store: Store) -> list[Any]:
    return [import_file(store, name, TYPES / f"{name}.csv", lang="en") for name in LOAD_ORDER]


def counts(reports: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.inserted, r.updated, r.warning_total, r.warning_counts) for r in reports]


def test_every_type_imports_to_the_same_rows_as_on_duckdb(
    pg_store: PostgresStore, store: Store
) -> None:
    pg_reports, duck_reports = load_all(pg_store), load_all(store)
    assert counts(pg_reports) == counts(duck_reports)
    for name in LOAD_ORDER:
        assert table_rows(pg_store, name) == table_rows(store, name), name
    assert [r.import_id for r in pg_reports] == list(range(1, len(LOAD_ORDER) + 1))


def test_reimport_updates_by_natural_key_also_with_empty_key_parts(pg_store: PostgresStore) -> None:
    for name in ("order_lines", "sales_costs", "collateral_usage", "targets"):
        first = import_file(pg_store, name, TYPES / f"{name}.csv")
        before = table_rows(pg_store, name)
        again = import_file(pg_store, name, TYPES / f"{name}.csv")
        assert (again.inserted, again.updated) == (0, first.inserted), name
        assert table_rows(pg_store, name) == before, name


def test_a_rejected_file_changes_no_data_and_is_logged(pg_store: PostgresStore, tmp_path) -> None:
    bad = tmp_path / "products.csv"
    bad.write_text("product_id,list_price\nP1,10\nP2,ten\n", encoding="utf-8")
    version = pg_store.data_version()
    with pytest.raises(ImportRejected):
        import_file(pg_store, "products", bad, lang="en")
    assert table_rows(pg_store, "products") == []
    assert pg_store.data_version() == version
    with pg_store.read() as con:
        logged = con.execute("SELECT status, rejected FROM imports").fetchall()
        issues = con.execute("SELECT level, kind, row_number FROM import_issues").fetchall()
    assert logged == [("rejected", 1)]
    assert issues == [("error", "bad_number", 2)]


def test_a_failure_while_writing_leaves_the_store_as_it_was(
    pg_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(pg_store, "reps", TYPES / "reps.csv")
    before, version = table_rows(pg_store, "reps"), pg_store.data_version()

    def broken_log(raw: Any, report: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_targets, "_log_import", broken_log)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(pg_store, "products", TYPES / "products.csv")
    assert table_rows(pg_store, "products") == []
    assert table_rows(pg_store, "reps") == before
    assert pg_store.data_version() == version


def test_a_timezone_change_relocalises_stored_times(pg_store: PostgresStore) -> None:
    import_file(pg_store, "leads", TYPES / "leads.csv")
    with pg_store.read() as con:
        before = con.execute("SELECT created_at, created_at_local FROM leads").fetchall()
    pg_store.set_setting("timezone", "Asia/Jayapura")  # UTC+9 instead of UTC+7
    with pg_store.read() as con:
        after = con.execute("SELECT created_at, created_at_local FROM leads").fetchall()
    assert pg_store.setting("timezone") == "Asia/Jayapura"
    assert sorted(a[0] for a in after) == sorted(b[0] for b in before)  # instants unchanged
    assert all((local - utc).total_seconds() == 9 * 3600 for utc, local in after)


def test_accounts_live_in_postgres(pg_store: PostgresStore) -> None:
    add_user(pg_store, "boss@example.com", role="admin", password="a long enough secret 1")
    add_user(
        pg_store, "mgr@example.com", role="manager", teams=("A", "B"), password="another secret 22"
    )
    users = {u.email: u for u in list_users(pg_store)}
    assert users["boss@example.com"].role == "admin"
    assert tuple(users["mgr@example.com"].teams) == ("A", "B")
    assert users["boss@example.com"].user_id < users["mgr@example.com"].user_id


def test_copy_to_postgres_replaces_everything(pg_store: PostgresStore, store: Store) -> None:
    import_file(pg_store, "products", TYPES / "products.csv")  # replaced by the copy
    load_all(store)
    add_user(store, "boss@example.com", role="admin", password="a long enough secret 1")
    copy_to_postgres(store, pg_store)
    for name in LOAD_ORDER:
        assert table_rows(pg_store, name) == table_rows(store, name), name
    add_user(pg_store, "next@example.com", role="admin", password="a long enough secret 2")
    assert [u.email for u in list_users(pg_store)] == ["boss@example.com", "next@example.com"]


def test_the_cli_works_on_a_postgres_url(pg_store: PostgresStore, tmp_path: Path) -> None:
    url = pg_store.address.conninfo + f"&schema={pg_store.address.schema}"
    if "?" not in pg_store.address.conninfo:
        url = pg_store.address.conninfo + f"?schema={pg_store.address.schema}"
    runner = CliRunner()
    for name in ("reps", "opportunities"):
        result = runner.invoke(app, ["--db", url, "import", name, str(TYPES / f"{name}.csv")])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", url, "kpi", "--format", "json", "--kpi", "win_rate"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["basis"] == "deals"
    result = runner.invoke(app, ["--db", url, "settings", "set", "language", "en"])
    assert result.exit_code == 0, result.output
    assert pg_store.setting("language") == "en"


def test_a_server_that_is_not_there_is_one_clear_error() -> None:
    from pantau.errors import StoreError

    with pytest.raises(StoreError, match="cannot connect to postgresql://nobody@127.0.0.1:1/x"):
        PostgresStore("postgresql://nobody:secret@127.0.0.1:1/x").settings()
