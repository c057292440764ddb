"""Download buttons: ``/export.xlsx`` and ``/export.pdf`` with the filters of the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pantau.web.deps import BY, Ctx, CurrentUser, GrantDep, ViewDep
from pantau.web.services.exports import Export, excel_export, pdf_export

#: not in the OpenAPI document: files, not JSON (documented in docs/web.md)
router = APIRouter(include_in_schema=False)


def _download(export: Export) -> Response:
    disposition = f'attachment; filename="{export.filename}"'
    return Response(
        export.body, media_type=export.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/export.xlsx", summary="The KPI workbook of the page's filters (your scope)")
def export_xlsx(
    ctx: Ctx,
    user: CurrentUser,
    grant: GrantDep,
    view: ViewDep,
    by: Annotated[str | None, Query(pattern=BY, description="Breakdown.")] = None,
) -> Response:
    """The 12 months up to `period` at `grain` (the year at year grain), by `by`."""
    return _download(excel_export(ctx, grant, view, by or None, user))


@router.get("/export.pdf", summary="The monthly report of the period's last month (your scope)")
def export_pdf(ctx: Ctx, user: CurrentUser, grant: GrantDep, view: ViewDep) -> Response:
    return _download(pdf_export(ctx, grant, view, user))
