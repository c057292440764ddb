"""What every report says about itself, and how it shows a KPI value.

Excel, PDF and the e-mail digest share this: the cover facts (period, basis, scope, when and by
whom), the KPI groups in catalogue order, period labels (``Maret 2026``) and the display of a
value by its unit (Rupiah, percent, count, minutes, days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date

from pantau.i18n import LOCALES, check_lang, gettext, money, number, percent
from pantau.metrics.kpidef import GROUPS, KpiDef
from pantau.metrics.periods import GRAINS, label, parse_month
from pantau.metrics.query import KEY_COLUMNS

if TYPE_CHECKING:
    from pantau.metrics import Scope
    from pantau.store import Store

__all__ = ["GRAINS", "KEY_COLUMNS", "N_", "ReportMeta"]


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for translation where it is written; :func:`gettext` translates it later."""
    return message


@dataclass(frozen=True)
class ReportMeta:
    """The cover facts of one report, already in the report's language."""

    lang: str
    period: str
    grain: str
    breakdown: str
    basis: str
    scope: str
    generated_at: str
    generated_by: str
    currency: str


GRAIN_NAMES = {"month": N_("month"), "quarter": N_("quarter"), "year": N_("year")}


def check_month(value: str | None, option: str) -> str | None:
    """``value`` as ``YYYY-MM`` (or None); a :class:`UsageError` naming ``option`` if no month."""
    return None if value is None else label(parse_month(value, option), "month")


def shift_month(month: str, months: int) -> str:
    """``YYYY-MM`` moved by ``months``.

    >>> shift_month("2026-03", -11), shift_month("2025-12", 1)
    ('2025-04', '2026-01')
    """
    return label(parse_month(month) + months, "month")


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``, inclusive).

    >>> month_range("2025-11", "2026-02")
    ['2025-11', '2025-12', '2026-01', '2026-02']
    """
    return [label(m, "month") for m in range(parse_month(first), parse_month(last) + 1)]


def local_now(store: Store) -> datetime:
    """Now, in the store's business time zone."""
    return datetime.now(ZoneInfo(store.setting("timezone")))


def last_complete_month(store: Store) -> str:
    """The month before the current one, in the business time zone."""
    return shift_month(local_now(store).strftime("%Y-%m"), -1)


def period_label(period: str | None, lang: str) -> str:
    """``2026-03`` → ``Maret 2026`` / ``March 2026``; ``2026-Q1`` → ``K1 2026`` / ``Q1 2026``."""
    if not period:
        return "–"
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return gettext("Q{quarter} {year}", lang, quarter=quarter, year=year)
    if len(period) == 7:
        first = date(int(period[:4]), int(period[5:]), 1)
        return format_date(first, "LLLL y", locale=LOCALES[check_lang(lang)])
    return period


def period_range_label(start: str | None, end: str | None, lang: str) -> str:
    """``Januari 2026 – Maret 2026``; one label when both ends are the same period."""
    if start is None and end is None:
        return gettext("all periods", lang)
    if start == end:
        return period_label(start, lang)
    first = period_label(start, lang) if start else gettext("the beginning", lang)
    last = period_label(end, lang) if end else gettext("today", lang)
    return f"{first} – {last}"


def group_name(group: str, lang: str) -> str:
    """``Keefektifan penjualan`` / ``Sales effectiveness``."""
    names = GROUPS.get(group, (group, group))
    return names[1] if lang == "en" else names[0]


def kpis_by_group(kpis: Sequence[KpiDef]) -> list[tuple[str, list[KpiDef]]]:
    """The KPIs grouped by KPI group, groups and KPIs in catalogue order."""
    out = [(g, [k for k in kpis if k.group == g]) for g in GROUPS]
    return [(g, ks) for g, ks in out if ks]


def format_value(unit: str, value: float | None, lang: str, *, currency: str = "IDR") -> str:
    """A KPI value as displayed: ``Rp1.234.567``, ``63,4 %``, ``1.234``, ``12,5``; null: ``–``."""
    if unit == "amount":
        return money(value, lang, currency=currency)
    if unit == "ratio":
        return percent(value, lang)
    if unit == "count":
        return number(round(value) if value is not None else None, lang, digits=0)
    if value is None:
        return "–"
    shown = number(value, lang, digits=1)
    if unit == "minutes":
        return gettext("{value} min", lang, value=shown)
    return gettext("{value} days", lang, value=shown) if unit == "days" else shown


def unit_name(unit: str, lang: str) -> str:
    names = {
        "count": N_("count"),
        "amount": N_("amount (base currency)"),
        "ratio": N_("ratio (percent)"),
        "minutes": N_("minutes"),
        "days": N_("days"),
    }
    return gettext(names.get(unit, unit), lang)


def direction_name(direction: str, lang: str) -> str:
    if direction == "higher":
        return gettext("higher is better", lang)
    return gettext("lower is better", lang)


def basis_name(basis: str, lang: str) -> str:
    if basis == "orders":
        return gettext("order lines (orders basis)", lang)
    return gettext("won opportunities (deal basis)", lang)


def breakdown_name(by: str | None, lang: str) -> str:
    names = {
        None: N_("whole company"),
        "rep": N_("per rep"),
        "team": N_("per team"),
        "region": N_("per region"),
        "source": N_("per lead source"),
        "product": N_("per product"),
        "segment": N_("per customer segment"),
    }
    return gettext(names.get(by, str(by)), lang)


def key_header(by: str, lang: str) -> str:
    names = {
        "rep": N_("Rep"),
        "team": N_("Team"),
        "region": N_("Region"),
        "source": N_("Lead source"),
        "product": N_("Product"),
        "segment": N_("Segment"),
    }
    return gettext(names[by], lang)


def scope_name(scope: Scope | None, lang: str) -> str:
    """Who the numbers cover: the whole company, some teams, some reps."""
    if scope is None or (scope.rep_ids is None and scope.teams is None):
        return gettext("whole company", lang)
    parts = []
    if scope.teams is not None:
        parts.append(gettext("teams: {names}", lang, names=", ".join(sorted(scope.teams))))
    if scope.rep_ids is not None:
        parts.append(gettext("reps: {names}", lang, names=", ".join(sorted(scope.rep_ids))))
    return "; ".join(parts)


def build_meta(
    store: Store,
    *,
    lang: str,
    start: str | None,
    end: str | None,
    grain: str,
    by: str | None,
    basis: str,
    scope: Scope | None,
    generated_by: str | None,
) -> ReportMeta:
    """The cover facts of a report over ``start``–``end`` as computed on ``basis``."""
    now = local_now(store)
    return ReportMeta(
        lang=lang,
        period=period_range_label(start, end, lang),
        grain=gettext(GRAIN_NAMES[grain], lang),
        breakdown=breakdown_name(by, lang),
        basis=basis_name(basis, lang),
        scope=scope_name(scope, lang),
        generated_at=f"{now:%Y-%m-%d %H:%M} ({now.tzname()}, {now.tzinfo})",
        generated_by=generated_by or "Pantau",
        currency=store.setting("currency"),
    )


def rep_directory(store: Store) -> dict[str, tuple[str | None, str | None]]:
    """``rep_id`` → (name, team) for every rep in ``reps``."""
    with store.read() as con:
        rows = con.execute("SELECT rep_id, name, team FROM reps").fetchall()
    return {str(r[0]): (r[1], r[2]) for r in rows}


def kpi_catalogue() -> list[KpiDef]:
    """Every KPI definition, in catalogue order."""
    from pantau.metrics import catalogue

    return catalogue()
