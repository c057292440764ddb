"""The leaderboard: reps ranked by target attainment (``/leaderboard`` + ``.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from pantau.web.deps import Ctx, GrantDep, ViewDep
from pantau.web.pages.common import PageDep
from pantau.web.services import kpis

router = APIRouter()


def leaderboard_data(
    ctx: Ctx,
    grant: GrantDep,
    view: ViewDep,
    kpi: Annotated[str, Query(max_length=64, description="KPI to rank by.")] = "sales_volume",
) -> dict[str, Any]:
    return kpis.leaderboard(ctx, grant, view, kpi)


LeaderboardData = Annotated[dict[str, Any], Depends(leaderboard_data)]


@router.get("/leaderboard.json", summary="Reps ranked by target attainment")
async def leaderboard_json(data: LeaderboardData) -> dict[str, Any]:
    return data


@router.get("/leaderboard", response_class=HTMLResponse, include_in_schema=False)
def leaderboard_page(page: PageDep, data: LeaderboardData) -> HTMLResponse:
    return page.render("leaderboard.html", data, cache=True, filters=page.filters(data["grain"]))
