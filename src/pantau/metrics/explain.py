"""``explain_kpi``: a KPI's definition and the SQL it compiles to for one store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pantau.metrics.catalogue import get_kpi
from pantau.metrics.engine import plan, prepare, store_settings
from pantau.metrics.query import KpiQuery
from pantau.metrics.sources.common import Tables
from pantau.store import Store

if TYPE_CHECKING:
    import ibis
else:
    from pantau.metrics.lazy import ibis


def explain_kpi(store: Store, kpi_id: str) -> dict[str, Any]:
    """Definition (both languages), anchor, breakdowns, unit, direction and compiled SQL.

    The SQL is what :func:`compute_kpis` runs for this KPI alone over the default range, on this
    store (its basis, its stages, its key activity type): one statement per source table.
    """
    kpi = get_kpi(kpi_id)
    with store.ibis() as backend:
        con = Tables(backend)
        settings = store_settings(con)
        request = prepare(settings, con, KpiQuery(kpis=(kpi.id,)), None)
        queries = plan(con, request, settings["key_activity_type"])
        sql = ";\n\n".join(ibis.to_sql(q.expr, dialect="duckdb").strip() for q in queries)
    return {
        "id": kpi.id,
        "group": kpi.group,
        "name_id": kpi.name_id,
        "name_en": kpi.name_en,
        "description_id": kpi.description_id,
        "description_en": kpi.description_en,
        "anchor": kpi.anchor,
        "breakdowns": list(kpi.breakdowns),
        "deal_only_breakdowns": list(kpi.deal_only_breakdowns),
        "unit": kpi.unit,
        "direction": kpi.direction,
        "basis": request.basis,
        "sql": sql + ";",
    }
