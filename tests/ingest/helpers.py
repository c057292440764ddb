"""Helpers for importer tests: fixture paths and a store snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pantau.model.records import RECORD_TYPES
from pantau.store import Store

DATA = Path(__file__).parent.parent / "data" / "ingest"
TYPES = DATA / "types"
#: an order in which every type's references are loaded before it
LOAD_ORDER = [
    "reps",
    "customers",
    "products",
    "stages",
    "leads",
    "opportunities",
    "activities",
    "stage_history",
    "order_lines",
    "sales_costs",
    "collateral",
    "collateral_usage",
    "targets",
]


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with store.read() as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every canonical table's rows (sorted, without ``_import_id``) plus the meta version."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as con:
        for name in RECORD_TYPES:
            data = con.execute(f'SELECT * EXCLUDE (_import_id) FROM "{name}"').fetchall()
            out[name] = sorted(data, key=repr)
        out["_version"] = con.execute("SELECT * FROM pantau_meta ORDER BY key").fetchall()
    return out
