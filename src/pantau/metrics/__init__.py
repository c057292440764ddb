"""KPI engine: the catalogue of ``kpis.md`` as definitions, computed through Ibis.

Public API (web, reports, oracle tests and benchmark code against exactly this)::

    from pantau.metrics import KpiQuery, Scope, compute_kpis, explain_kpi, catalogue, get_kpi
"""

from pantau.metrics.catalogue import catalogue, get_kpi
from pantau.metrics.engine import compute_kpis
from pantau.metrics.explain import explain_kpi
from pantau.metrics.kpidef import GROUPS, KpiDef
from pantau.metrics.query import BREAKDOWNS, KEY_COLUMNS, KpiQuery, Scope

__all__ = [
    "BREAKDOWNS",
    "GROUPS",
    "KEY_COLUMNS",
    "KpiDef",
    "KpiQuery",
    "Scope",
    "catalogue",
    "compute_kpis",
    "explain_kpi",
    "get_kpi",
]
