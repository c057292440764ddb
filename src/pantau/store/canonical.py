"""The canonical tables as Ibis and Arrow schemas (from :mod:`pantau.model.records`), for the
engines that read or write them outside DuckDB's own catalogue (Spark, Parquet export)."""

from __future__ import annotations

from typing import Any

import ibis

from pantau.model.records import RECORD_TYPES, stored_columns

IBIS_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "float64",
    "BIGINT": "int64",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "BOOLEAN": "boolean",
}


def canonical_schema(name: str) -> Any:
    """The Ibis schema of record type ``name``'s table."""
    columns = stored_columns(RECORD_TYPES[name])
    return ibis.schema({col: IBIS_TYPES[sql_type] for col, sql_type in columns})
