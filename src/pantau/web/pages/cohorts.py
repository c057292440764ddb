"""Retention cohorts heatmap (``/cohorts`` + ``.json``): the 12 months up to the period."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from pantau.web import charts
from pantau.web.deps import Ctx, GrantDep, ViewDep
from pantau.web.pages.common import PageDep
from pantau.web.services import analysis
from pantau.web.services.periods import month_label

router = APIRouter()


def cohorts_data(ctx: Ctx, grant: GrantDep, view: ViewDep) -> dict[str, Any]:
    start, end = month_label(view.last_month - 11), month_label(view.last_month)
    data = analysis.cohorts(ctx, grant, start=start, end=end, lang=view.lang)
    return {**data, **view.public()}


CohortsData = Annotated[dict[str, Any], Depends(cohorts_data)]


@router.get("/cohorts.json", summary="Retention cohorts of the 12 months up to the period")
async def cohorts_json(data: CohortsData) -> dict[str, Any]:
    return data


@router.get("/cohorts", response_class=HTMLResponse, include_in_schema=False)
def cohorts_page(page: PageDep, data: CohortsData) -> HTMLResponse:
    return page.render(
        "cohorts.html",
        data,
        cache=True,
        filters=page.filters(data["grain"]),
        chart=charts.cohort_heatmap(data, page.lang),
    )
