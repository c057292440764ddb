"""Reps and teams a grant may see: names for tables, choices for the filter bar."""

from __future__ import annotations

from typing import Any

from pantau.analysis.common import fetch
from pantau.auth import User
from pantau.web.context import WebContext


def all_reps(ctx: WebContext) -> list[dict[str, Any]]:
    """Every rep of the ``reps`` table (id, name, team, region), by name."""

    def compute() -> list[dict[str, Any]]:
        with ctx.store.ibis() as con:
            reps = con.table("reps")
            return fetch(reps.select("rep_id", "name", "team", "region").order_by("name", "rep_id"))

    return ctx.cached(("reps",), compute)


def rep_names(ctx: WebContext) -> dict[str, str]:
    """rep_id → display name (the id when the name is missing)."""
    return {r["rep_id"]: r["name"] or r["rep_id"] for r in all_reps(ctx)}


def visible_reps(ctx: WebContext, user: User) -> list[dict[str, Any]]:
    """The reps ``user`` may pick in the filter bar."""
    reps = all_reps(ctx)
    if user.role == "manager":
        return [r for r in reps if r["team"] in user.teams]
    if user.role == "rep":
        return [r for r in reps if r["rep_id"] == user.rep_id]
    return reps


def visible_teams(ctx: WebContext, user: User) -> list[str]:
    """The teams ``user`` may pick in the filter bar (none for a rep)."""
    if user.role == "manager":
        return list(user.teams)
    if user.role == "rep":
        return []
    return sorted({r["team"] for r in all_reps(ctx) if r["team"]})


def label_for(by: str | None, key: Any, names: dict[str, str]) -> str | None:
    """How a breakdown key is shown: a rep's name, else the key itself."""
    if key is None:
        return None
    return names.get(key, key) if by == "rep" else str(key)
