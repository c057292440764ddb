"""KPI values as people read them (``Rp1.234.567``, ``63,4 %``, ``–``) and as machines do (CSV)."""

from __future__ import annotations

from typing import Any

from pantau.i18n import gettext as _
from pantau.i18n import money, number, percent
from pantau.metrics.kpidef import KpiDef

NULL = "–"


def display(kpi: KpiDef, value: float | int | None, lang: str, *, currency: str = "IDR") -> str:
    """A KPI value in ``lang``: Rupiah, percentages, minutes and days; ``–`` for null."""
    if value is None:
        return NULL
    if kpi.unit == "count":
        return number(int(value), lang, digits=0)
    if kpi.unit == "amount":
        return money(value, lang, currency=currency)
    if kpi.unit == "ratio":
        return percent(value, lang)
    suffix = _("min", lang) if kpi.unit == "minutes" else _("days", lang)
    return f"{number(float(value), lang, digits=1)} {suffix}"


def target_marker(kpi: KpiDef, judged: dict[str, Any], lang: str, *, currency: str = "IDR") -> str:
    """``✓ 112,3 % · Rp1.000.000`` (attainment) or ``✗ ≤ 5,0 %`` (threshold); ``?`` unknown."""
    met = judged.get("met")
    mark = "✓" if met is True else "✗" if met is False else "?"
    target = display(kpi, judged["target"], lang, currency=currency)
    if kpi.has_attainment:
        attainment = judged.get("attainment")
        shown = f"{percent(attainment, lang)} · " if attainment is not None else ""
        return f"{mark} {shown}{_('target', lang)} {target}"
    side = "≥" if kpi.direction == "higher" else "≤"
    return f"{mark} {_('target', lang)} {side} {target}"


def csv_value(value: Any) -> str:
    """Machine-readable: ``1234.5``, ``0.634``, ``12``; empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
