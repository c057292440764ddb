"""The demo's calendar: working days, Lebaran, seasonality and growth, and random times.

Times are ``int64`` seconds of *local wall-clock time* (WIB) since 1970-01-01; the CSV writer
adds the ``+07:00`` offset. ``NONE`` marks a missing time. The calendar covers the demo period
plus padding on both sides, so times a little before the start or after the end (planned
activities, first contacts of the last leads) still find their day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import numpy as np

DAY = 86_400
HOUR = 3_600
NONE = np.iinfo(np.int64).min
PAD_BEFORE = 40
PAD_AFTER = 200

#: relative level of activity per calendar month (December and January are slow)
MONTH_SEASON = (0.9, 0.97, 1.0, 1.0, 1.0, 0.97, 1.0, 0.95, 1.02, 1.05, 1.08, 0.88)
#: growth over the whole period (the last month is this much busier than the first)
GROWTH = 0.35
#: (first offset, last offset, factor) around Idul Fitri: Ramadan, mudik + cuti bersama, return
LEBARAN_SHAPE = ((-30, -8, 0.9), (-7, 7, 0.15), (8, 12, 0.7))
#: wall-clock hour weights of leads (people write in the evening too) and of work
LEAD_HOURS = (1, 1, 0, 0, 0, 1, 2, 4, 8, 10, 10, 9, 7, 9, 10, 9, 8, 6, 6, 7, 8, 7, 4, 2)
WORK_HOURS = (0, 0, 0, 0, 0, 0, 0, 1, 7, 11, 12, 10, 5, 9, 11, 10, 8, 4, 1, 0, 0, 0, 0, 0)


def epoch_day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def month_start(ym: tuple[int, int]) -> date:
    return date(ym[0], ym[1], 1)


def add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def idul_fitri_dates(first_year: int, last_year: int) -> list[date]:
    """First day of Idul Fitri (Lebaran) in each year, from the ``holidays`` package."""
    found = holidays.Indonesia(years=range(first_year, last_year + 1), language="en_US")
    return sorted(
        d for d, name in found.items() if name.startswith("Eid al-Fitr") and "Second" not in name
    )


@dataclass(frozen=True)
class DemoCalendar:
    """Day-level shape of the demo period (``months`` months ending with ``end``)."""

    first_day: date
    end_day: date  # last day of the last month (inclusive)
    months: int
    day0: int  # epoch day of index 0 of the arrays
    weight: np.ndarray  # relative activity of each day within its month
    working: np.ndarray  # bool: a normal working day (Mon-Fri, no holiday, no Lebaran break)
    next_work: np.ndarray  # index of the first working day on or after each day
    after_break: np.ndarray  # index of the first day after the Lebaran break (-1: not in it)
    month_starts: np.ndarray  # int64 seconds of each month start, months + 1 entries
    level: np.ndarray  # relative volume of each month (growth, season, Lebaran, holidays)
    lebaran: tuple[date, ...]

    @property
    def start_ts(self) -> int:
        return int(self.month_starts[0])

    @property
    def end_ts(self) -> int:
        """First second after the period."""
        return int(self.month_starts[-1])

    def day_index(self, ts: np.ndarray) -> np.ndarray:
        idx = ts // DAY - self.day0
        return np.clip(idx, 0, len(self.weight) - 1)

    def month_index(self, ts: np.ndarray) -> np.ndarray:
        """Month of each time (0-based; -1 before the period, ``months`` after it)."""
        return np.searchsorted(self.month_starts, ts, side="right") - 1

    def month_label(self, m: int) -> str:
        d = add_months(self.first_day, m)
        return f"{d.year:04d}-{d.month:02d}"


def build_calendar(end_month: str, months: int) -> DemoCalendar:
    """The calendar of ``months`` months ending with ``end_month`` (``YYYY-MM``)."""
    year, month = (int(p) for p in end_month.split("-"))
    first = add_months(date(year, month, 1), 1 - months)
    after = add_months(date(year, month, 1), 1)
    day0 = first - timedelta(days=PAD_BEFORE)
    days = [day0 + timedelta(days=i) for i in range((after - day0).days + PAD_AFTER)]
    lebaran = idul_fitri_dates(first.year - 1, after.year + 1)
    weight, working, in_break = _day_shape(days, lebaran)
    starts = [add_months(first, k) for k in range(months + 1)]
    month_starts = np.array([epoch_day(d) * DAY for d in starts], dtype=np.int64)
    level = _month_level(days, weight, starts)
    return DemoCalendar(
        first_day=first,
        end_day=after - timedelta(days=1),
        months=months,
        day0=epoch_day(day0),
        weight=weight,
        working=working,
        next_work=_next_working_table(working),
        after_break=_after_break_table(in_break),
        month_starts=month_starts,
        level=level,
        lebaran=tuple(d for d in lebaran if first <= d < after),
    )


def _day_shape(days: list[date], lebaran: list[date]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per day: relative activity, whether it is a working day, whether in the Lebaran break."""
    years = range(days[0].year, days[-1].year + 1)
    public = set(holidays.Indonesia(years=years))
    weekday = np.array([d.weekday() for d in days])
    weight = np.select([weekday < 5, weekday == 5], [1.0, 0.3], 0.06)
    working = weekday < 5
    for i, d in enumerate(days):
        if d in public:
            weight[i], working[i] = 0.08, False
    ordinal = np.array([d.toordinal() for d in days])
    in_break = np.zeros(len(days), dtype=bool)
    for feast in lebaran:
        offset = ordinal - feast.toordinal()
        for lo, hi, factor in LEBARAN_SHAPE:
            inside = (offset >= lo) & (offset <= hi)
            weight[inside] *= factor
            if factor < 0.5:
                working[inside] = False
                in_break |= inside
    _month_end_push(days, weight, working)
    return weight, working, in_break


