"""Facts of the activity KPIs: done activities, in the period of their ``occurred_at``."""

from __future__ import annotations

from typing import Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import FactsEnv, is_done, norm, period, rep_attrs

SOURCE = "activities"


def facts(env: FactsEnv) -> Any:
    acts = env.con.table("activities")
    done = acts.filter(is_done(acts))
    reps = rep_attrs(env.con)
    j = done.left_join(reps, done.rep_id == reps.r_rep)
    return j.select(
        p=period(env, j.occurred_at_local),
        rep_id=j.rep_id,
        team=j.r_team,
        region=j.r_region,
        is_key=(norm(j.type) == env.key_activity_type).fill_null(False),
    )


ACTIVITIES = Part("activities_n", SOURCE, lambda f: f.count())
KEY_ACTIVITIES = Part("activities_key", SOURCE, lambda f: f.count(where=f.is_key))
