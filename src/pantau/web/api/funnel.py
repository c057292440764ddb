"""``/api/v1/funnel``: the stage funnel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pantau.web.deps import BY, Ctx, GrantDep, Lang, MonthRangeDep
from pantau.web.services import analysis

router = APIRouter(tags=["analysis"])


@router.get("/funnel", summary="Stage funnel of the opportunities created in a period")
def funnel(
    ctx: Ctx,
    grant: GrantDep,
    lang: Lang,
    months: MonthRangeDep,
    by: Annotated[str | None, Query(pattern=BY)] = None,
) -> dict[str, Any]:
    return analysis.funnel(ctx, grant, start=months.start, end=months.end, by=by or None, lang=lang)
