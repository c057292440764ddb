"""Data quality findings (``/quality`` + ``.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from pantau.web.deps import Ctx, GrantDep, Lang
from pantau.web.pages.common import PageDep
from pantau.web.services import analysis

router = APIRouter()


def quality_data(ctx: Ctx, grant: GrantDep, lang: Lang) -> dict[str, Any]:
    return analysis.quality(ctx, grant, limit=20, lang=lang)


QualityData = Annotated[dict[str, Any], Depends(quality_data)]


@router.get("/quality.json", summary="Data-quality findings on the visible records")
async def quality_json(data: QualityData) -> dict[str, Any]:
    return data


@router.get("/quality", response_class=HTMLResponse, include_in_schema=False)
def quality_page(page: PageDep, data: QualityData) -> HTMLResponse:
    return page.render("quality.html", data, cache=True)
