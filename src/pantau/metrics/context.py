"""Store-wide facts a KPI query depends on, read in one small query (or two).

- the revenue basis: order lines when the store holds any, else won opportunities;
- whether ``stages`` are loaded (won/lost from their kinds, else from the fallback names);
- whether any first-contact information exists (else speed to lead and response time are null);
- the last month with data up to a cap (for the default range; a query with an end month does
  not need it, and the engine reads it only when a query has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pantau.metrics.sources.common import Tables, is_done

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

#: (table, local anchor column) of every KPI: "months that have data"
ANCHORS: tuple[tuple[str, str], ...] = (
    ("leads", "created_at_local"),
    ("activities", "occurred_at_local"),
    ("opportunities", "closed_at_local"),
    ("order_lines", "order_date_local"),
    ("sales_costs", "month_start"),
    ("collateral_usage", "used_at_local"),
)


EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class StoreContext:
    has_order_lines: bool
    has_stages: bool
    has_contact_info: bool
    data_end: int | None  # last month ordinal (≤ the cap) with a record at some anchor

    @property
    def basis(self) -> str:
        return "orders" if self.has_order_lines else "deals"


def _fact(rows: Any, name: str, value: Any) -> Any:
    """A one-row table ``(k, v)``: the name of a fact and its integer value over ``rows``."""
    agg = rows.aggregate(v=value)
    return agg.select(k=ibis.literal(name), v=agg.v.cast("int64"))


def _exists(rows: Any, name: str) -> Any:
    """``(name, 1)`` when ``rows`` has a row, else ``(name, 0)``: the scan stops at the first."""
    first = rows.limit(1)
    return _fact(first, name, first.count())


def shape_expr(con: Tables) -> Any:
    """The facts that do not depend on a month (basis, stages, contact information), as rows
    ``(k, v)``: each stops at the first row it finds."""
    lines, stages = con.table("order_lines"), con.table("stages")
    leads, acts = con.table("leads"), con.table("activities")
    return ibis.union(
        _exists(lines, "n_lines"),
        _exists(stages, "n_stages"),
        _exists(leads.filter(leads.first_contact_at.notnull()), "n_first_contacts"),
        _exists(acts.filter(is_done(acts), acts.lead_id.notnull()), "n_lead_activities"),
    )


def context_expr(con: Tables, year: Any, month: Any) -> Any:
    """The context facts as rows ``(k, v)``. ``year``/``month`` (ints or Ibis integers): the
    month after the cap; data ends are the latest anchors before its first day, in seconds since
    1970 of the local wall-clock time.

    One statement of independent one-row parts (a UNION ALL, not a cross join: a join of ten
    relations costs the optimizer more than the scans)."""
    parts = [shape_expr(con)]
    start = ibis.date(year, month, 1).cast("timestamp")  # make_date: on every engine
    for i, (table, column) in enumerate(ANCHORS):
        t = con.table(table)
        if table == "activities":  # a planned activity is behind no KPI: not "data"
            t = t.filter(is_done(t))
        col = t[column] if column != "month_start" else t[column].cast("timestamp")
        # a plain comparison per row: no month arithmetic, and the scan can skip blocks
        recent = t.filter(col < start)
        parts.append(_fact(recent, f"end_{i}", recent[column].cast("timestamp").max()
                           .epoch_seconds()))  # fmt: skip
    return ibis.union(*parts)


def after_cap(cap: int) -> tuple[int, int]:
    """(year, month) of the month after month ordinal ``cap``."""
    return (cap + 1) // 12, (cap + 1) % 12 + 1


def _month_of(seconds: int) -> int:
    day = EPOCH + timedelta(seconds=int(seconds))
    return day.year * 12 + day.month - 1


def _facts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {r["k"]: r["v"] for r in rows}


def shape_from_rows(rows: list[dict[str, Any]], data_end: int | None = None) -> StoreContext:
    """The :class:`StoreContext` of the rows of :func:`shape_expr` (and ``data_end``)."""
    facts = _facts(rows)
    return StoreContext(
        has_order_lines=bool(facts["n_lines"]),
        has_stages=bool(facts["n_stages"]),
        has_contact_info=bool(facts["n_first_contacts"] or facts["n_lead_activities"]),
        data_end=data_end,
    )


def data_end_from_rows(rows: list[dict[str, Any]]) -> int | None:
    """The last month with data, from the ``end_*`` rows of :func:`context_expr`."""
    facts = _facts(rows)
    ends = [_month_of(facts[f"end_{i}"]) for i in range(len(ANCHORS))
            if facts.get(f"end_{i}") is not None]  # fmt: skip
    return max(ends) if ends else None


def context_from_rows(rows: list[dict[str, Any]]) -> StoreContext:
    """The :class:`StoreContext` of the rows of :func:`context_expr`."""
    return shape_from_rows(rows, data_end_from_rows(rows))


def load_context(con: Tables, cap: int) -> StoreContext:
    """Read the store context through the Ibis backend ``con``; ``cap``: last month ordinal."""
    return context_from_rows(con.run(context_expr(con, *after_cap(cap))))
