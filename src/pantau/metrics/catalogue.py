"""The KPI catalogue of ``kpis.md`` as data: texts, units, anchors, breakdowns and formulas.

Everything the engine computes, ``pantau kpi explain`` prints and ``docs/kpis.md`` says comes from
these definitions (:mod:`pantau.metrics.definitions`, one module per group), whose formulas are
built from the parts of :mod:`pantau.metrics.sources`.
"""

from __future__ import annotations

from pantau.errors import UnknownKpi
from pantau.metrics.definitions import holistik, keefektifan, peluang
from pantau.metrics.kpidef import GROUPS, KpiDef

CATALOGUE: tuple[KpiDef, ...] = (*peluang.KPIS, *keefektifan.KPIS, *holistik.KPIS)
_BY_ID = {k.id: k for k in CATALOGUE}


def catalogue() -> list[KpiDef]:
    """Every KPI, in the order of ``kpis.md``."""
    return list(CATALOGUE)


def get_kpi(kpi_id: str) -> KpiDef:
    """The KPI called ``kpi_id`` (case-insensitive); :class:`UnknownKpi` otherwise."""
    key = (kpi_id or "").strip().lower()
    if key not in _BY_ID:
        raise UnknownKpi(f"unknown KPI '{kpi_id}'; `pantau kpi list` shows the catalogue")
    return _BY_ID[key]


__all__ = ["CATALOGUE", "GROUPS", "KpiDef", "catalogue", "get_kpi"]
