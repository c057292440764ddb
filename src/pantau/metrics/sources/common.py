"""What every source's facts share: the environment, attribution joins, enum matching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis

from pantau.metrics.periods import period_expr
from pantau.model.records import RECORD_TYPES, stored_columns

#: stage names that are won / lost when the store holds no ``stages`` (data-model.md)
WON_NAMES = ("won", "closed won", "menang")
LOST_NAMES = ("lost", "closed lost", "kalah")


IBIS_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "float64",
    "BIGINT": "int64",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "BOOLEAN": "boolean",
}


def table_schema(name: str) -> Any:
    """The Ibis schema of a canonical table, from :mod:`pantau.model.records`."""
    if name == "settings":
        return ibis.schema({"key": "string", "value": "string"})
    columns = stored_columns(RECORD_TYPES[name])
    return ibis.schema({col: IBIS_TYPES[sql_type] for col, sql_type in columns})


class Tables:
    """The store's canonical tables for KPI expressions, and where those expressions run.

    Tables are declared from the record model (not looked up in the engine), so an expression
    is the same whatever backend executes it; ``run`` executes one on the store's backend.
    """

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    @staticmethod
    def table(name: str) -> Any:
        return ibis.table(table_schema(name), name=name)

    def run(self, expr: Any) -> list[dict[str, Any]]:
        """Execute ``expr``; its rows as dicts of plain Python values."""
        return list(self.backend.to_pyarrow(expr).to_pylist())


@dataclass(frozen=True)
class FactsEnv:
    """What a facts builder needs besides the tables: grain, periods and store-wide choices."""

    con: Tables
    grain: str
    periods: tuple[int, ...]
    has_stages: bool
    key_activity_type: str


def norm(col: Any) -> Any:
    """Trimmed lower-case text: enumerated values and stage names match case-insensitively."""
    return col.strip().lower()


def period(env: FactsEnv, ts_local: Any) -> Any:
    """The period ordinal of a local timestamp (or date) at the env's grain."""
    return period_expr(ts_local, env.grain)


def seconds_between(start: Any, end: Any) -> Any:
    """``end − start`` in (fractional) seconds, as float64, from UTC instants."""
    return (end.epoch_seconds() - start.epoch_seconds()).cast("float64")


def earliest(a: Any, b: Any) -> Any:
    """The earlier of two nullable values (null only when both are), on every engine."""
    return ibis.least(a.coalesce(b), b.coalesce(a))


def null_text() -> Any:
    return ibis.null().cast("string")


def rep_attrs(con: Tables) -> Any:
    """``reps`` as (r_rep, r_team, r_region), to left-join for team and region attribution."""
    reps = con.table("reps")
    return reps.select(r_rep=reps.rep_id, r_team=reps.team, r_region=reps.region)


def customer_segments(con: Tables) -> Any:
    customers = con.table("customers")
    return customers.select(c_cust=customers.customer_id, c_segment=customers.segment)


def product_prices(con: Tables) -> Any:
    products = con.table("products")
    return products.select(
        pr_id=products.product_id,
        pr_list=products.list_price.cast("float64"),
        pr_cost=products.unit_cost.cast("float64"),
    )


def is_done(activities: Any) -> Any:
    """Activities with status done (the default when the status is missing)."""
    return activities.status.isnull() | (norm(activities.status) == "done")
