"""Facts of the collateral usage rate.

An item is available in a period when it was published on or before the period's end (or is not
dated) and was not retired before the period's start. Usage facts: uses of items available in the
period of the use. Availability facts: (period, item) for every available item of every period of
the query — not limited by breakdown or scope, since "items available" is the denominator of
every group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import FactsEnv, in_range, period, rep_attrs

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

USAGE = "collateral_usage"
AVAILABILITY = "collateral_available"


def _items(env: FactsEnv) -> Any:
    items = env.con.table("collateral")
    return items.select(
        c_id=items.collateral_id,
        pub_p=period(env, items.published_at_local),
        ret_p=period(env, items.retired_at_local),
    )


def _available(t: Any, p: Any) -> Any:
    return (t.pub_p.isnull() | (t.pub_p <= p)) & (t.ret_p.isnull() | (t.ret_p >= p))


def usage_facts(env: FactsEnv) -> Any:
    usage, items = env.con.table("collateral_usage"), _items(env)
    usage = usage.filter(in_range(env, usage.used_at_local))
    j = usage.inner_join(items, usage.collateral_id == items.c_id)
    if env.wants("team", "region"):
        reps = rep_attrs(env.con)
        j = j.left_join(reps, usage.rep_id == reps.r_rep)
    j = j.mutate(p=period(env, j.used_at_local))
    j = j.filter(_available(j, j.p))
    return env.select(
        j,
        j.p,
        {
            "rep_id": lambda: j.rep_id,
            "team": lambda: j.r_team,
            "region": lambda: j.r_region,
            "collateral_id": lambda: j.collateral_id,
        },
    )


def availability_facts(env: FactsEnv) -> Any:
    items = _items(env)
    every_period = ibis.range(env.first, env.last + 1).unnest()
    j = items.select(items.c_id, items.pub_p, items.ret_p, p=every_period)
    j = j.filter(_available(j, j.p))
    return j.select(p=j.p, collateral_id=j.c_id)


USED_ITEMS = Part("coll_used_items", USAGE, lambda f: f.collateral_id.nunique())
USES = Part("coll_uses", USAGE, lambda f: f.count())
AVAILABLE_ITEMS = Part(
    "coll_available_items", AVAILABILITY, lambda f: f.collateral_id.nunique(), keyed=False
)
