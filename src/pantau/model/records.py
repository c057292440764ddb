"""The canonical record types of ``data-model.md`` (the Pantau template).

Each record type is described as data: its template columns, which are required, how a value
is parsed, which column is the natural key and which other record type a column refers to.
The importer, the store schema and the template writer are all generated from these
descriptions, so a column is declared exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal[
    "id",  # string identifier, trimmed, leading zeros kept
    "text",  # free text, trimmed
    "enum",  # one of ``Column.choices`` (case-insensitive), stored lower-case
    "label",  # open vocabulary (activity types), stored lower-case
    "timestamp",  # instant: stored as UTC plus a ``<name>_local`` copy in the business zone
    "date",  # calendar day in the business time zone
    "month",  # ``YYYY-MM``
    "period",  # ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``
    "number",  # decimal number (DOUBLE)
    "integer",  # whole number
    "fraction",  # ``0.2`` or ``20%`` (discounts), stored as a fraction
    "bool",  # true/false, 1/0, yes/no, ya/tidak
]

SQL_TYPE: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "label": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "month": "VARCHAR",
    "period": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "fraction": "DOUBLE",
    "bool": "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    """One template column of a record type."""

    name: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None
    ref: str | None = None  # record type whose id this column names

    @property
    def sql_type(self) -> str:
        return SQL_TYPE[self.kind]


@dataclass(frozen=True)
class RecordType:
    """One record type: its template columns and natural key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    #: groups of columns of which at least one must be present (and filled) in each row
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def table(self) -> str:
        """Name of the canonical table in the store."""
        return self.name


def _c(name: str, kind: Kind, **kw: object) -> Column:
    return Column(name, kind, **kw)  # type: ignore[arg-type]


LEAD_STATUSES = ("open", "qualified", "disqualified", "converted")
ACTIVITY_STATUSES = ("done", "planned")
STAGE_KINDS = ("open", "won", "lost")
LINE_STATUSES = ("confirmed", "cancelled")
USAGE_ACTIONS = ("shared", "presented", "attached", "viewed")
TARGET_SCOPES = ("company", "team", "rep")

RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt
    for rt in [
        RecordType(
            "reps",
            (
                _c("rep_id", "id", required=True),
                _c("name", "text"),
                _c("team", "text"),
                _c("manager", "text"),
                _c("region", "text"),
                _c("email", "text"),
                _c("active_from", "date"),
                _c("active_to", "date"),
            ),
            key=("rep_id",),
        ),
        RecordType(
            "customers",
            (
                _c("customer_id", "id", required=True),
                _c("name", "text"),
                _c("segment", "text"),
                _c("region", "text"),
                _c("parent_id", "id", ref="customers"),
                _c("created_at", "timestamp"),
            ),
            key=("customer_id",),
        ),
        RecordType(
            "products",
            (
                _c("product_id", "id", required=True),
                _c("name", "text"),
                _c("category", "text"),
                _c("list_price", "number"),
                _c("unit_cost", "number"),
            ),
            key=("product_id",),
        ),
        RecordType(
            "stages",
            (
                _c("stage", "text", required=True),
                _c("position", "integer", required=True),
                _c("kind", "enum", required=True, choices=STAGE_KINDS),
                _c("qualified", "bool"),
            ),
            key=("stage",),
        ),
        RecordType(
            "leads",
            (
                _c("lead_id", "id", required=True),
                _c("created_at", "timestamp", required=True),
                _c("source", "text"),
                _c("rep_id", "id", ref="reps"),
                _c("customer_id", "id", ref="customers"),
                _c("first_contact_at", "timestamp"),
                _c("qualified_at", "timestamp"),
                _c("status", "enum", choices=LEAD_STATUSES),
            ),
            key=("lead_id",),
        ),
        RecordType(
            "activities",
            (
                _c("activity_id", "id", required=True),
                _c("rep_id", "id", required=True, ref="reps"),
                _c("type", "label", required=True),
                _c("occurred_at", "timestamp", required=True),
                _c("status", "enum", choices=ACTIVITY_STATUSES, default="done"),
                _c("lead_id", "id", ref="leads"),
                _c("opportunity_id", "id", ref="opportunities"),
                _c("customer_id", "id", ref="customers"),
            ),
            key=("activity_id",),
        ),
        RecordType(
            "opportunities",
            (
                _c("opportunity_id", "id", required=True),
                _c("rep_id", "id", required=True, ref="reps"),
                _c("created_at", "timestamp", required=True),
                _c("stage", "text", required=True),
                _c("customer_id", "id", ref="customers"),
                _c("lead_id", "id", ref="leads"),
                _c("product_id", "id", ref="products"),
                _c("quantity", "number"),
                _c("amount", "number"),
                _c("quoted_amount", "number"),
                _c("list_amount", "number"),
                _c("closed_at", "timestamp"),
                _c("lost_reason", "text"),
            ),
            key=("opportunity_id",),
        ),
        RecordType(
            "stage_history",
            (
                _c("opportunity_id", "id", required=True, ref="opportunities"),
                _c("stage", "text", required=True),
                _c("entered_at", "timestamp", required=True),
            ),
            key=("opportunity_id", "stage", "entered_at"),
        ),
        RecordType(
            "order_lines",
            (
                _c("order_id", "id", required=True),
                _c("line_no", "integer"),
                _c("order_date", "timestamp", required=True),
                _c("customer_id", "id", required=True, ref="customers"),
                _c("product_id", "id", ref="products"),
                _c("rep_id", "id", ref="reps"),
                _c("opportunity_id", "id", ref="opportunities"),
                _c("quantity", "number", required=True),
                _c("unit_net_price", "number"),
                _c("unit_list_price", "number"),
                _c("unit_cost", "number"),
                _c("status", "enum", choices=LINE_STATUSES, default="confirmed"),
                _c("net_amount", "number"),
                _c("discount", "fraction"),
                _c("cost_amount", "number"),
                _c("profit", "number"),
            ),
            key=("order_id", "line_no"),
            one_of=(("unit_net_price", "net_amount"),),
        ),
        RecordType(
            "sales_costs",
            (
                _c("month", "month", required=True),
                _c("category", "text", required=True),
                _c("amount", "number", required=True),
                _c("rep_id", "id", ref="reps"),
                _c("team", "text"),
            ),
            key=("month", "category", "rep_id", "team"),
        ),
        RecordType(
            "collateral",
            (
                _c("collateral_id", "id", required=True),
                _c("title", "text", required=True),
                _c("type", "label"),
                _c("published_at", "timestamp"),
                _c("retired_at", "timestamp"),
            ),
            key=("collateral_id",),
        ),
        RecordType(
            "collateral_usage",
            (
                _c("collateral_id", "id", required=True, ref="collateral"),
                _c("rep_id", "id", required=True, ref="reps"),
                _c("used_at", "timestamp", required=True),
                _c("action", "enum", choices=USAGE_ACTIONS),
                _c("opportunity_id", "id", ref="opportunities"),
            ),
            key=("collateral_id", "rep_id", "used_at", "action"),
        ),
        RecordType(
            "targets",
            (
                _c("kpi", "text", required=True),
                _c("period", "period", required=True),
                _c("target", "number", required=True),
                _c("scope", "enum", choices=TARGET_SCOPES, default="company"),
                _c("scope_id", "text"),
            ),
            key=("kpi", "period", "scope", "scope_id"),
        ),
    ]
}

#: id column of each record type that other records refer to
ID_COLUMN: dict[str, str] = {
    "reps": "rep_id",
    "customers": "customer_id",
    "products": "product_id",
    "leads": "lead_id",
    "opportunities": "opportunity_id",
    "collateral": "collateral_id",
}


def record_type(name: str) -> RecordType:
    """Return the record type called ``name`` (case-insensitive; ``-`` and ``_`` alike)."""
    from pantau.errors import UnknownRecordType

    key = name.strip().lower().replace("-", "_")
    try:
        return RECORD_TYPES[key]
    except KeyError:
        raise UnknownRecordType(name, sorted(RECORD_TYPES)) from None


def stored_columns(rt: RecordType) -> list[tuple[str, str]]:
    """(name, SQL type) of the canonical table: template columns plus derived ones.

    Every timestamp column ``x`` is stored as a UTC instant ``x`` and as wall-clock time in the
    business time zone ``x_local`` (so periods are cut without time-zone functions at query time,
    on every engine). ``order_lines`` also stores each line's resolved totals (``net_amount``,
    ``list_amount``, ``cost_amount``: ``NULL`` where the product's prices must fill in) and
    ``sales_costs`` the first day of its month.
    """
    cols: list[tuple[str, str]] = []
    for c in rt.columns:
        cols.append((c.name, c.sql_type))
        if c.kind == "timestamp":
            cols.append((c.name + "_local", "TIMESTAMP"))
    if rt.name == "order_lines":
        cols.append(("line_list_amount", "DOUBLE"))
        cols.append(("line_cost_amount", "DOUBLE"))
    if rt.name == "sales_costs":
        cols.append(("month_start", "DATE"))
    cols.append(("_import_id", "BIGINT"))
    return cols
