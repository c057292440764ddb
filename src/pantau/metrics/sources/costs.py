"""Facts of the cost-of-sales ratio: ``sales_costs`` rows, in the period of their month.

Team and region come from the row's rep; a row whose rep is absent or unknown belongs to its own
``team`` column and has no region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import FactsEnv, in_range, null_text, period, rep_attrs

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

SOURCE = "sales_costs"


def facts(env: FactsEnv) -> Any:
    costs = env.con.table("sales_costs")
    costs = costs.filter(in_range(env, costs.month_start, date_only=True))
    j = costs
    if env.wants("team", "region"):
        reps = rep_attrs(env.con)
        j = costs.left_join(reps, costs.rep_id == reps.r_rep)
    return env.select(
        j,
        period(env, j.month_start),
        {
            "rep_id": lambda: j.rep_id,
            "team": lambda: ibis.ifelse(j.r_rep.notnull(), j.r_team, j.team),
            "region": lambda: ibis.ifelse(j.r_rep.notnull(), j.r_region, null_text()),
            "amount": lambda: j.amount.cast("float64"),
        },
    )


COSTS = Part("cost_amount", SOURCE, lambda f: f.amount.sum())
COST_ROWS = Part("cost_rows", SOURCE, lambda f: f.count())
#: cost rows of the whole store per period: a period without any has no cost-of-sales ratio
STORE_COST_ROWS = Part("cost_rows_store", SOURCE, lambda f: f.count(), keyed=False)
