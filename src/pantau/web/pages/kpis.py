"""A KPI's page: trend, breakdown table with ``n``, definition (``/kpis/{id}`` + ``.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from pantau.web import charts
from pantau.web.deps import BY, Ctx, GrantDep, ViewDep
from pantau.web.pages.common import PageDep
from pantau.web.services import kpis

router = APIRouter()


def kpi_data(
    ctx: Ctx,
    grant: GrantDep,
    view: ViewDep,
    kpi_id: str,
    by: Annotated[str | None, Query(pattern=BY)] = None,
) -> dict[str, Any]:
    return kpis.kpi_detail(ctx, grant, view, kpi_id, by or None)


KpiData = Annotated[dict[str, Any], Depends(kpi_data)]


@router.get("/kpis/{kpi_id}.json", summary="One KPI: trend, breakdown, definition")
async def kpi_json(data: KpiData) -> dict[str, Any]:
    return data


@router.get("/kpis/{kpi_id}", response_class=HTMLResponse, include_in_schema=False)
def kpi_page(page: PageDep, data: KpiData) -> HTMLResponse:
    currency = page.ctx.settings().get("currency", "IDR")
    return page.render(
        "kpi.html",
        data,
        cache=True,
        filters=page.filters(data["grain"]),
        chart=charts.trend(data, page.lang, currency),
    )
