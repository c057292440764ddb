"""`/api/v1/kpis`: KPI values (exactly `compute_kpis`) and KPI definitions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pantau.metrics import catalogue, explain_kpi, get_kpi
from pantau.web.deps import Ctx, CurrentUser, GrantDep, KpiParamsDep
from pantau.web.services.kpis import kpi_table_json

router = APIRouter(prefix="/kpis", tags=["kpis"])


@router.get("", summary="KPI values for your scope", response_model=dict[str, Any])
def list_kpis(ctx: Ctx, grant: GrantDep, params: KpiParamsDep) -> Response:
    """The parameters of `pantau kpi`: `from`/`to` (YYYY-MM), `grain`, `by` and
    `kpi` (repeatable). Returns the KPI engine's JSON: `grain`, `by`, `basis` and
    `rows` (one per period and group, with `targets`; with `parts` when asked)."""
    return Response(kpi_table_json(ctx, grant, params), media_type="application/json")


@router.get("/catalogue", summary="Every KPI id with its names, unit and group")
def kpi_catalogue(user: CurrentUser) -> list[dict[str, Any]]:
    return [
        {
            "id": k.id,
            "group": k.group,
            "name_id": k.name_id,
            "name_en": k.name_en,
            "unit": k.unit,
            "direction": k.direction,
        }
        for k in catalogue()
    ]


@router.get("/{kpi_id}", summary="One KPI's definition and SQL")
def kpi_definition(ctx: Ctx, user: CurrentUser, kpi_id: str) -> dict[str, Any]:
    """Definition in Indonesian and English, anchor, breakdowns, unit, direction, and the SQL
    it runs on this store."""
    kpi = get_kpi(kpi_id)
    return ctx.cached(("explain", kpi.id), lambda: explain_kpi(ctx.store, kpi.id))
