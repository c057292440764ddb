"""Helpers for KPI tests: canonical rows written straight into a store's tables.

``put(store, "leads", {...}, ...)`` takes rows as the Pantau template would (timestamps as ISO text,
with or without offset, or date-only), and writes what the importer would store: UTC ``x`` plus
``x_local`` in the store's time zone, lower-case enums, defaults, the order-line totals of
docs/architecture.md and ``sales_costs.month_start``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engines.fixtures import Engine
from pantau.metrics import KpiQuery, compute_kpis
from pantau.model.records import RECORD_TYPES, RecordType
from pantau.store import Store, bump_data_version

TODAY = date(2026, 7, 15)


def instant(value: Any, tz: str) -> tuple[datetime | None, datetime | None]:
    """(UTC, local) naive timestamps of a template value; date-only = local midnight."""
    if value is None:
        return None, None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    zone = ZoneInfo(tz)
    aware = value if value.tzinfo else value.replace(tzinfo=zone)
    return (
        aware.astimezone(UTC).replace(tzinfo=None),
        aware.astimezone(zone).replace(tzinfo=None),
    )


def _order_line(out: dict[str, Any]) -> None:
    q = out["quantity"]
    if out["net_amount"] is None and out["unit_net_price"] is not None:
        out["net_amount"] = q * out["unit_net_price"]
    if out["unit_net_price"] is None and out["net_amount"] is not None and q:
        out["unit_net_price"] = out["net_amount"] / q
    if out["unit_list_price"] is not None:
        out["line_list_amount"] = q * out["unit_list_price"]
    elif out["discount"] is not None:
        out["line_list_amount"] = out["net_amount"] / (1 - out["discount"])
    if out["unit_cost"] is not None:
        out["line_cost_amount"] = q * out["unit_cost"]
    elif out["cost_amount"] is not None:
        out["line_cost_amount"] = out["cost_amount"]
    elif out["profit"] is not None:
        out["line_cost_amount"] = out["net_amount"] - out["profit"]


def canonical(
    rt: RecordType, row: Mapping[str, Any], tz: str, *, lower: bool = True
) -> dict[str, Any]:
    unknown = set(row) - set(rt.column_names)
    assert not unknown, f"{rt.name} has no columns {unknown}"
    out: dict[str, Any] = {}
    for col in rt.columns:
        value = row.get(col.name, col.default)
        if col.kind == "timestamp":
            out[col.name], out[col.name + "_local"] = instant(value, tz)
        elif col.kind == "date" and isinstance(value, str):
            out[col.name] = date.fromisoformat(value)
        elif col.kind in ("enum", "label") and value is not None and lower:
            out[col.name] = str(value).lower()
        else:
            out[col.name] = value
    if rt.name == "order_lines":
        out["line_list_amount"] = out["line_cost_amount"] = None
        _order_line(out)
    if rt.name == "sales_costs":
        year, month = str(out["month"]).split("-")
        out["month_start"] = date(int(year), int(month), 1)
    return out


def seed(store: Store, *, lower: bool = True, **tables: list[Mapping[str, Any]]) -> None:
    """Write canonical rows of several record types in one connection (``lower=False``: enums
    kept as given, to exercise case-insensitive matching). Like every write, it bumps the
    store's ``data_version`` (the KPI engine's caches key on it)."""
    tz = store.setting("timezone")
    with store.write() as con:
        bump_data_version(con)
        for table, rows in tables.items():
            rt = RECORD_TYPES[table]
            records = [canonical(rt, row, tz, lower=lower) for row in rows]
            if not records:
                continue
            names = list(records[0])
            cols = ", ".join(f'"{n}"' for n in names)
            marks = ", ".join("?" for _ in names)
            con.executemany(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                [[r[n] for n in names] for r in records],
            )


def put(store: Store, table: str, *rows: Mapping[str, Any], lower: bool = True) -> None:
    """Write canonical rows of record type ``table``."""
    seed(store, lower=lower, **{table: list(rows)})


def new_store(factory: pytest.TempPathFactory, name: str) -> Store:
    """A fresh store for a module-scoped fixture (tests only read it)."""
    store = Store(factory.mktemp(name) / "store.duckdb")
    store.settings()
    return store


#: the engine the current test computes on: DuckDB, or the ``engine`` of modules that say
#: ``pytestmark = pytest.mark.usefixtures("engine")`` (tests/engines/fixtures.py)
_on: list[Engine] = [Engine()]


@pytest.fixture(autouse=True)
def _compute_on(request: pytest.FixtureRequest) -> Iterator[None]:
    _on[0] = request.getfixturevalue("engine") if "engine" in request.fixturenames else Engine()
    yield
    _on[0] = Engine()


def run(store: Store, **query: Any) -> dict[str, Any]:
    """compute_kpis with a fixed 'today' (2026-07-15), on the test's engine."""
    if "kpis" in query and isinstance(query["kpis"], str):
        query["kpis"] = (query["kpis"],)
    return compute_kpis(_on[0].mirror(store), KpiQuery(**query), today=TODAY)


def rows(store: Store, **query: Any) -> list[dict[str, Any]]:
    return run(store, **query)["rows"]


def by_period(store: Store, **query: Any) -> dict[str, dict[str, Any]]:
    """Rows without breakdown, keyed by period label."""
    return {r["period"]: r for r in rows(store, **query)}


def by_key(store: Store, column: str, **query: Any) -> dict[tuple[str, Any], dict[str, Any]]:
    """Rows keyed by (period, key)."""
    return {(r["period"], r[column]): r for r in rows(store, **query)}


@pytest.fixture
def jakarta(store: Store) -> Store:
    """An empty store (business time zone Asia/Jakarta, UTC+7)."""
    store.settings()
    return store
