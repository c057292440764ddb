"""Store-wide facts a KPI query depends on, read in one small query.

- the revenue basis: order lines when the store holds any, else won opportunities;
- whether ``stages`` are loaded (won/lost from their kinds, else from the fallback names);
- whether any first-contact information exists (else speed to lead and response time are null);
- the last month with data up to a cap (for the default range).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pantau.metrics.sources.common import Tables, is_done

#: (table, local anchor column) of every KPI: "months that have data"
ANCHORS: tuple[tuple[str, str], ...] = (
    ("leads", "created_at_local"),
    ("activities", "occurred_at_local"),
    ("opportunities", "closed_at_local"),
    ("order_lines", "order_date_local"),
    ("sales_costs", "month_start"),
    ("collateral_usage", "used_at_local"),
)


@dataclass(frozen=True)
class StoreContext:
    has_order_lines: bool
    has_stages: bool
    has_contact_info: bool
    data_end: int | None  # last month ordinal (≤ the cap) with a record at some anchor

    @property
    def basis(self) -> str:
        return "orders" if self.has_order_lines else "deals"


def _month(col: Any) -> Any:
    return col.year() * 12 + col.month() - 1


def _aggregates(con: Tables, cap: int) -> list[Any]:
    lines, stages = con.table("order_lines"), con.table("stages")
    leads, acts = con.table("leads"), con.table("activities")
    out = [
        lines.aggregate(n_lines=lines.count()),
        stages.aggregate(n_stages=stages.count()),
        leads.aggregate(n_first_contacts=leads.count(where=leads.first_contact_at.notnull())),
        acts.aggregate(n_lead_activities=acts.count(where=is_done(acts) & acts.lead_id.notnull())),
    ]
    for i, (table, column) in enumerate(ANCHORS):
        t = con.table(table)
        month = _month(t[column])
        out.append(t.aggregate(**{f"end_{i}": month.max(where=month <= cap)}))
    return out


def load_context(con: Tables, cap: int) -> StoreContext:
    """Read the store context through the Ibis backend ``con``; ``cap``: last month ordinal."""
    aggs = _aggregates(con, cap)
    expr = aggs[0]
    for agg in aggs[1:]:
        expr = expr.cross_join(agg)
    row = con.run(expr)[0]
    ends = [row[f"end_{i}"] for i in range(len(ANCHORS)) if row[f"end_{i}"] is not None]
    return StoreContext(
        has_order_lines=row["n_lines"] > 0,
        has_stages=row["n_stages"] > 0,
        has_contact_info=row["n_first_contacts"] + row["n_lead_activities"] > 0,
        data_end=int(max(ends)) if ends else None,
    )
