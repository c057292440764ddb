"""The overview: KPI cards in three groups (``/`` and its twin ``/overview.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from pantau import auth
from pantau.web.deps import Ctx, CurrentUser, GrantDep, ViewDep
from pantau.web.pages.common import PageDep
from pantau.web.services import kpis

router = APIRouter()


def overview_data(ctx: Ctx, user: CurrentUser, grant: GrantDep, view: ViewDep) -> dict[str, Any]:
    """The cards; a scoped account also gets the company-level value on each card."""
    company = None
    if grant.scope() is not None:
        company = auth.grant_for(user, company=True, rep_teams=ctx.rep_teams())
    return kpis.overview(ctx, grant, view, company=company)


OverviewData = Annotated[dict[str, Any], Depends(overview_data)]


@router.get("/overview.json", summary="Overview cards (JSON twin of /)")
async def overview_json(data: OverviewData) -> dict[str, Any]:
    return data


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(page: PageDep, data: OverviewData) -> HTMLResponse:
    return page.render("overview.html", data, cache=True, filters=page.filters(data["grain"]))
