"""Turning numbers into text for pages: KPI values by unit, changes, status classes.

Every number on a page goes through here (and so through :mod:`pantau.i18n`): Rupiah compact on
cards (``Rp1,2 M`` / ``Rp1.2B``) with the full value for the hover title.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pantau.i18n import gettext, money, number, percent


@lru_cache(maxsize=8192)  # pages show the same numbers again and again; Babel is slowish
def kpi_value(
    value: Any, unit: str, lang: str, *, currency: str = "IDR", compact: bool = True
) -> str:
    """A KPI value as shown on a card or in a table cell; ``–`` for null."""
    if value is None:
        return "–"
    if unit == "amount":
        return money(value, lang, currency=currency, compact=compact)
    if unit == "ratio":
        return percent(value, lang)
    if unit == "count":
        return number(round(value), lang, digits=0)
    suffix = gettext("min", lang) if unit == "minutes" else gettext("days", lang)
    return f"{number(value, lang, digits=1)} {suffix}"


@lru_cache(maxsize=8192)
def kpi_title(value: Any, unit: str, lang: str, *, currency: str = "IDR") -> str:
    """The exact value for a ``title`` attribute (full Rupiah amount, two-decimal ratios)."""
    if value is None:
        return gettext("no data", lang)
    if unit == "amount":
        return money(value, lang, currency=currency)
    if unit == "ratio":
        return percent(value, lang, digits=2)
    return kpi_value(value, unit, lang, currency=currency)


def change(delta: dict[str, Any] | None, lang: str) -> str:
    """``+4,2 %`` (relative) or ``+1,3 pp`` (percentage points, for ratios); ``–`` for none."""
    if not delta or delta.get("value") is None:
        return "–"
    value = float(delta["value"])
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    if delta["kind"] == "points":
        return f"{sign}{number(abs(value) * 100, lang, digits=1)} pp"
    return f"{sign}{percent(abs(value), lang)}"


def change_class(delta: dict[str, Any] | None) -> str:
    """``good``, ``bad`` or ``flat`` for colouring a change by the KPI's better direction."""
    if not delta or delta.get("value") is None or delta.get("good") is None:
        return "flat"
    return "good" if delta["good"] else "bad"


def status_class(status: str | None) -> str:
    """CSS class of a target status (``met``, ``near``, ``missed``, ``none``)."""
    return f"status-{status or 'none'}"


FILTERS = {
    "kpi_value": kpi_value,
    "kpi_title": kpi_title,
    "change": change,
    "change_class": change_class,
    "status_class": status_class,
    "money": money,
    "percent": percent,
    "number": number,
}
