"""Facts of the activity KPIs: done activities, in the period of their ``occurred_at``."""

from __future__ import annotations

from typing import Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import FactsEnv, in_range, is_done, norm, period, rep_attrs

SOURCE = "activities"


def facts(env: FactsEnv) -> Any:
    acts = env.con.table("activities")
    done = acts.filter(in_range(env, acts.occurred_at_local), is_done(acts))
    j = done
    if env.wants("team", "region"):
        reps = rep_attrs(env.con)
        j = done.left_join(reps, done.rep_id == reps.r_rep)
    return env.select(
        j,
        period(env, j.occurred_at_local),
        {
            "rep_id": lambda: j.rep_id,
            "team": lambda: j.r_team,
            "region": lambda: j.r_region,
            "is_key": lambda: (norm(j.type) == env.key_activity_type).fill_null(False),
        },
    )


ACTIVITIES = Part("activities_n", SOURCE, lambda f: f.count())
KEY_ACTIVITIES = Part("activities_key", SOURCE, lambda f: f.count(where=f.is_key))
