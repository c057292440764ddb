"""Moving a store's tables: to Parquet (for Spark and other pipelines) and to PostgreSQL.

:func:`export_parquet` works from any store through its Ibis backend; :func:`copy_to_postgres`
copies a DuckDB (or PostgreSQL) store table by table with ``COPY``, in one transaction.

What ``copy-to`` does with each of Pantau's own tables (docs/engines.md, "Moving a team"):

- copied, replacing the target's: the record types, ``settings``, the import log (``imports``,
  ``import_issues``), the accounts (``users``, ``api_tokens``), the target log
  (``target_changes``) and the remembered import mappings (``import_mappings``); the id
  sequences continue after the copied ids;
- emptied, not copied: ``sessions``. A browser session is tied to the server that issued it,
  and the target's old sessions name *its* old user ids — after the copy the same id can be
  another person, so keeping them would log a browser in as someone else. Everyone logs in
  again on the target;
- left as they are: ``login_attempts`` (the target's own failed-login throttle; the source's
  expire within a day anyway) and ``pantau_meta`` (the target's schema version; its
  ``data_version`` and ``auth_version`` are increased, so caches and signed-in clients of the
  target see the change).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import ibis
import pyarrow.parquet as pq

from pantau.errors import UsageError
from pantau.model.records import RECORD_TYPES
from pantau.store.canonical import canonical_schema
from pantau.store.duckdb_store import Store
from pantau.store.postgres_store import PgConnection, PostgresStore, copy_rows
from pantau.store.spark_store import SparkStore

SETTINGS_FILE = "settings.json"
BATCH_ROWS = 50_000
#: tables :func:`copy_to_postgres` copies besides the record types
PANTAU_TABLES = (
    "settings",
    "imports",
    "import_issues",
    "users",
    "api_tokens",
    "target_changes",
    "import_mappings",
)
#: tables :func:`copy_to_postgres` empties in the target without copying them (see above)
CLEARED_TABLES = ("sessions",)
SEQUENCES = (
    ("user_ids", "users", "user_id"),
    ("api_token_ids", "api_tokens", "token_id"),
    ("target_change_ids", "target_changes", "change_id"),
)


def export_parquet(store: Store, folder: Path, *, force: bool = False) -> list[Path]:
    """Write each record type's canonical table to ``folder/<type>.parquet`` and the settings
    to ``folder/settings.json`` — the layout ``--db spark:///folder`` reads. Returns the files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    clash = [p.name for p in _targets(folder) if p.exists()]
    if clash and not force:
        raise UsageError(f"{folder} already holds {', '.join(clash)}; use --force to replace")
    written = []
    with store.ibis() as backend:
        for name in RECORD_TYPES:
            written.append(_write_table(backend, name, folder / f"{name}.parquet"))
    settings = folder / SETTINGS_FILE
    settings.write_text(json.dumps(store.settings(), indent=2, sort_keys=True) + "\n", "utf-8")
    return [*written, settings]


def _targets(folder: Path) -> list[Path]:
    return [folder / f"{name}.parquet" for name in RECORD_TYPES] + [folder / SETTINGS_FILE]


def _write_table(backend: Any, name: str, path: Path) -> Path:
    schema = canonical_schema(name)
    arrow_schema = schema.to_pyarrow()
    expr = ibis.table(schema, name=name).select(*schema.names)
    partial = path.with_name(path.name + ".partial")
    with pq.ParquetWriter(partial, arrow_schema) as writer:
        for batch in _arrow_batches(backend, expr):
            writer.write_batch(batch.cast(arrow_schema))
    os.replace(partial, path)  # a reader never sees half a file
    return path


def _arrow_batches(backend: Any, expr: Any) -> Iterator[Any]:
    if backend.name == "duckdb":  # Ibis 12's DuckDB batches use an API DuckDB 2 no longer has
        yield from backend.con.sql(backend.compile(expr)).to_arrow_reader(BATCH_ROWS)
    else:
        yield from backend.to_pyarrow_batches(expr, chunk_size=BATCH_ROWS)


def copy_to_postgres(source: Store, target: PostgresStore) -> dict[str, int]:
    """Replace ``target``'s data, settings, import log and accounts by ``source``'s.

    One PostgreSQL transaction: either everything is copied or nothing changes. Returns the
    number of rows copied per table. The target's browser sessions end (module docstring).
    """
    if isinstance(source, SparkStore):
        raise UsageError(
            "copy-to copies a DuckDB or PostgreSQL store; the Spark engine's tables are your "
            "pipeline's (write them to PostgreSQL from there, or import the Parquet files)"
        )
    if isinstance(source, PostgresStore) and source.cache_identity() == target.cache_identity():
        raise UsageError(f"{target.address.label} is the store being copied")
    counts: dict[str, int] = {}
    target.settings()  # creates the schema when needed
    with (
        source.read() as src,
        closing(target.connect(autocommit=False)) as raw,
        raw.transaction(),
    ):
        target.lock(raw, transaction=True)
        for table in (*RECORD_TYPES, *PANTAU_TABLES):
            counts[table] = _copy_table(src, raw, table)
        for table in CLEARED_TABLES:
            raw.execute(f'DELETE FROM "{table}"')
        for sequence, table, column in SEQUENCES:
            raw.execute(
                f"SELECT setval('{sequence}', coalesce(max({column}), 0) + 1, false) FROM {table}"
            )
        PgConnection(raw).execute(
            "UPDATE pantau_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key IN ('data_version', 'auth_version')"
        )
    return counts


def _copy_table(src: Any, raw: Any, table: str) -> int:
    cursor = src.execute(f'SELECT * FROM "{table}"')
    columns = [d[0] for d in cursor.description]
    raw.execute(f'DELETE FROM "{table}"')
    return copy_rows(raw, table, columns, _batches(cursor))


def _batches(cursor: Any) -> Iterator[list[Any]]:
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield batch
