"""The period a page looks at: grain + one period, defaulting to the last month with data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pantau.errors import UsageError
from pantau.metrics.engine import last_month_with_data
from pantau.metrics.periods import (
    MONTHS_PER,
    first_month,
    label,
    month_of_date,
    parse_label,
    parse_month,
    to_grain,
)
from pantau.web.context import WebContext

PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
CHOICES = 36  # months offered in the period picker
MAX_MONTHS = 120  # the longest range one request may ask for


@dataclass(frozen=True)
class View:
    """One period at one grain, and the page language."""

    grain: str
    period: int  # ordinal at ``grain``
    lang: str

    @property
    def label(self) -> str:
        return label(self.period, self.grain)

    @property
    def first_month(self) -> int:
        return first_month(self.period, self.grain)

    @property
    def last_month(self) -> int:
        return self.first_month + MONTHS_PER[self.grain] - 1

    def shifted(self, periods: int) -> int:
        return self.period + periods

    def public(self) -> dict[str, Any]:
        return {"grain": self.grain, "period": self.label, "lang": self.lang}


def month_label(month: int) -> str:
    return label(month, "month")


def last_data_month(ctx: WebContext) -> int:
    """The last complete month with data (the month before today's when there is none)."""

    def compute() -> int:
        complete = month_of_date(business_today(ctx.settings()["timezone"])) - 1
        found = last_month_with_data(ctx.store, complete)
        return complete if found is None else found

    return ctx.cached(("last_data_month",), compute)


def resolve_view(ctx: WebContext, *, grain: str, period: str | None, lang: str) -> View:
    """The :class:`View` of a request; a period label of another grain is converted."""
    if period:
        parsed = parse_label(period)
        if parsed is None:
            raise UsageError(f"'{period}' is not a period; use 2026-03, 2026-Q1 or 2026")
        given_grain, ordinal = parsed
        month = first_month(ordinal, given_grain) + MONTHS_PER[given_grain] - 1
    else:
        month = last_data_month(ctx)
    return View(grain, to_grain(month, grain), lang)


def period_choices(ctx: WebContext, grain: str) -> list[str]:
    """Labels for the period picker, newest first, ending at the last month with data."""
    last = to_grain(last_data_month(ctx), grain)
    count = max(1, CHOICES // MONTHS_PER[grain])
    return [label(p, grain) for p in range(last, last - count, -1)]


def business_today(timezone: str) -> date:
    """Today in the business time zone."""
    return datetime.now(ZoneInfo(timezone)).date()


def check_span(ctx: WebContext, start: str | None, end: str | None) -> None:
    """Refuse a ``from``/``to`` range longer than :data:`MAX_MONTHS` (as the engines resolve it:
    a missing end is the last month with data, a missing start 12 months before the end)."""
    first = parse_month(start, "from") if start else None
    last = parse_month(end, "to") if end else max(last_data_month(ctx), first or 0)
    first = last - 11 if first is None else first
    if last - first + 1 > MAX_MONTHS:
        raise UsageError(
            f"ask for at most {MAX_MONTHS} months at a time; "
            f"{month_label(first)} to {month_label(last)} is {last - first + 1}"
        )
