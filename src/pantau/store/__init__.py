"""Storage engines. The embedded DuckDB store is the default."""

from pantau.store.duckdb_store import Store, bump_data_version, default_path

__all__ = ["Store", "bump_data_version", "default_path"]
