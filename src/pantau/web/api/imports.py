"""``/api/v1/imports``: the import history (admins and managers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pantau.web.deps import Ctx, CurrentUser
from pantau.web.services.imports import imports as import_history

router = APIRouter(tags=["imports"])


@router.get("/imports", summary="Import history, newest first")
def imports(
    ctx: Ctx,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
) -> dict[str, Any]:
    return import_history(ctx, user, limit=limit)
