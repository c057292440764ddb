"""Small shared pieces of the web layer's own Ibis queries (speed to lead, collateral, range)."""

from __future__ import annotations

from typing import Any

from pantau.auth import Grant


def month_of(ts: Any) -> Any:
    """Month ordinal (``year × 12 + month − 1``) of a local timestamp or date column."""
    return ts.year().cast("int64") * 12 + ts.month().cast("int64") - 1


def with_team(con: Any, table: Any) -> Any:
    """``table`` (with a ``rep_id`` column) plus ``w_team``: the rep's team from ``reps``."""
    reps = con.table("reps")
    lookup = reps.select(w_rep=reps.rep_id, w_team=reps.team)
    return table.left_join(lookup, table.rep_id == lookup.w_rep).drop("w_rep")


def scoped(table: Any, grant: Grant) -> Any:
    """The rows of a :func:`with_team` table the grant may see (its reps, or its teams)."""
    if grant.rep_ids is not None:
        return table.filter(table.rep_id.isin(sorted(grant.rep_ids)).fill_null(False))
    if grant.teams is not None:
        return table.filter(table.w_team.isin(sorted(grant.teams)).fill_null(False))
    return table


def rows(expr: Any) -> list[dict[str, Any]]:
    """Execute ``expr``; its rows as dicts."""
    return list(expr.to_pyarrow().to_pylist())
