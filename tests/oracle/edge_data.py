"""A tiny hand-made store that hits every rule of kpis.md that is easy to get wrong.

Rows are written straight into the canonical tables, as the importer would leave them
(docs/architecture.md): timestamps given as local wall-clock time in Asia/Jakarta (UTC+7, no
DST) are stored as ``x`` (UTC) and ``x_local``; order lines carry their resolved
``net_amount`` / ``line_list_amount`` / ``line_cost_amount``; cost rows their ``month_start``.

The expected values in test_oracle_sql.py are worked out by hand from these rows; the comments
here say which rule each row is for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from pantau.model.records import RECORD_TYPES

JAKARTA = dt.timedelta(hours=7)

REPS = [
    {"rep_id": "R1", "name": "Ayu", "team": "A", "region": "West"},
    {"rep_id": "R2", "name": "Budi", "team": "A", "region": "East"},
    {"rep_id": "R3", "name": "Citra", "team": "B", "region": "West"},
    {"rep_id": "R4", "name": "Dewi"},  # no team, no region
]
CUSTOMERS = [
    {"customer_id": "C1", "segment": "SMB"},
    {"customer_id": "C2", "segment": "ENT"},
    {"customer_id": "C3"},
    {"customer_id": "C4", "segment": "SMB"},
]
PRODUCTS = [
    {"product_id": "P1", "list_price": 100.0, "unit_cost": 60.0},
    {"product_id": "P2", "list_price": 200.0},  # no unit cost
    {"product_id": "P3", "list_price": 0.0, "unit_cost": 10.0},  # list price 0
    {"product_id": "P4"},  # nothing known
]
STAGES = [
    {"stage": "Prospect", "position": 1, "kind": "open"},
    {"stage": "Negotiation", "position": 2, "kind": "open"},
    {"stage": "Closed Won", "position": 3, "kind": "won"},
    {"stage": "Closed Lost", "position": 4, "kind": "lost"},
]
LEADS = [
    # 30 min, within the hour
    {
        "lead_id": "L1",
        "created_at": "2026-01-05 09:00",
        "source": "web",
        "rep_id": "R1",
        "first_contact_at": "2026-01-05 09:30",
        "status": "open",
    },
    # first contact = done activity A2, exactly 60 min (the planned A3 at 10:10 does not count)
    {
        "lead_id": "L2",
        "created_at": "2026-01-10 10:00",
        "source": "web",
        "rep_id": "R2",
        "qualified_at": "2026-01-11 10:00",
    },
    # contact before creation -> 0 min; converted -> qualified
    {
        "lead_id": "L3",
        "created_at": "2026-01-20 08:00",
        "source": "referral",
        "rep_id": "R1",
        "first_contact_at": "2026-01-20 07:50",
        "status": "Converted",
    },
    # local 31 Jan 23:30 = UTC 31 Jan 16:30: January; never contacted; qualified via O2
    {"lead_id": "L4", "created_at": "2026-01-31 23:30", "rep_id": "R3"},
    # local 1 Feb 00:10 = UTC 31 Jan 17:10: February; activity A4 after 61 min beats 120 min
    {
        "lead_id": "L5",
        "created_at": "2026-02-01 00:10",
        "source": "web",
        "rep_id": "R3",
        "first_contact_at": "2026-02-01 02:10",
        "status": "disqualified",
    },
    # unknown rep; 30 seconds; qualified by status
    {
        "lead_id": "L6",
        "created_at": "2026-03-03 12:00",
        "source": "web",
        "rep_id": "R9",
        "first_contact_at": "2026-03-03 12:00:30",
        "status": "QUALIFIED",
    },
    # no rep; first contact is A5 (status NULL = done) after 120 min
    {"lead_id": "L7", "created_at": "2026-03-10 09:00", "source": "web"},
]
ACTIVITIES = [
    {
        "activity_id": "A1",
        "rep_id": "R1",
        "type": "meeting",
        "occurred_at": "2026-01-06 10:00",
        "status": "done",
    },
    {
        "activity_id": "A2",
        "rep_id": "R2",
        "type": "call",
        "occurred_at": "2026-01-10 11:00",
        "status": "Done",
        "lead_id": "L2",
    },
    {
        "activity_id": "A3",
        "rep_id": "R2",
        "type": "meeting",
        "occurred_at": "2026-01-10 10:10",
        "status": "planned",
        "lead_id": "L2",
    },
    {
        "activity_id": "A4",
        "rep_id": "R3",
        "type": "meeting",
        "occurred_at": "2026-02-01 01:11",
        "status": "DONE",
        "lead_id": "L5",
    },
    {
        "activity_id": "A5",
        "rep_id": "R1",
        "type": "email",
        "occurred_at": "2026-03-10 11:00",
        "status": None,
        "lead_id": "L7",
    },
    {
        "activity_id": "A6",
        "rep_id": "R4",
        "type": "meeting",
        "occurred_at": "2026-03-15 15:00",
        "status": "done",
    },
]
OPPORTUNITIES = [
    # 10.5 days; stage matched case-insensitively
    {
        "opportunity_id": "O1",
        "rep_id": "R1",
        "customer_id": "C1",
        "product_id": "P1",
        "quantity": 2.0,
        "amount": 180.0,
        "quoted_amount": 200.0,
        "stage": "closed won",
        "created_at": "2026-01-02 00:00",
        "closed_at": "2026-01-12 12:00",
    },
    # no unit cost; quoted 0 (out of deal_value_held); list_amount given
    {
        "opportunity_id": "O2",
        "rep_id": "R2",
        "customer_id": "C2",
        "product_id": "P2",
        "lead_id": "L4",
        "amount": 500.0,
        "quoted_amount": 0.0,
        "list_amount": 600.0,
        "stage": "Closed Won",
        "created_at": "2026-01-20 00:00",
        "closed_at": "2026-02-05 00:00",
    },
    # won without amount: counts for win_rate, cycle and repeat, in no amount KPI
    {
        "opportunity_id": "O3",
        "rep_id": "R1",
        "customer_id": "C1",
        "product_id": "P1",
        "lead_id": "L3",
        "stage": "CLOSED WON",
        "created_at": "2026-02-01 00:00",
        "closed_at": "2026-02-11 00:00",
    },
    {
        "opportunity_id": "O4",
        "rep_id": "R3",
        "customer_id": "C3",
        "product_id": "P3",
        "stage": "Closed Lost",
        "created_at": "2026-01-01 00:00",
        "closed_at": "2026-02-20 00:00",
    },
    # won without closed_at: in no period
    {
        "opportunity_id": "O5",
        "rep_id": "R3",
        "customer_id": "C2",
        "product_id": "P1",
        "amount": 90.0,
        "quoted_amount": 100.0,
        "stage": "Closed Won",
        "created_at": "2026-01-03 00:00",
    },
    # stage missing from the loaded stages: open, although it looks won and has closed_at
    {
        "opportunity_id": "O6",
        "rep_id": "R1",
        "customer_id": "C4",
        "product_id": "P4",
        "amount": 70.0,
        "stage": "Won",
        "created_at": "2026-02-01 00:00",
        "closed_at": "2026-03-01 00:00",
    },
    # closed before created: -5 days stays in the median; list price 0
    {
        "opportunity_id": "O7",
        "rep_id": "R2",
        "customer_id": "C3",
        "product_id": "P3",
        "lead_id": "L2",
        "quantity": 1.0,
        "amount": 50.0,
        "quoted_amount": 50.0,
        "stage": "Closed Won",
        "created_at": "2026-03-10 00:00",
        "closed_at": "2026-03-05 00:00",
    },
    # history before the range (deal basis: C1 bought before January)
    {
        "opportunity_id": "O8",
        "rep_id": "R4",
        "customer_id": "C1",
        "amount": 300.0,
        "quoted_amount": 400.0,
        "list_amount": 350.0,
        "stage": "Closed Won",
        "created_at": "2025-11-01 00:00",
        "closed_at": "2025-12-15 00:00",
    },
    {
        "opportunity_id": "O9",
        "rep_id": "R2",
        "customer_id": "C2",
        "stage": "Closed Lost",
        "created_at": "2026-03-01 00:00",
        "closed_at": "2026-03-20 00:00",
    },
    # no customer (left out of repeat_customer_rate), no product, no quote: 7 days
    {
        "opportunity_id": "O10",
        "rep_id": "R4",
        "amount": 40.0,
        "stage": "Closed Won",
        "created_at": "2026-02-01 00:00",
        "closed_at": "2026-02-08 00:00",
    },
]
ORDER_LINES = [
    {
        "order_id": "S1",
        "line_no": 1,
        "order_date": "2026-01-15 00:00",
        "customer_id": "C1",
        "product_id": "P1",
        "rep_id": "R1",
        "quantity": 2.0,
        "unit_net_price": 90.0,
        "unit_list_price": 100.0,
        "unit_cost": 60.0,
        "net_amount": 180.0,
        "line_list_amount": 200.0,
        "line_cost_amount": 120.0,
    },
    # rep from the linked opportunity (O2 -> R2); list from the product; cost unknown
    {
        "order_id": "S1",
        "line_no": 2,
        "order_date": "2026-01-15 00:00",
        "customer_id": "C1",
        "product_id": "P2",
        "opportunity_id": "O2",
        "quantity": 1.0,
        "unit_net_price": 150.0,
        "net_amount": 150.0,
    },
    # a return: nets out; product cost fallback -60; unit list price 100 > 0
    {
        "order_id": "S2",
        "line_no": 1,
        "order_date": "2026-02-03 00:00",
        "customer_id": "C2",
        "product_id": "P1",
        "rep_id": "R3",
        "quantity": -1.0,
        "unit_net_price": 90.0,
        "unit_list_price": 100.0,
        "net_amount": -90.0,
        "line_list_amount": -100.0,
    },
    # product list price 0: out of price realization; cost from cost_amount
    {
        "order_id": "S3",
        "line_no": 1,
        "order_date": "2026-02-10 00:00",
        "customer_id": "C3",
        "product_id": "P3",
        "rep_id": "R2",
        "quantity": 3.0,
        "unit_net_price": 10.0,
        "net_amount": 30.0,
        "cost_amount": 15.0,
        "line_cost_amount": 15.0,
    },
    # cancelled: counts nowhere
    {
        "order_id": "S4",
        "line_no": 1,
        "order_date": "2026-02-12 00:00",
        "customer_id": "C2",
        "product_id": "P1",
        "rep_id": "R2",
        "quantity": 5.0,
        "unit_net_price": 80.0,
        "net_amount": 400.0,
        "status": "cancelled",
    },
    # history: C2 bought in December
    {
        "order_id": "S5",
        "line_no": 1,
        "order_date": "2025-12-20 00:00",
        "customer_id": "C2",
        "product_id": "P1",
        "rep_id": "R1",
        "quantity": 1.0,
        "unit_net_price": 95.0,
        "net_amount": 95.0,
        "line_list_amount": 100.0,
        "line_cost_amount": 60.0,
    },
    # no rep anywhere; no list price, no cost anywhere
    {
        "order_id": "S6",
        "line_no": 1,
        "order_date": "2026-03-02 00:00",
        "customer_id": "C4",
        "product_id": "P4",
        "quantity": 2.0,
        "unit_net_price": 35.0,
        "net_amount": 70.0,
    },
    # line totals: discount 20 % and profit given
    {
        "order_id": "S7",
        "line_no": 1,
        "order_date": "2026-03-25 23:30",
        "customer_id": "C1",
        "product_id": "P1",
        "rep_id": "R4",
        "quantity": 1.0,
        "unit_net_price": 100.0,
        "net_amount": 100.0,
        "discount": 0.2,
        "profit": 30.0,
        "line_list_amount": 125.0,
        "line_cost_amount": 70.0,
    },
    # local 1 April 00:30 = UTC 31 March 17:30: April, outside Q1
    {
        "order_id": "S8",
        "line_no": 1,
        "order_date": "2026-04-01 00:30",
        "customer_id": "C3",
        "product_id": "P1",
        "rep_id": "R1",
        "quantity": 1.0,
        "unit_net_price": 100.0,
        "net_amount": 100.0,
    },
]
SALES_COSTS = [
    {"month": "2026-01", "category": "travel", "amount": 1000.0, "rep_id": "R1"},
    {"month": "2026-01", "category": "ads", "amount": 500.0, "team": "B"},
    {"month": "2026-01", "category": "tools", "amount": 200.0, "rep_id": "R9", "team": "C"},
    {"month": "2026-03", "category": "salary", "amount": 300.0},  # company-wide
    # a known rep: the rep's team (B) and region, not the row's team column
    {"month": "2026-03", "category": "phone", "amount": 50.0, "rep_id": "R3", "team": "A"},
    # February has no cost rows at all
]
COLLATERAL = [
    {"collateral_id": "K1", "title": "Deck", "published_at": "2025-12-01 00:00"},
    # retired exactly at the start of March: not retired *before* March, so still available
    {
        "collateral_id": "K2",
        "title": "Brochure",
        "published_at": "2026-02-15 00:00",
        "retired_at": "2026-03-01 00:00",
    },
    {"collateral_id": "K3", "title": "Price list"},  # never dated
    {
        "collateral_id": "K4",
        "title": "Promo Jan",
        "published_at": "2026-01-01 00:00",
        "retired_at": "2026-01-31 00:00",
    },
    {"collateral_id": "K5", "title": "Q2 deck", "published_at": "2026-04-01 00:00"},
]
COLLATERAL_USAGE = [
    {"collateral_id": "K1", "rep_id": "R1", "used_at": "2026-01-07 10:00", "action": "shared"},
    {"collateral_id": "K1", "rep_id": "R2", "used_at": "2026-01-08 10:00", "action": "viewed"},
    {"collateral_id": "K4", "rep_id": "R1", "used_at": "2026-01-20 10:00", "action": "presented"},
    # used before it was published: not an available item
    {"collateral_id": "K5", "rep_id": "R3", "used_at": "2026-02-10 10:00", "action": "shared"},
    {"collateral_id": "K2", "rep_id": "R3", "used_at": "2026-03-05 10:00", "action": "attached"},
    {"collateral_id": "K3", "rep_id": "R9", "used_at": "2026-03-06 10:00", "action": "shared"},
    # R4's only record in January, and of an item not yet published: behind no KPI, no group
    {"collateral_id": "K5", "rep_id": "R4", "used_at": "2026-01-25 10:00", "action": "viewed"},
]

TABLES: dict[str, list[dict[str, Any]]] = {
    "reps": REPS,
    "customers": CUSTOMERS,
    "products": PRODUCTS,
    "stages": STAGES,
    "leads": LEADS,
    "activities": ACTIVITIES,
    "opportunities": OPPORTUNITIES,
    "order_lines": ORDER_LINES,
    "sales_costs": SALES_COSTS,
    "collateral": COLLATERAL,
    "collateral_usage": COLLATERAL_USAGE,
}


def _stored(table: str, row: dict[str, Any]) -> dict[str, Any]:
    rt = RECORD_TYPES[table]
    out: dict[str, Any] = {}
    for name, value in row.items():
        kind = rt.column(name).kind if name in rt.column_names else None
        if kind == "timestamp" and value is not None:
            local = dt.datetime.fromisoformat(value)
            out[name] = local - JAKARTA
            out[name + "_local"] = local
        else:
            out[name] = value
    if table == "sales_costs":
        out["month_start"] = dt.date.fromisoformat(row["month"] + "-01")
    if table == "order_lines":
        out.setdefault("status", "confirmed")
    if table == "activities":
        out.setdefault("status", "done")
    return out


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (template columns; timestamps as local time) into a canonical table."""
    for row in rows:
        stored = _stored(table, row)
        cols = ", ".join(f'"{c}"' for c in stored)
        marks = ", ".join("?" for _ in stored)
        con.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(stored.values()))


def load(con: duckdb.DuckDBPyConnection, *, order_lines: bool = True, stages: bool = True) -> None:
    """Write the whole edge-case company (optionally without order lines or stages)."""
    for table, rows in TABLES.items():
        if (table == "order_lines" and not order_lines) or (table == "stages" and not stages):
            continue
        insert(con, table, rows)