def _month_end_push(days: list[date], weight: np.ndarray, working: np.ndarray) -> None:
    """The last three working days of every month are busier (closing the month)."""
    month_id = np.array([d.year * 12 + d.month for d in days])
    last_of_month = np.r_[month_id[1:] != month_id[:-1], True]
    remaining = 0
    for i in range(len(days) - 1, -1, -1):
        if last_of_month[i]:
            remaining = 3
        if working[i] and remaining:
            weight[i] *= 1.25
            remaining -= 1


def _month_level(days: list[date], weight: np.ndarray, starts: list[date]) -> np.ndarray:
    n = len(starts) - 1
    levels = np.empty(n)
    for k in range(n):
        lo = (starts[k] - days[0]).days
        hi = (starts[k + 1] - days[0]).days
        trend = 1.0 + GROWTH * k / max(n - 1, 1)
        season = MONTH_SEASON[starts[k].month - 1]
        levels[k] = trend * season * weight[lo:hi].mean() / 0.78
    return levels


# -- random times ---------------------------------------------------------------------------
_LEAD_P = np.array(LEAD_HOURS, dtype=float) / sum(LEAD_HOURS)
_WORK_P = np.array(WORK_HOURS, dtype=float) / sum(WORK_HOURS)


def time_of_day(rng: np.random.Generator, n: int, profile: str = "work") -> np.ndarray:
    """Random seconds after midnight with the hour profile ``work`` or ``lead``."""
    p = _WORK_P if profile == "work" else _LEAD_P
    hours = rng.choice(24, size=n, p=p)
    return hours * HOUR + rng.integers(0, HOUR, size=n)


def times_in_month(
    rng: np.random.Generator, cal: DemoCalendar, m: int, n: int, profile: str = "work"
) -> np.ndarray:
    """``n`` sorted random times in month ``m``: days weighted by the calendar, hours by profile."""
    lo = int(cal.month_starts[m] // DAY - cal.day0)
    hi = int(cal.month_starts[m + 1] // DAY - cal.day0)
    w = cal.weight[lo:hi]
    days = lo + rng.choice(hi - lo, size=n, p=w / w.sum())
    ts = (days + cal.day0) * DAY + time_of_day(rng, n, profile)
    return np.sort(ts)


def to_working_time(
    rng: np.random.Generator, cal: DemoCalendar, ts: np.ndarray, p_move: float = 1.0
) -> np.ndarray:
    """Move times outside working hours (08-18 on working days) to a next working morning.

    Each time outside working hours moves with probability ``p_move`` (people do reply on a
    Sunday now and then); a moved time lands between 08:00 and 10:30 of the next working day.
    """
    out = ts.copy()
    valid = ts != NONE
    hour = (ts % DAY) // HOUR
    day = cal.day_index(ts)
    outside = valid & (~cal.working[day] | (hour < 8) | (hour >= 18))
    move = outside & (rng.random(len(ts)) < p_move)
    if not move.any():
        return out
    idx = np.nonzero(move)[0]
    start = day[idx] + np.where(hour[idx] < 8, 0, 1)
    target = cal.next_work[np.clip(start, 0, len(cal.next_work) - 1)]
    out[idx] = (target + cal.day0) * DAY + 8 * HOUR + rng.integers(0, 150 * 60, size=len(idx))
    return out


def _after_break_table(in_break: np.ndarray) -> np.ndarray:
    out = np.full(len(in_break), -1)
    nxt = len(in_break) - 1
    for i in range(len(in_break) - 1, -1, -1):
        if not in_break[i]:
            nxt = i
        else:
            out[i] = nxt
    return out


def after_lebaran(rng: np.random.Generator, cal: DemoCalendar, ts: np.ndarray) -> np.ndarray:
    """Decisions due in the Lebaran break wait until people are back (up to ten days after)."""
    idx = cal.after_break[cal.day_index(ts)]
    hit = (ts != NONE) & (idx >= 0)
    later = (idx + rng.integers(0, 10, size=len(ts)) + cal.day0) * DAY + ts % DAY
    return to_working_time(rng, cal, np.where(hit, later, ts), p_move=1.0)


def _next_working_table(working: np.ndarray) -> np.ndarray:
    """For each day index, the first working day on or after it (the last day if none)."""
    last = len(working) - 1
    nxt = np.full(len(working) + 1, last)
    for i in range(last, -1, -1):
        nxt[i] = i if working[i] else nxt[i + 1]
    return nxt[:-1]
