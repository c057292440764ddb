"""The stage funnel of the period's opportunities (``/funnel`` + ``.json``)."""

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


def funnel_data(ctx: Ctx, grant: GrantDep, view: ViewDep) -> dict[str, Any]:
    start, end = month_label(view.first_month), month_label(view.last_month)
    data = analysis.funnel(ctx, grant, start=start, end=end, by=None, lang=view.lang)
    return {**data, **view.public()}


FunnelData = Annotated[dict[str, Any], Depends(funnel_data)]


@router.get("/funnel.json", summary="Stage funnel of the period's opportunities")
async def funnel_json(data: FunnelData) -> dict[str, Any]:
    return data


@router.get("/funnel", response_class=HTMLResponse, include_in_schema=False)
def funnel_page(page: PageDep, data: FunnelData) -> HTMLResponse:
    return page.render(
        "funnel.html",
        data,
        cache=True,
        filters=page.filters(data["grain"]),
        chart=charts.funnel(data, page.lang),
    )
