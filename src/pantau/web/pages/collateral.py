"""Collateral usage (``/collateral`` + ``.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from pantau.web.deps import Ctx, GrantDep, ViewDep
from pantau.web.pages.common import PageDep
from pantau.web.services.collateral import collateral

router = APIRouter()


def collateral_data(ctx: Ctx, grant: GrantDep, view: ViewDep) -> dict[str, Any]:
    return collateral(ctx, grant, view)


CollateralData = Annotated[dict[str, Any], Depends(collateral_data)]


@router.get("/collateral.json", summary="Collateral items used and usage rate per rep")
async def collateral_json(data: CollateralData) -> dict[str, Any]:
    return data


@router.get("/collateral", response_class=HTMLResponse, include_in_schema=False)
def collateral_page(page: PageDep, data: CollateralData) -> HTMLResponse:
    return page.render("collateral.html", data, cache=True, filters=page.filters(data["grain"]))
