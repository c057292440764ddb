"""What the month-by-month generator carries from one month to the next.

Months are generated in order; everything that happens *because of* the leads and
opportunities created in a month (contacts, stage changes, activities, orders, returns) is
written with that month's chunk even when it falls in a later month. So when month ``m`` starts,
every purchase before its first day is known: that is what makes repeat customers consistent.
The tallies (sales, activities per rep and month) feed the cost and target files at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, DemoCalendar
from pantau.demo.company import NEVER, Company
from pantau.demo.sink import CsvSink

#: volumes per month at scale 1 (multiplied by the month's level and by ``scale``)
LEADS_PER_MONTH = 520
DIRECT_OPPS_PER_MONTH = 270
ACCOUNT_ACTIVITIES_PER_MONTH = 560
REORDERS_PER_MONTH = 640
LOOSE_SHARES_PER_MONTH = 30
#: planned activities are scheduled up to this far after the period
PLAN_AHEAD = 21 * DAY


@dataclass
class Tally:
    """Per rep and month: what costs and targets are derived from."""

    sales: np.ndarray
    activities: np.ndarray
    meetings: np.ndarray
    visits: np.ndarray
    leads: np.ndarray

    @classmethod
    def empty(cls, reps: int, months: int) -> Tally:
        def zeros() -> np.ndarray:
            return np.zeros((reps + 1, months))  # last row: no rep

        return cls(zeros(), zeros(), zeros(), zeros(), zeros())


@dataclass
class GenState:
    cal: DemoCalendar
    company: Company
    sink: CsvSink
    scale: float
    tally: Tally
    first_buy: np.ndarray  # per customer: local seconds of the first purchase, NEVER if none
    owner: np.ndarray  # per customer: index of the rep who looks after it, -1 if none
    habit: np.ndarray  # per rep: how keen on sales collateral
    counters: dict[str, int] = field(default_factory=dict)

    def next_ids(self, kind: str, n: int) -> np.ndarray:
        """``n`` fresh sequence numbers for ids of ``kind`` (1-based, never reused)."""
        start = self.counters.get(kind, 0)
        self.counters[kind] = start + n
        return np.arange(start + 1, start + n + 1)

    def volume(self, rng: np.random.Generator, per_month: float, m: int) -> int:
        """A Poisson count around ``per_month`` × scale × the month's level."""
        return int(rng.poisson(per_month * self.scale * self.cal.level[m]))

    def add(self, what: np.ndarray, rep: np.ndarray, ts: np.ndarray, value: np.ndarray) -> None:
        """Add ``value`` to the tally ``what`` at (rep, month of ``ts``) within the period."""
        month = self.cal.month_index(ts)
        ok = (month >= 0) & (month < self.cal.months)
        row = np.where(rep >= 0, rep, what.shape[0] - 1)
        np.add.at(what, (row[ok], month[ok]), value[ok])


def new_state(
    rng: np.random.Generator, cal: DemoCalendar, company: Company, sink: CsvSink, scale: float
) -> GenState:
    customers, reps = company.customers, company.reps
    first_buy = np.full(len(customers), NEVER, dtype=np.int64)
    existing = customers.created < cal.start_ts
    first_buy[existing] = customers.created[existing]  # they bought before the data starts
    owner = np.full(len(customers), -1, dtype=np.int64)
    for r in range(len(cat.REGIONS)):
        mine = np.nonzero(reps.region == r)[0]
        where = customers.by_region[r]
        owner[where] = mine[rng.integers(0, len(mine), size=len(where))]
    habit = reps.skill**0.6 * rng.uniform(0.25, 1.75, size=len(reps))
    return GenState(
        cal=cal,
        company=company,
        sink=sink,
        scale=scale,
        tally=Tally.empty(len(reps), cal.months),
        first_buy=first_buy,
        owner=owner,
        habit=habit,
    )
