"""Storage engines: the embedded DuckDB store (the default), PostgreSQL, and Spark (read-only).

:func:`open_store` picks the engine from what ``--db`` / ``PANTAU_DB`` says (docs/engines.md).
"""

from __future__ import annotations

import os

from pantau.store.duckdb_store import Store, bump_data_version, default_path
from pantau.store.postgres_store import PostgresStore, is_postgres_url
from pantau.store.spark_store import SparkStore, is_spark_url

__all__ = [
    "PostgresStore",
    "SparkStore",
    "Store",
    "bump_data_version",
    "default_path",
    "open_store",
]


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """The store ``target`` names (``None``: ``$PANTAU_DB``, else the default DuckDB file).

    ``postgresql://user:password@host/db[?schema=name]`` is a PostgreSQL store,
    ``spark:///folder`` (Parquet, one per record type) or ``spark:///file.toml`` (tables in a
    Spark catalog) the read-only Spark engine, anything else the path of a DuckDB file.
    """
    text = os.fspath(target) if target is not None else os.environ.get("PANTAU_DB", "")
    if is_postgres_url(text):
        return PostgresStore(text)
    if is_spark_url(text):
        return SparkStore.from_url(text)
    return Store(text or None)
