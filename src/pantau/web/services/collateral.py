"""Collateral usage: which sales material the visible reps used in the period, and how often."""

from __future__ import annotations

from typing import Any

from pantau.auth import Grant
from pantau.web.context import WebContext
from pantau.web.services.directory import rep_names
from pantau.web.services.ibis_helpers import month_of, rows, scoped, with_team
from pantau.web.services.kpis import KpiParams, kpi_table
from pantau.web.services.periods import View, month_label

KPI = "collateral_usage_rate"


def _items(ctx: WebContext, grant: Grant, view: View) -> list[dict[str, Any]]:
    with ctx.store.ibis() as con:
        usage = con.table("collateral_usage")
        usage = usage.filter(
            month_of(usage.used_at_local).between(view.first_month, view.last_month)
        )
        usage = scoped(with_team(con, usage), grant)
        per_item = usage.group_by(u_id=usage.collateral_id).aggregate(
            uses=usage.count(), reps=usage.rep_id.nunique()
        )
        items = con.table("collateral")
        joined = items.left_join(per_item, items.collateral_id == per_item.u_id)
        found = rows(
            joined.select(
                "collateral_id",
                "title",
                "type",
                uses=joined.uses.fill_null(0),
                reps=joined.reps.fill_null(0),
            )
        )
    found.sort(key=lambda r: (-r["uses"], r["title"] or ""))
    return found


def collateral(ctx: WebContext, grant: Grant, view: View) -> dict[str, Any]:
    """Uses per item in ``view``'s period, and the usage rate per visible rep."""
    items = ctx.cached(
        ("collateral", grant.key, view.first_month, view.last_month),
        lambda: _items(ctx, grant, view),
    )
    params = KpiParams(
        month_label(view.first_month), month_label(view.last_month), view.grain, "rep", (KPI,)
    )
    by_rep = _by_rep(ctx, grant, view, params) if "rep" in grant.allowed_by else []
    total = kpi_table(ctx, grant, KpiParams(params.start, params.end, view.grain, None, (KPI,)))
    overall = next((r.get(KPI) for r in total["rows"] if r["period"] == view.label), None)
    return {
        "view": "collateral",
        **view.public(),
        "usage_rate": overall,
        "items": items,
        "reps": by_rep,
    }


def _by_rep(ctx: WebContext, grant: Grant, view: View, params: KpiParams) -> list[dict[str, Any]]:
    names = rep_names(ctx)
    rows = [
        {"rep_id": r["rep_id"], "label": names.get(r["rep_id"], r["rep_id"]), "value": r.get(KPI)}
        for r in kpi_table(ctx, grant, params)["rows"]
        if r["period"] == view.label and r["rep_id"] is not None
    ]
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["label"]))
    return rows
