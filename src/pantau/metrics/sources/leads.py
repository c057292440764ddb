"""Facts of the lead KPIs: one row per lead, in the period of its ``created_at``.

First contact = the earliest of ``first_contact_at`` and the done activities naming the lead; a
contact before creation counts as 0 minutes; exactly 60 minutes is within the hour. A lead is
qualified with a ``qualified_at``, a status qualified/converted, or an opportunity naming it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pantau.metrics.parts import Part
from pantau.metrics.sources.common import (
    FactsEnv,
    Tables,
    earliest,
    in_range,
    is_done,
    norm,
    period,
    rep_attrs,
    seconds_between,
)

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis

SOURCE = "leads"
QUALIFIED_STATUSES = ("qualified", "converted")


def _first_activity(con: Tables) -> Any:
    acts = con.table("activities")
    done = acts.filter(is_done(acts), acts.lead_id.notnull())
    return done.group_by(fa_lead=done.lead_id).aggregate(fa_at=done.occurred_at.min())


def _opportunity_leads(con: Tables) -> Any:
    opps = con.table("opportunities")
    return opps.filter(opps.lead_id.notnull()).select(ol_lead=opps.lead_id).distinct()


def facts(env: FactsEnv) -> Any:
    con = env.con
    leads = con.table("leads")
    leads = leads.filter(in_range(env, leads.created_at_local))
    j = leads
    contact_cols = ("has_contact", "within_hour", "minutes")
    if env.wants(*contact_cols):
        first_act = _first_activity(con)
        j = j.left_join(first_act, leads.lead_id == first_act.fa_lead)
    if env.wants("qualified"):
        opp_leads = _opportunity_leads(con)
        j = j.left_join(opp_leads, leads.lead_id == opp_leads.ol_lead)
    if env.wants("team", "region"):
        reps = rep_attrs(con)
        j = j.left_join(reps, leads.rep_id == reps.r_rep)

    def contact() -> Any:
        return earliest(j.first_contact_at, j.fa_at)

    def minutes() -> Any:
        secs = seconds_between(j.created_at, contact())
        return ibis.ifelse(secs < 0, 0.0, secs) / 60.0

    def qualified() -> Any:
        return (
            j.qualified_at.notnull()
            | norm(j.status).isin(QUALIFIED_STATUSES).fill_null(False)
            | j.ol_lead.notnull()
        )

    return env.select(
        j,
        period(env, j.created_at_local),
        {
            "rep_id": lambda: j.rep_id,
            "team": lambda: j.r_team,
            "region": lambda: j.r_region,
            "source": lambda: j.source,
            "has_contact": lambda: contact().notnull(),
            "within_hour": lambda: (
                contact() <= j.created_at + ibis.interval(minutes=60)
            ).fill_null(False),
            "minutes": minutes,
            "qualified": qualified,
        },
    )


LEADS = Part("leads_n", SOURCE, lambda f: f.count())
WITHIN_HOUR = Part("leads_within_hour", SOURCE, lambda f: f.count(where=f.within_hour))
CONTACTED = Part("leads_contacted", SOURCE, lambda f: f.count(where=f.has_contact))
# Median over the contacted leads only: the column is null elsewhere (no median(where=...)).
RESPONSE_MEDIAN = Part(
    "leads_response_median",
    SOURCE,
    lambda f: ibis.ifelse(f.has_contact, f.minutes, ibis.null()).median(),
)
QUALIFIED = Part("leads_qualified", SOURCE, lambda f: f.count(where=f.qualified))
