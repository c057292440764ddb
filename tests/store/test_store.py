from __future__ import annotations

import duckdb
import pytest

from pantau.errors import StoreError, UsageError
from pantau.store import Store
from pantau.store.schema import SCHEMA_VERSION


def test_new_store_has_schema_and_defaults(store: Store) -> None:
    settings = store.settings()
    assert settings["timezone"] == "Asia/Jakarta"
    assert settings["currency"] == "IDR"
    with store.read() as con:
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"opportunities", "order_lines", "targets", "imports", "pantau_meta"} <= tables


def test_timezone_change_relocalises(store: Store) -> None:
    with store.write() as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, created_at_local) "
            "VALUES ('L1', TIMESTAMP '2026-01-31 17:30:00', TIMESTAMP '2026-02-01 00:30:00')"
        )
    before = store.data_version()
    store.set_setting("timezone", "Asia/Makassar")
    with store.read() as con:
        local = con.execute("SELECT created_at_local FROM leads").fetchone()
    assert local is not None and str(local[0]) == "2026-02-01 01:30:00"
    assert store.data_version() == before + 1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("timezone", "Mars/Olympus"),
        ("language", "fr"),
        ("currency", "RUPIAH"),
        ("nope", "x"),
        ("upload_max_mb", "abc"),
        ("upload_max_mb", "0"),
    ],
)
def test_bad_settings_are_refused(store: Store, key: str, value: str) -> None:
    with pytest.raises(UsageError):
        store.set_setting(key, value)


def test_newer_store_is_refused(store: Store) -> None:
    store.settings()
    with store.write() as con:
        con.execute(
            "UPDATE pantau_meta SET value = ? WHERE key = 'schema_version'",
            [str(SCHEMA_VERSION + 1)],
        )
    with pytest.raises(StoreError, match="newer Pantau"):
        Store(store.path).settings()


def test_foreign_duckdb_file_is_refused(tmp_path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE something (x INT)")
    con.close()
    with pytest.raises(StoreError, match="not a Pantau store"):
        Store(path).settings()


def test_old_store_is_migrated(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE pantau_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO pantau_meta VALUES ('schema_version', '0')")
    con.close()
    assert Store(path).settings()["timezone"] == "Asia/Jakarta"
