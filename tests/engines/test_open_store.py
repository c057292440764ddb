"""``open_store``: which engine ``--db`` / ``PANTAU_DB`` names (no server or JVM needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.errors import StoreError
from pantau.store import PostgresStore, SparkStore, Store, open_store
from pantau.store.postgres_store import PgAddress, placeholders


def test_a_path_is_a_duckdb_file(tmp_path: Path) -> None:
    store = open_store(tmp_path / "x.duckdb")
    assert type(store) is Store
    assert store.path == tmp_path / "x.duckdb"


def test_pantau_db_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_DB", "postgresql://me@db.example/sales?schema=pantau")
    store = open_store()
    assert isinstance(store, PostgresStore)
    assert store.address.schema == "pantau"
    monkeypatch.setenv("PANTAU_DB", str(tmp_path / "y.duckdb"))
    assert open_store().path == tmp_path / "y.duckdb"


def test_a_postgres_url_keeps_its_password_out_of_messages() -> None:
    address = PgAddress.parse("postgres://me:s3cret@db:5433/sales?schema=team_a&sslmode=require")
    assert address.label == "postgres://me@db:5433/sales?schema=team_a"
    assert address.conninfo == "postgres://me:s3cret@db:5433/sales?sslmode=require"
    assert "s3cret" not in repr(PostgresStore("postgres://me:s3cret@db/sales"))


def test_a_schema_must_be_a_plain_name() -> None:
    with pytest.raises(StoreError, match="not a schema name"):
        PgAddress.parse("postgresql://me@db/sales?schema=a;drop")


def test_spark_urls_name_a_folder_or_a_settings_file(tmp_path: Path) -> None:
    assert isinstance(open_store(f"spark://{tmp_path}"), SparkStore)
    with pytest.raises(StoreError, match="a folder of Parquet files or a .toml settings file"):
        open_store(f"spark://{tmp_path / 'missing'}")
    (tmp_path / "bad.toml").write_text("[tables]\nfoo = 'x'\n", encoding="utf-8")
    with pytest.raises(StoreError, match="names no record type foo"):
        open_store(f"spark://{tmp_path / 'bad.toml'}")


@pytest.mark.parametrize(
    ("duckdb_sql", "psycopg_sql"),
    [
        ("SELECT ? , ?", "SELECT %s , %s"),
        ("WHERE a = '?' AND b = ?", "WHERE a = '?' AND b = %s"),
        ("WHERE a LIKE 'x%' AND b = ?", "WHERE a LIKE 'x%%' AND b = %s"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = %s'),
    ],
)
def test_placeholders(duckdb_sql: str, psycopg_sql: str) -> None:
    assert placeholders(duckdb_sql) == psycopg_sql
