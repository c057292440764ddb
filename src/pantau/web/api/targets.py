"""``/api/v1/targets``: the targets an admin or a manager sets, and their change log.

Targets are changed on the targets page (``/targets``: the grid or the targets file), where
every change is logged with who, when and why.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pantau.errors import UsageError
from pantau.metrics.periods import parse_month
from pantau.web.deps import MONTH, Ctx, CurrentUser, Lang
from pantau.web.services.periods import month_label
from pantau.web.services.targets import load_targets, recent_changes, settable_scopes, within

router = APIRouter(prefix="/targets", tags=["targets"])
MAX_MONTHS = 120


def _months(start: str | None, end: str | None) -> list[str] | None:
    if not start and not end:
        return None
    first = parse_month(start or end or "", "from")
    last = parse_month(end or start or "", "to")
    if not 0 <= last - first < MAX_MONTHS:
        raise UsageError(f"'from' must not be after 'to', and at most {MAX_MONTHS} months apart")
    return [month_label(m) for m in range(first, last + 1)]


@router.get("", summary="Targets of the scopes you set them for")
def list_targets(
    ctx: Ctx,
    user: CurrentUser,
    lang: Lang,
    from_: Annotated[
        str | None, Query(alias="from", pattern=MONTH, description="First month, YYYY-MM.")
    ] = None,
    to: Annotated[str | None, Query(pattern=MONTH, description="Last month, YYYY-MM.")] = None,
) -> dict[str, Any]:
    """Monthly targets from `from` to `to` (all periods, quarters and years too, without
    them): `kpi`, `period`, `scope` (company, team, rep), `scope_id`, `target`. A missing row is
    *no target*, which is not a target of 0."""
    scopes = settable_scopes(ctx, user, lang)
    months = _months(from_ or None, to or None)
    rows = [
        {"kpi": k, "period": p, "scope": s, "scope_id": i, "target": v}
        for (k, p, s, i), v in sorted(
            load_targets(ctx.store, months).items(), key=lambda item: str(item[0])
        )
        if within(scopes, s, i)
    ]
    return {"targets": rows}


@router.get("/changes", summary="The newest target changes of your scopes")
def target_changes(
    ctx: Ctx,
    user: CurrentUser,
    lang: Lang,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Who changed which target when, from what to what (`null`: no target), and why."""
    changes = recent_changes(ctx.store, settable_scopes(ctx, user, lang), limit=limit)
    return {"changes": [{**c, "at": str(c["at"])} for c in changes]}
