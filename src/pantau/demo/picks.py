"""Vectorised random choices shared by the generators: reps, customers, products, categories."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY
from pantau.demo.state import GenState

PRODUCT_CATEGORY = np.array([cat.CATEGORIES.index(p.category) for p in cat.PRODUCTS])
LIST_PRICE = np.array([p.list_price for p in cat.PRODUCTS], dtype=np.int64)
UNIT_COST = np.array([p.unit_cost or 0 for p in cat.PRODUCTS], dtype=np.int64)
HAS_COST = np.array([p.unit_cost is not None for p in cat.PRODUCTS])
_BY_CATEGORY = [np.nonzero(np.equal(PRODUCT_CATEGORY, c))[0] for c in range(len(cat.CATEGORIES))]


def normalise(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def choose_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row of ``probs`` (rows are weights, not necessarily normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)


def choose(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    return rng.choice(len(weights), size=n, p=normalise(weights))


def pick_reps(
    rng: np.random.Generator, st: GenState, m: int, weight: np.ndarray, ts: np.ndarray
) -> np.ndarray:
    """A rep for each time ``ts`` in month ``m``, drawn with ``weight`` among reps employed then.

    A rep who joins or leaves during the month only gets the rows of the days employed; the
    other rows go to a colleague of the region employed the whole month.
    """
    reps = st.company.reps
    first, last = int(st.cal.month_starts[m]), int(st.cal.month_starts[m + 1]) - 1
    w = np.where(reps.active(first) | reps.active(last), weight, 0.0)
    rep = rng.choice(len(w), size=len(ts), p=w / w.sum())
    absent = ~employed(st, rep, ts)
    if absent.any():
        rep[absent] = reps_in_region(rng, st, reps.region[rep[absent]], first, last)
    return rep


def employed(st: GenState, rep: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Whether each rep was employed at each time."""
    reps = st.company.reps
    return (reps.active_from[rep] <= ts) & (ts < reps.active_to[rep] + DAY)


def reps_in_region(
    rng: np.random.Generator, st: GenState, region: np.ndarray, first: int, last: int
) -> np.ndarray:
    """A rep of each row's region employed from ``first`` to ``last`` (else any such rep)."""
    reps = st.company.reps
    active = reps.active(first) & reps.active(last)
    out = np.empty(len(region), dtype=np.int64)
    for r in range(len(cat.REGIONS)):
        rows = np.nonzero(region == r)[0]
        pool = np.nonzero(active & (reps.region == r))[0]
        if len(pool) == 0:
            pool = np.nonzero(active)[0]
        out[rows] = pool[rng.integers(0, len(pool), size=len(rows))]
    return out


def pick_customers(
    rng: np.random.Generator,
    st: GenState,
    region: np.ndarray,
    ts: np.ndarray,
    recent: np.ndarray,
) -> np.ndarray:
    """A customer of each row's region that exists at ``ts`` (-1 if none).

    Rows with ``recent`` prefer accounts created lately (new business); the others draw
    uniformly from the accounts created so far.
    """
    created = st.company.customers.created
    out = np.full(len(region), -1, dtype=np.int64)
    u = rng.random(len(region))
    u = np.where(recent, u**0.2, u)
    for r in range(len(cat.REGIONS)):
        rows = np.nonzero(region == r)[0]
        pool = st.company.customers.by_region[r]
        k = np.searchsorted(created[pool], ts[rows], side="right")
        pos = np.minimum((u[rows] * k).astype(np.int64), k - 1)
        out[rows] = np.where(k > 0, pool[np.maximum(pos, 0)], -1)
    return out


def pick_buyers(
    rng: np.random.Generator, st: GenState, region: np.ndarray, before: int
) -> np.ndarray:
    """A customer of each row's region that bought before ``before`` (-1 if none)."""
    out = np.full(len(region), -1, dtype=np.int64)
    for r in range(len(cat.REGIONS)):
        rows = np.nonzero(region == r)[0]
        pool = st.company.customers.by_region[r]
        pool = pool[st.first_buy[pool] < before]
        if len(pool):
            out[rows] = pool[rng.integers(0, len(pool), size=len(rows))]
    return out


def pick_products(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    """A product of each row's category (uniform within the category)."""
    out = np.empty(len(category), dtype=np.int64)
    for c, pool in enumerate(_BY_CATEGORY):
        rows = np.nonzero(category == c)[0]
        out[rows] = pool[rng.integers(0, len(pool), size=len(rows))]
    return out


def quantities(
    rng: np.random.Generator, product: np.ndarray, typical: np.ndarray, spread: float = 0.6
) -> np.ndarray:
    """Whole quantities around ``typical`` × the product category's factor (at least 1)."""
    factor = np.array(cat.CATEGORY_QTY)[PRODUCT_CATEGORY[product]]
    q = np.exp(rng.normal(np.log(typical * factor), spread))
    return np.maximum(1, np.round(q)).astype(np.int64)
