"""The KPI engine's caches on PostgreSQL and Spark, and what marks those stores' versions.

A repeated question is answered from memory; a write through any other store object (another
process, for the engine) or a rewritten Parquet file is seen by the very next call.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from engines.fixtures import SparkEngine
from pantau.ingest import import_file
from pantau.metrics import KpiQuery, compute_kpis
from pantau.metrics.engine import cache_stats, clear_caches
from pantau.store import PostgresStore, SparkStore, Store, open_store
from pantau.store import spark_store as spark_module
from pantau.store.transfer import export_parquet

TYPES = Path(__file__).parent.parent / "data" / "ingest" / "types"
BASE = ("reps", "customers", "products", "stages", "opportunities")
QUERY = KpiQuery(start="2026-01", end="2026-03", kpis=("win_rate", "sales_volume", "leads"))


def totals(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(r["period"], r["win_rate"], r["sales_volume"], r["leads"]) for r in result["rows"]]


def hits() -> int:
    return cache_stats()["result_hits"]


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_answers_repeat_from_memory_and_see_another_writer(
    pg_store: PostgresStore,
) -> None:
    for name in BASE:
        import_file(pg_store, name, TYPES / f"{name}.csv")
    clear_caches()
    first = compute_kpis(pg_store, QUERY)
    before = hits()
    assert compute_kpis(pg_store, QUERY) == first
    assert hits() == before + 1  # the second identical question: from memory

    other = PostgresStore(pg_store.address.conninfo + f"&schema={pg_store.address.schema}")
    if "?" not in pg_store.address.conninfo:
        other = PostgresStore(pg_store.address.conninfo + f"?schema={pg_store.address.schema}")
    assert other.cache_identity() == pg_store.cache_identity()
    import_file(other, "leads", TYPES / "leads.csv")  # as if from another process

    after = compute_kpis(pg_store, QUERY)
    assert after == compute_kpis(pg_store, QUERY, cache=False)
    assert totals(after) != totals(first)  # the leads appear at once
    assert sum(r["leads"] or 0 for r in after["rows"]) == 2
    other.close()


def test_postgres_identity_names_the_database_never_the_password() -> None:
    one = PostgresStore("postgresql://ana:secret@db.internal:5433/sales?schema=pantau")
    again = PostgresStore("postgresql://ana:other@db.internal:5433/sales?schema=pantau")
    ident = one.cache_identity()
    assert "secret" not in repr(ident)
    assert ident == again.cache_identity()  # a new password is the same database
    for url in (
        "postgresql://ana@db.internal:5433/sales?schema=other",
        "postgresql://ana@db.internal:5433/crm?schema=pantau",
        "postgresql://ana@db2.internal:5433/sales?schema=pantau",
        "postgresql://ana@db.internal:5432/sales?schema=pantau",
        "postgresql://bob@db.internal:5433/sales?schema=pantau",
    ):
        assert PostgresStore(url).cache_identity() != ident, url


@pytest.mark.postgres
def test_a_new_postgres_store_never_repeats_an_old_version(
    postgres_engine: Any,
) -> None:
    first, second = postgres_engine.store(), postgres_engine.store()
    v1 = first.data_version()
    v2 = second.data_version()
    assert v1 > 1_000_000 and v2 > v1  # creation time in microseconds, not 0


@pytest.mark.postgres
def test_postgres_readers_reuse_clean_connections(pg_store: PostgresStore) -> None:
    def backend_pid(con: Any) -> int:
        return int(con.execute("SELECT pg_backend_pid()").fetchone()[0])

    with pg_store.read() as con:
        pid = backend_pid(con)
    with pg_store.ibis() as backend:
        raw = backend.con
        assert int(raw.execute("SELECT pg_backend_pid()").fetchone()[0]) == pid  # reused
        assert raw.execute("SHOW default_transaction_read_only").fetchone()[0] == "off"
        raw.execute("CREATE TEMP TABLE scratch (x int)")
        raw.execute("SET TimeZone = 'Asia/Jakarta'")
    with pg_store.read() as con:
        assert backend_pid(con) == pid
        assert con.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"
        assert con.execute("SHOW TimeZone").fetchone()[0] == "UTC"
        assert con.execute("SELECT to_regclass('pg_temp.scratch')").fetchone()[0] is None
        con.execute("BEGIN")  # left open: this connection is not reused
    with pg_store.read() as con:
        assert backend_pid(con) != pid
        pid = backend_pid(con)
    with PostgresStore(pg_store.address.conninfo).connect() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pg_store.read() as con:  # a connection the server ended is replaced
        assert backend_pid(con) != pid
        assert con.execute("SELECT count(*) FROM reps").fetchone()[0] == 0
    pg_store.close()


# -- Spark: the version of a folder of Parquet files ------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    store = Store(tmp_path / "source.duckdb")
    for name in BASE:
        import_file(store, name, TYPES / f"{name}.csv")
    out = tmp_path / "tables"
    export_parquet(store, out)
    return out


def age(folder: Path, seconds: float = 60) -> None:
    """Date every file back, as if written a minute ago (ctime cannot be: see ``settle``)."""
    past = time.time_ns() - int(seconds * 1e9)
    for path in folder.rglob("*"):
        os.utime(path, ns=(past, past))


def test_spark_version_follows_the_files(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark_module, "SETTLE_S", 0.0)  # every listing settled at once
    one = SparkStore.from_url(f"spark://{folder}")
    two = SparkStore.from_url(f"spark://{folder}")
    assert one.cache_identity() == two.cache_identity() is not None
    version = one.data_version()
    assert one.data_version() == two.data_version() == version
    assert one.cache_fingerprint() == two.cache_fingerprint() is not None

    table = pq.read_table(folder / "opportunities.parquet")
    pq.write_table(table.slice(0, 1), folder / "opportunities.parquet")  # the pipeline rewrites
    assert one.data_version() > version
    version = one.data_version()
    (folder / "leads.parquet").write_bytes((folder / "reps.parquet").read_bytes())
    assert two.data_version() > version  # a new file
    version = two.data_version()
    (folder / "leads.parquet").unlink()
    assert one.data_version() > version  # a removed one
    (folder / "pantau-accounts.duckdb").write_bytes(b"accounts are not data")
    assert one.data_version() == one.data_version()


def test_a_spark_listing_written_just_now_is_never_reused(folder: Path) -> None:
    spark = SparkStore.from_url(f"spark://{folder}")
    assert spark_module.SETTLE_S >= 1
    assert spark.cache_fingerprint() is None  # just exported: not settled
    assert spark.data_version() != spark.data_version()  # each look is a new version
    age(folder)
    # ctime is still recent (utime changes it): settled only once SETTLE_S has passed
    assert not spark_module.settled(spark._listing())
    later = time.time_ns() + int((spark_module.SETTLE_S + 1) * 1e9)
    assert spark_module.settled(spark._listing(), now_ns=later)


def test_spark_identity_includes_tables_and_settings(folder: Path, tmp_path: Path) -> None:
    plain = SparkStore.from_url(f"spark://{folder}")
    (folder / "settings.json").write_text('{"timezone": "Asia/Jayapura"}', "utf-8")
    other_zone = SparkStore.from_url(f"spark://{folder}")
    assert plain.cache_identity() != other_zone.cache_identity()

    paths = tmp_path / "paths.toml"
    paths.write_text(f'[tables]\nreps = "{folder / "reps.parquet"}"\n', "utf-8")
    by_path = open_store(f"spark://{paths}")
    assert isinstance(by_path, SparkStore) and by_path.cache_identity() is not None

    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[tables]\nreps = "sales.pantau_reps"\n', "utf-8")
    by_catalog = open_store(f"spark://{catalog}")
    assert isinstance(by_catalog, SparkStore)
    assert by_catalog.cache_identity() is None  # computed afresh every time
    assert by_catalog.cache_fingerprint() is None


@pytest.mark.spark
def test_spark_answers_repeat_and_a_rewritten_file_changes_them(
    folder: Path, spark_engine: SparkEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    spark = SparkStore.from_url(f"spark://{folder}")
    clear_caches()
    monkeypatch.setattr(spark_module, "SETTLE_S", 3600.0)  # the files are "just written"
    # unsettled: every call computes (no answer is kept for an unsettled listing)
    first = compute_kpis(spark, QUERY)
    before = hits()
    assert compute_kpis(spark, QUERY) == first
    assert hits() == before

    monkeypatch.setattr(spark_module, "SETTLE_S", 0.0)  # as if the files were minutes old
    assert compute_kpis(spark, QUERY) == first
    before = hits()
    assert compute_kpis(spark, QUERY) == first
    assert hits() == before + 1  # from memory, Spark not asked

    path = folder / "opportunities.parquet"
    table = pq.read_table(path)
    won = table.filter(pc.equal(table["opportunity_id"], "O1"))
    pq.write_table(table.filter(pc.invert(pc.equal(table["opportunity_id"], "O1"))), path)
    assert won.num_rows == 1
    after = compute_kpis(spark, QUERY)
    assert totals(after) != totals(first)
    assert after == compute_kpis(spark, QUERY, cache=False)


# -- copy-to: what it refuses ---------------------------------------------------------------------


def test_copy_to_refuses_a_spark_source_and_the_store_itself(folder: Path) -> None:
    from pantau.errors import UsageError
    from pantau.store.transfer import copy_to_postgres

    target = PostgresStore("postgresql://ana@127.0.0.1:1/sales?schema=pantau")  # never reached
    with pytest.raises(UsageError, match="Spark"):
        copy_to_postgres(SparkStore.from_url(f"spark://{folder}"), target)
    same = PostgresStore("postgresql://ana:pw@127.0.0.1:1/sales?schema=pantau")
    with pytest.raises(UsageError, match="is the store being copied"):
        copy_to_postgres(same, target)
