"""Import history (``/imports`` + ``.json``), for admins and managers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from pantau.web.deps import Ctx, CurrentUser
from pantau.web.pages.common import PageDep
from pantau.web.services.imports import imports

router = APIRouter()


def imports_data(ctx: Ctx, user: CurrentUser) -> dict[str, Any]:
    return imports(ctx, user, limit=200)


ImportsData = Annotated[dict[str, Any], Depends(imports_data)]


@router.get("/imports.json", summary="Import history (newest 200)")
async def imports_json(data: ImportsData) -> dict[str, Any]:
    return data


@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
def imports_page(page: PageDep, data: ImportsData) -> HTMLResponse:
    return page.render("imports.html", data)
