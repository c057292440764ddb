"""``/api/v1/quality``: data-quality findings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pantau.web.deps import Ctx, GrantDep, Lang
from pantau.web.services import analysis

router = APIRouter(tags=["analysis"])


@router.get("/quality", summary="Data-quality findings on the records you may see")
def quality(
    ctx: Ctx,
    grant: GrantDep,
    lang: Lang,
    limit: Annotated[int, Query(ge=0, le=1000, description="Examples per check.")] = 50,
) -> dict[str, Any]:
    return analysis.quality(ctx, grant, limit=limit, lang=lang)
