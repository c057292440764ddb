"""The KPI oracle: the hand-written SQL of ``oracle.sql`` and how to run it.

Shared by the oracle tests (tests/oracle/) and the benchmark (bench/kpi.py). Written from
shared/spec/kpis.md alone, never from the engine's code, so that the two can check each other.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import duckdb

SQL_PATH = Path(__file__).with_name("oracle.sql")
SQL = SQL_PATH.read_text(encoding="utf-8")

KPI_IDS: tuple[str, ...] = (
    "leads",
    "speed_to_lead",
    "response_time_median_min",
    "activities",
    "key_activities",
    "qualified_rate",
    "win_rate",
    "sales_volume",
    "gross_margin",
    "price_realization",
    "discount_rate",
    "deal_value_held",
    "avg_deal_size",
    "sales_cycle_days",
    "repeat_customer_rate",
    "cost_of_sales_ratio",
    "collateral_usage_rate",
)

#: breakdown → name of its key column in the engine's rows (None: no key column)
KEY_COLUMN: dict[str, str | None] = {
    "none": None,
    "rep": "rep_id",
    "team": "team",
    "region": "region",
    "source": "source",
    "product": "product_id",
    "segment": "segment",
}
BREAKDOWNS: tuple[str, ...] = tuple(KEY_COLUMN)

#: KPIs that are amounts (compared with an absolute tolerance in currency units, too)
AMOUNT_KPIS = frozenset({"sales_volume", "avg_deal_size"})


def oracle_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    grain: str,
    by: str,
    start: dt.date,
    end: dt.date,
) -> list[dict[str, Any]]:
    """The catalogue for periods from ``start`` (first day) to ``end`` (first day after).

    Each row: ``period``, ``key`` (None when ``by == 'none'``) and one value per KPI id.
    """
    if grain not in ("month", "quarter"):
        raise ValueError(f"grain {grain!r}")
    if by not in KEY_COLUMN:
        raise ValueError(f"breakdown {by!r}")
    cur = con.execute(SQL, {"grain": grain, "by": by, "start": start, "end": end})
    names = [d[0] for d in cur.description]
    out = []
    for rec in cur.fetchall():
        row = dict(zip(names, rec, strict=True))
        row.pop("period_start")
        out.append(row)
    return out


def values_equal(kpi: str, a: Any, b: Any, *, rel: float = 1e-9) -> bool:
    """Equal KPI values: null only equals null; numbers within a tight relative tolerance."""
    if a is None or b is None:
        return a is None and b is None
    fa, fb = float(a), float(b)
    if math.isnan(fa) or math.isnan(fb):
        return False
    return math.isclose(fa, fb, rel_tol=rel, abs_tol=1e-6 if kpi in AMOUNT_KPIS else 1e-12)
