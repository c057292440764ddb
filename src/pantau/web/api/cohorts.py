"""``/api/v1/cohorts``: retention cohorts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pantau.web.deps import Ctx, GrantDep, Lang, MonthRangeDep
from pantau.web.services import analysis

router = APIRouter(tags=["analysis"])


@router.get("/cohorts", summary="Retention cohorts by month of first purchase")
def cohorts(
    ctx: Ctx,
    grant: GrantDep,
    lang: Lang,
    months: MonthRangeDep,
) -> dict[str, Any]:
    return analysis.cohorts(ctx, grant, start=months.start, end=months.end, lang=lang)
