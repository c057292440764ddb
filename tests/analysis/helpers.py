"""Canonical rows written straight into a store (the importer is not needed for these tests).

Timestamps are given as wall-clock times in Asia/Jakarta (``"2025-01-05 10:00"`` or a date);
:func:`insert` stores them as the importer does: ``x`` in UTC and ``x_local`` as given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pantau.model.records import RECORD_TYPES
from pantau.store import Store

ZONE = ZoneInfo("Asia/Jakarta")

Insert = Callable[..., None]


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)


def canonical(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """One template row → the stored columns (UTC + local timestamps, line totals)."""
    rt = RECORD_TYPES[table]
    out = dict(row)
    for col in rt.columns:
        if col.kind == "timestamp" and out.get(col.name) is not None:
            local = _local(out[col.name])
            out[col.name] = _utc(local)
            out[col.name + "_local"] = local
        if col.default is not None and out.get(col.name) is None:
            out[col.name] = col.default
    if table == "order_lines":
        qty = out["quantity"]
        if out.get("net_amount") is None and out.get("unit_net_price") is not None:
            out["net_amount"] = qty * out["unit_net_price"]
        if out.get("unit_list_price") is not None:
            out.setdefault("line_list_amount", qty * out["unit_list_price"])
        if out.get("unit_cost") is not None:
            out.setdefault("line_cost_amount", qty * out["unit_cost"])
    return out


def insert(store: Store, table: str, *rows: dict[str, Any]) -> None:
    """Insert canonical rows into ``table``."""
    with store.write() as con:
        for row in rows:
            data = canonical(table, row)
            cols = ", ".join(f'"{c}"' for c in data)
            marks = ", ".join("?" for _ in data)
            con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(data.values()))
