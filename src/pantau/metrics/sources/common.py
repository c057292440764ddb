"""What every source's facts share: the environment, attribution joins, enum matching."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pantau.metrics.periods import MONTHS_PER, period_expr
from pantau.model.records import RECORD_TYPES, stored_columns

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

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


#: meta tables the engine reads besides the canonical ones
META_SCHEMAS: dict[str, dict[str, str]] = {
    "settings": {"key": "string", "value": "string"},
    "pantau_meta": {"key": "string", "value": "string"},
    "imports": {
        "import_id": "int64",
        "record_type": "string",
        "status": "string",
        "inserted": "int64",
        "updated": "int64",
    },
}


def table_schema(name: str) -> Any:
    """The Ibis schema of a canonical table, from :mod:`pantau.model.records` (or of a meta
    table: only the columns the engine reads)."""
    if name in META_SCHEMAS:
        return ibis.schema(META_SCHEMAS[name])
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
        """Execute ``expr``; its rows as dicts of plain Python values (compiled by the backend,
        read through its cursor: no Arrow/pandas conversion)."""
        from pantau.metrics.compiled import fetch  # compiled.py builds on this module

        return fetch(self.backend, self.backend.compile(expr))


@dataclass(frozen=True)
class FactsEnv:
    """What a facts builder needs besides the tables: grain, period range and store-wide
    choices. ``first`` and ``last`` (period ordinals at ``grain``, inclusive) are Ibis integer
    values, so that a compiled query can be reused for other periods.

    Left joins for attributes (team and region, source, segment, prices, first purchases) are
    made only when a used column needs them: the database does not drop an unused join itself,
    and they are most of a query's cost. Every such join is on a unique key, so leaving it out
    changes no row."""

    con: Tables
    grain: str
    first: Any
    last: Any
    has_stages: bool
    key_activity_type: str
    #: the facts columns the query uses (None: all); a builder joins only what these need
    columns: frozenset[str] | None = None

    def wants(self, *names: str) -> bool:
        """Whether any of the facts columns ``names`` is used."""
        return self.columns is None or any(n in self.columns for n in names)

    def select(self, table: Any, p: Any, columns: dict[str, Callable[[], Any]]) -> Any:
        """``table`` projected to the period ``p`` and the used ``columns`` (built lazily: a
        column that is not used may refer to a join that was left out)."""
        return table.select(p=p, **{name: f() for name, f in columns.items() if self.wants(name)})


def norm(col: Any) -> Any:
    """Trimmed lower-case text: enumerated values and stage names match case-insensitively."""
    return col.strip().lower()


def period(env: FactsEnv, ts_local: Any) -> Any:
    """The period ordinal of a local timestamp (or date) at the env's grain."""
    return period_expr(ts_local, env.grain)


def month_start(month: Any, *, date_only: bool = False) -> Any:
    """The first day (a date) or instant (a timestamp) of month ordinal ``month`` (an Ibis
    integer). Built as a date, cast for a timestamp: every engine has ``make_date``."""
    day = ibis.date(month // 12, month % 12 + 1, 1)
    return day if date_only else day.cast("timestamp")


def in_range(env: FactsEnv, ts_local: Any, *, date_only: bool = False) -> Any:
    """Whether a local timestamp (``date_only``: a date) falls in the env's periods.

    Applied to a source's rows before its joins (the period test after them would make every
    row go through the joins), and written as a comparison with the range's first and last
    instants too, which the database can check against a block's min/max and skip it."""
    step = MONTHS_PER[env.grain]
    start = month_start(env.first * step, date_only=date_only)
    end = month_start((env.last + 1) * step, date_only=date_only)
    return (
        (ts_local >= start) & (ts_local < end) & period(env, ts_local).between(env.first, env.last)
    )


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
