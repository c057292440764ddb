"""The KPI-versus-target table of one period, ready to display (PDF, e-mail, web).

Built from company-level ``compute_kpis`` rows; every cell is already formatted in the report's
language, so templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pantau.i18n import gettext, percent
from pantau.reports.context import N_, format_value, group_name, kpis_by_group

MET, MISSED, NO_TARGET, NO_VALUE = "met", "missed", "none", "novalue"


@dataclass(frozen=True)
class KpiLine:
    """One KPI in one period: actual, target, attainment and status, as displayed."""

    id: str
    name: str
    unit: str
    direction: str
    value: float | None
    actual: str
    target: str
    attainment: str
    status: str  # met | missed | none | novalue
    status_text: str
    previous: str


@dataclass(frozen=True)
class KpiSection:
    """The KPIs of one group."""

    group: str
    name: str
    lines: list[KpiLine] = field(default_factory=list)


def status_of(value: float | None, target: dict[str, Any] | None) -> str:
    """``met``/``missed`` against a target, ``none`` without one, ``novalue`` without a value."""
    if not target or target.get("target") is None:
        return NO_TARGET
    if value is None or target.get("met") is None:
        return NO_VALUE
    return MET if target["met"] else MISSED


def status_text(status: str, lang: str, *, partial: bool = False) -> str:
    """The status as shown; in a period still running a missed target is "not yet met"."""
    texts = {MET: N_("met"), MISSED: N_("not met"), NO_TARGET: N_("no target")}
    texts[NO_VALUE] = N_("no value")
    if partial:
        texts[MISSED] = N_("not yet met")
    return gettext(texts[status], lang)


def kpi_line(
    kpi: Any,
    row: dict[str, Any],
    previous: dict[str, Any] | None,
    *,
    lang: str,
    currency: str,
    partial: bool = False,
) -> KpiLine:
    """The display line of ``kpi`` from a result ``row`` (and the previous period's row)."""
    value = row.get(kpi.id)
    target = (row.get("targets") or {}).get(kpi.id)
    status = status_of(value, target)
    show = lambda v: format_value(kpi.unit, v, lang, currency=currency)  # noqa: E731
    return KpiLine(
        id=kpi.id,
        name=kpi.name(lang),
        unit=kpi.unit,
        direction=kpi.direction,
        value=value,
        actual=show(value),
        target=show(target.get("target")) if target else "–",
        attainment=percent(target.get("attainment"), lang) if target else "–",
        status=status,
        status_text=status_text(status, lang, partial=partial),
        previous=show(previous.get(kpi.id)) if previous else "–",
    )


def kpi_sections(
    kpis: Sequence[Any],
    row: dict[str, Any] | None,
    previous: dict[str, Any] | None,
    *,
    lang: str,
    currency: str,
    partial: bool = False,
) -> list[KpiSection]:
    """Every KPI of the catalogue, by group, for one period's ``row`` (``None``: no data).

    ``partial``: the period is still running (a month to date).
    """
    found = row or {}

    def line(kpi: Any) -> KpiLine:
        return kpi_line(kpi, found, previous, lang=lang, currency=currency, partial=partial)

    return [
        KpiSection(g, group_name(g, lang), [line(k) for k in ks])
        for g, ks in kpis_by_group(list(kpis))
    ]


def scorecard(sections: Sequence[KpiSection]) -> tuple[int, int]:
    """(KPIs that met their target, KPIs that had a target and a value)."""
    lines = [line for s in sections for line in s.lines if line.status in (MET, MISSED)]
    return sum(1 for line in lines if line.status == MET), len(lines)
