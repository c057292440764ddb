"""Speed to lead: how long the period's leads waited for their first contact.

Buckets 0–5, 5–15, 15–60 and 60+ minutes and *never*; each upper bound is inclusive, so the
first three together are the ``speed_to_lead`` KPI's numerator. First contact as ``kpis.md``
defines it: the earlier of ``first_contact_at`` and the first *done* activity naming the lead;
a contact before creation counts as 0 minutes.
"""

from __future__ import annotations

from typing import Any

import ibis

from pantau.auth import Grant
from pantau.web.context import WebContext
from pantau.web.services.ibis_helpers import month_of, rows, scoped, with_team
from pantau.web.services.periods import View

BUCKETS = ("0-5", "5-15", "15-60", "60+", "never")


def _first_contacts(con: Any, view: View, grant: Grant) -> Any:
    """The period's visible leads with ``contact`` (UTC) and ``created_at``."""
    acts = con.table("activities")
    done = acts.filter(
        acts.lead_id.notnull(), acts.status.isnull() | (acts.status.strip().lower() == "done")
    )
    first_act = done.group_by(fa_lead=done.lead_id).aggregate(fa_at=done.occurred_at.min())
    leads = con.table("leads")
    month = month_of(leads.created_at_local)
    leads = leads.filter(month.between(view.first_month, view.last_month))
    leads = scoped(with_team(con, leads), grant)
    j = leads.left_join(first_act, leads.lead_id == first_act.fa_lead)
    own, act = j.first_contact_at, j.fa_at
    contact = ibis.least(own.coalesce(act), act.coalesce(own))
    return j.select(created_at=j.created_at, contact=contact)


def _bucket(t: Any) -> Any:
    seconds = (t.contact.epoch_seconds() - t.created_at.epoch_seconds()).cast("float64")
    return ibis.cases(
        (t.contact.isnull(), "never"),
        (seconds <= 5 * 60, "0-5"),
        (seconds <= 15 * 60, "5-15"),
        (seconds <= 60 * 60, "15-60"),
        else_="60+",
    )


def _counts(ctx: WebContext, grant: Grant, view: View) -> dict[str, int]:
    with ctx.store.ibis() as con:
        leads = _first_contacts(con, view, grant)
        found = rows(leads.group_by(bucket=_bucket(leads)).aggregate(n=leads.count()))
    return {r["bucket"]: int(r["n"]) for r in found}


def speed_to_lead(ctx: WebContext, grant: Grant, view: View) -> dict[str, Any]:
    """Lead counts per first-contact delay bucket, with shares, for ``view``'s period."""
    counts = ctx.cached(
        ("speed", grant.key, view.first_month, view.last_month),
        lambda: _counts(ctx, grant, view),
    )
    total = sum(counts.values())
    buckets = [
        {
            "bucket": b,
            "leads": counts.get(b, 0),
            "share": counts.get(b, 0) / total if total else None,
        }
        for b in BUCKETS
    ]
    within = sum(counts.get(b, 0) for b in BUCKETS[:3])
    return {
        "view": "speed",
        **view.public(),
        "leads": total,
        "within_hour": within,
        "within_hour_share": within / total if total else None,
        "buckets": buckets,
    }
