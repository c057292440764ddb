"""Storage engines: the embedded DuckDB store (the default), PostgreSQL, and Spark (read-only).

:func:`open_store` picks the engine from what ``--db`` / ``PANTAU_DB`` says (docs/engines.md).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pantau.store.duckdb_store import Store, bump_data_version, default_path

if TYPE_CHECKING:
    from pantau.store.postgres_store import PostgresStore
    from pantau.store.spark_store import SparkStore


def __getattr__(name: str) -> Any:
    # The other engines are imported when first named: Spark's module costs ~0.3 s of every
    # command's start, and most stores are DuckDB files.
    if name == "PostgresStore":
        from pantau.store.postgres_store import PostgresStore

        return PostgresStore
    if name == "SparkStore":
        from pantau.store.spark_store import SparkStore

        return SparkStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    if "://" not in text:
        return Store(text or None)
    from pantau.store.postgres_store import PostgresStore, is_postgres_url
    from pantau.store.spark_store import SparkStore, is_spark_url

    if is_postgres_url(text):
        return PostgresStore(text)
    if is_spark_url(text):
        return SparkStore.from_url(text)
    return Store(text or None)
