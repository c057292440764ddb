"""Periods: months, quarters and years as integer ordinals, their labels and the query range.

A month is the ordinal ``year × 12 + month − 1``; a quarter ``month // 3``; a year ``month // 12``.
Integers keep period arithmetic engine-neutral: an anchor's period is computed in the query from
its ``_local`` wall-clock timestamp with ``year()`` and ``month()`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pantau.errors import UsageError

GRAINS = ("month", "quarter", "year")
MONTHS_PER: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
DEFAULT_WINDOW_MONTHS = 12

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^(\d{4})$")


def check_grain(grain: str) -> str:
    """Normalise a grain name or raise :class:`UsageError`."""
    value = (grain or "").strip().lower()
    if value not in GRAINS:
        raise UsageError(f"unknown grain '{grain}'; use one of: {', '.join(GRAINS)}")
    return value


def parse_month(text: str, what: str = "month") -> int:
    """``'2026-03'`` → month ordinal; :class:`UsageError` naming ``what`` otherwise."""
    match = _MONTH_RE.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UsageError(f"{what} '{text}' is not a month; use YYYY-MM, e.g. 2026-03")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_of_date(day: date) -> int:
    """Month ordinal of a calendar day."""
    return day.year * 12 + day.month - 1


def to_grain(month: int, grain: str) -> int:
    """The ordinal, at ``grain``, of the period containing month ordinal ``month``."""
    return month // MONTHS_PER[grain]


def first_month(period: int, grain: str) -> int:
    """Month ordinal of the first month of ``period``."""
    return period * MONTHS_PER[grain]


def months_of(period: int, grain: str) -> range:
    """Month ordinals of the months that make up ``period``."""
    start = first_month(period, grain)
    return range(start, start + MONTHS_PER[grain])


def label(period: int, grain: str) -> str:
    """``2026-03``, ``2026-Q1`` or ``2026``."""
    if grain == "month":
        return f"{period // 12:04d}-{period % 12 + 1:02d}"
    if grain == "quarter":
        return f"{period // 4:04d}-Q{period % 4 + 1}"
    return f"{period:04d}"


def parse_label(text: str) -> tuple[str, int] | None:
    """(grain, ordinal) of a period label as written in ``targets.period``; None if unreadable."""
    value = (text or "").strip()
    if match := _MONTH_RE.match(value):
        month = int(match.group(2))
        return ("month", int(match.group(1)) * 12 + month - 1) if 1 <= month <= 12 else None
    if match := _QUARTER_RE.match(value):
        return "quarter", int(match.group(1)) * 4 + int(match.group(2)) - 1
    if match := _YEAR_RE.match(value):
        return "year", int(match.group(1))
    return None


def period_expr(ts: Any, grain: str) -> Any:
    """Ibis expression: the period ordinal of a local timestamp or date column."""
    month = ts.year() * 12 + ts.month() - 1
    step = MONTHS_PER[grain]
    return month if step == 1 else month // step


@dataclass(frozen=True)
class PeriodRange:
    """The periods a query covers: ordinals ``first`` … ``last`` at ``grain`` (inclusive)."""

    grain: str
    first: int
    last: int

    @property
    def periods(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))


def resolve_range(
    start: str | None, end: str | None, grain: str, data_end: int | None, today: date
) -> PeriodRange:
    """The query's periods, widened to whole periods of ``grain``.

    Neither bound: the 12 months ending with the last complete month (before ``today``'s) that
    has data (``data_end``: the last such month, None when there is none; then the last complete
    month). Only ``end``: the 12 months ending there. Only ``start``: from there to the default
    end (or ``start`` itself when that is earlier).
    """
    default_end = data_end if data_end is not None else month_of_date(today) - 1
    first_m = parse_month(start, "start") if start else None
    last_m = parse_month(end, "end") if end else None
    if last_m is None:
        last_m = default_end if first_m is None else max(first_m, default_end)
    if first_m is None:
        first_m = last_m - DEFAULT_WINDOW_MONTHS + 1
    if first_m > last_m:
        raise UsageError(f"start {label(first_m, 'month')} is after end {label(last_m, 'month')}")
    return PeriodRange(grain, to_grain(first_m, grain), to_grain(last_m, grain))
