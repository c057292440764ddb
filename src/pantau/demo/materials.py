"""Sales collateral (brochures, catalogues, presentations, case studies) and its use by reps.

Items come and go: each year's catalogue and price list replace the previous ones, an old
presentation is retired for a new one, one case study is published but nobody uses it. Reps
differ in how much they use materials; most use is tied to an opportunity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, NONE, DemoCalendar, epoch_day, times_in_month
from pantau.demo.deals import OppBatch
from pantau.demo.picks import choose, employed, normalise, pick_reps
from pantau.demo.sink import CsvSink, choose_text, dates, ids, take, timestamps
from pantau.demo.state import LOOSE_SHARES_PER_MONTH, GenState

ACTIONS = ("shared", "presented", "attached", "viewed")
ACTION_WEIGHTS = (45, 25, 20, 10)
FAR = 2**62


@dataclass(frozen=True)
class Library:
    """The collateral items published before the end of the period."""

    titles: list[str]
    types: list[str]
    published: np.ndarray  # local seconds, NONE: never dated
    retired: np.ndarray  # local seconds, NONE: still in use
    weight: np.ndarray

    def available(self, item: np.ndarray, ts: np.ndarray) -> np.ndarray:
        pub = self.published[item]
        ret = np.where(self.retired[item] == NONE, FAR, self.retired[item])
        return ((pub == NONE) | (pub <= ts)) & (ts < ret)


def build_library(cal: DemoCalendar) -> Library:
    first = epoch_day(cal.first_day) * DAY
    items = [
        c
        for c in cat.collateral_items(cal.first_day.year, cal.months)
        if c.published is None or first + c.published * DAY < cal.end_ts
    ]

    def ts(offset: int | None) -> int:
        if offset is None or first + offset * DAY >= cal.end_ts:
            return NONE
        return first + offset * DAY

    return Library(
        titles=[c.title for c in items],
        types=[c.type for c in items],
        published=np.array([ts(c.published) for c in items], dtype=np.int64),
        retired=np.array([ts(c.retired) for c in items], dtype=np.int64),
        weight=np.array([c.weight for c in items]),
    )


def write_library(sink: CsvSink, lib: Library) -> None:
    n = len(lib.titles)
    sink.write(
        "collateral",
        n,
        {
            "collateral_id": ids("MAT-", np.arange(1, n + 1), 2),
            "title": lib.titles,
            "type": lib.types,
            "published_at": dates(lib.published),
            "retired_at": dates(lib.retired),
        },
    )


def generate_usage(
    rng: np.random.Generator, st: GenState, lib: Library, m: int, opps: OppBatch
) -> None:
    """Write the collateral use around month ``m``'s opportunities, plus loose shares."""
    reps = st.company.reps
    opp = np.repeat(np.arange(len(opps.rep)), rng.poisson(0.5 * st.habit[opps.rep]))
    end = np.minimum(opps.life_end[opp], st.cal.end_ts)
    ts = opps.created[opp] + (rng.random(len(opp)) * (end - opps.created[opp])).astype(np.int64)
    n_loose = st.volume(rng, LOOSE_SHARES_PER_MONTH, m)
    loose_ts = times_in_month(rng, st.cal, m, n_loose)
    rep = np.r_[opps.rep[opp], pick_reps(rng, st, m, st.habit, loose_ts)]
    ts = np.r_[ts, loose_ts]
    opp = np.r_[opp, np.full(n_loose, -1)]
    item = _items(rng, lib, ts)
    keep = (item >= 0) & (ts < st.cal.end_ts) & employed(st, rep, ts)
    order = np.nonzero(keep)[0][np.argsort(ts[keep], kind="stable")]
    n = len(order)
    st.sink.write(
        "collateral_usage",
        n,
        {
            "collateral_id": ids("MAT-", item[order] + 1, 2),
            "rep_id": take(reps.ids, rep[order]),
            "used_at": timestamps(ts[order]),
            "action": choose_text(ACTIONS, choose(rng, ACTION_WEIGHTS, n)),
            "opportunity_id": take(opps.ids, opp[order]),
        },
    )


def _items(rng: np.random.Generator, lib: Library, ts: np.ndarray) -> np.ndarray:
    """An item available at each time (-1 where three draws found none)."""
    item = np.full(len(ts), -1, dtype=np.int64)
    p = normalise(lib.weight)
    for _ in range(3):
        todo = np.nonzero(item < 0)[0]
        draw = rng.choice(len(p), size=len(todo), p=p)
        ok = lib.available(draw, ts[todo])
        item[todo[ok]] = draw[ok]
    return item
