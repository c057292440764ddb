"""The demo company's people and customers, drawn once from the seed.

Reps grow with ``scale ** 0.6`` and customers with ``scale ** 0.75``, so a large demo has busier
reps and more purchases per customer, as real companies do. Every rep has a *skill*: stars win
more, answer leads faster and discount less; weak reps the opposite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, NONE, DemoCalendar
from pantau.demo.sink import CsvSink, dates, ids

NEVER = 2**62  # "no end": far in the future, with room for arithmetic
REPS_AT_SCALE_1 = 30
CUSTOMERS_AT_SCALE_1 = 2400


@dataclass(frozen=True)
class Teams:
    names: list[str]
    region: np.ndarray
    managers: list[str]


@dataclass(frozen=True)
class Reps:
    ids: pa.Array
    names: list[str]
    emails: list[str]
    team: np.ndarray
    region: np.ndarray
    skill: np.ndarray  # 1 = average; stars ~1.7, weak reps ~0.55
    active_from: np.ndarray  # local seconds (rep joined)
    active_to: np.ndarray  # local seconds of the last day, NEVER when still active

    def __len__(self) -> int:
        return len(self.names)

    def active(self, ts: int | np.ndarray) -> np.ndarray:
        return (self.active_from <= ts) & (ts < self.active_to + DAY)


@dataclass(frozen=True)
class Customers:
    ids: pa.Array
    names: list[str]
    segment: np.ndarray
    region: np.ndarray
    created: np.ndarray  # local seconds, ascending
    parent: np.ndarray  # index of the parent customer, -1 for none
    by_region: list[np.ndarray]  # customer indices of each region (ascending creation)

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Company:
    teams: Teams
    reps: Reps
    customers: Customers


def build_company(rng: np.random.Generator, cal: DemoCalendar, scale: float) -> Company:
    n_reps = max(len(cat.REGIONS) + 3, round(REPS_AT_SCALE_1 * scale**0.6))
    per_region = _apportion(n_reps, cat.REGION_WEIGHTS)
    teams = _teams(rng, per_region)
    reps = _reps(rng, cal, teams, per_region)
    n_customers = max(120, round(CUSTOMERS_AT_SCALE_1 * scale**0.75))
    return Company(teams, reps, _customers(rng, cal, n_customers))


def _apportion(total: int, weights: tuple[float, ...]) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), at least 1 each."""
    raw = np.array(weights) / sum(weights) * total
    out = np.maximum(np.floor(raw).astype(int), 1)
    for i in np.argsort(-(raw - np.floor(raw))):
        if out.sum() >= total:
            break
        out[i] += 1
    return [int(x) for x in out]


def _person_names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        name = f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _email(name: str, taken: set[str]) -> str:
    base = name.lower().replace(" ", ".")
    email, k = f"{base}@{cat.EMAIL_DOMAIN}", 2
    while email in taken:
        email, k = f"{base}{k}@{cat.EMAIL_DOMAIN}", k + 1
    taken.add(email)
    return email


def _teams(rng: np.random.Generator, per_region: list[int]) -> Teams:
    names: list[str] = []
    region: list[int] = []
    for r, n in enumerate(per_region):
        choices = cat.TEAM_NAMES[cat.REGIONS[r]]
        for k in range(max(1, round(n / 5.5))):
            suffix = f" {k // len(choices) + 1}" if k >= len(choices) else ""
            names.append(choices[k % len(choices)] + suffix)
            region.append(r)
    managers = _person_names(rng, len(names), set())
    return Teams(names, np.array(region), managers)


def _reps(rng: np.random.Generator, cal: DemoCalendar, teams: Teams, per_region: list[int]) -> Reps:
    region = np.repeat(np.arange(len(per_region)), per_region)
    team = np.empty(len(region), dtype=np.int64)
    for r in range(len(per_region)):
        mine = np.nonzero(teams.region == r)[0]
        where = np.nonzero(region == r)[0]
        team[where] = mine[np.arange(len(where)) % len(mine)]
    order = np.lexsort((region, team))
    region, team = region[order], team[order]
    n = len(region)
    names = _person_names(rng, n, set(teams.managers))
    taken: set[str] = set()
    emails = [_email(name, taken) for name in names]
    active_from, active_to = _tenure(rng, cal, n)
    return Reps(
        ids=ids("R", np.arange(1, n + 1), 3),
        names=names,
        emails=emails,
        team=team,
        region=region,
        skill=_skills(rng, n),
        active_from=active_from,
        active_to=active_to,
    )


def _skills(rng: np.random.Generator, n: int) -> np.ndarray:
    skill = np.exp(rng.normal(0.0, 0.18, size=n))
    order = rng.permutation(n)
    k = max(1, round(n * 0.1))
    skill[order[:k]] = rng.uniform(1.6, 1.9, size=k)  # stars
    skill[order[k : 2 * k]] = rng.uniform(0.5, 0.62, size=k)  # weak reps
    return skill


def _tenure(rng: np.random.Generator, cal: DemoCalendar, n: int) -> tuple[np.ndarray, np.ndarray]:
    start = cal.start_ts
    span_days = (cal.end_ts - start) // DAY
    active_from = start - rng.integers(60, 1800, size=n) * DAY
    active_to = np.full(n, NEVER, dtype=np.int64)
    roles = rng.permutation(n)
    k = max(1, round(n * 0.1))
    joiners, leavers = roles[:k], roles[k : k + max(1, round(n * 0.07))]
    joined = rng.uniform(0.1, 0.7, size=len(joiners)) * span_days
    left = rng.uniform(0.3, 0.9, size=len(leavers)) * span_days
    active_from[joiners] = start + joined.astype(np.int64) * DAY
    active_to[leavers] = start + left.astype(np.int64) * DAY
    return active_from, active_to


def _customers(rng: np.random.Generator, cal: DemoCalendar, n: int) -> Customers:
    segment = rng.choice(len(cat.SEGMENTS), size=n, p=_p(cat.SEGMENT_WEIGHTS))
    region = rng.choice(len(cat.REGIONS), size=n, p=_p(cat.REGION_WEIGHTS))
    created = _creation_times(rng, cal, n)
    order = np.argsort(created, kind="stable")
    segment, region, created = segment[order], region[order], created[order]
    names = _company_names(rng, segment, region)
    return Customers(
        ids=ids("C", np.arange(1, n + 1), 6),
        names=names,
        segment=segment,
        region=region,
        created=created,
        parent=_parents(rng, segment, created, cal.start_ts),
        by_region=[np.nonzero(region == r)[0] for r in range(len(cat.REGIONS))],
    )


def _p(weights: tuple[float, ...] | np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def _creation_times(rng: np.random.Generator, cal: DemoCalendar, n: int) -> np.ndarray:
    """45 % of the accounts existed before the period; the others arrive with the business."""
    before = rng.random(n) < 0.45
    ts = np.empty(n, dtype=np.int64)
    ts[before] = cal.start_ts - rng.integers(DAY, 5 * 365 * DAY, size=int(before.sum()))
    month = rng.choice(cal.months, size=int((~before).sum()), p=_p(cal.level))
    offset = rng.random(len(month)) * (cal.month_starts[month + 1] - cal.month_starts[month])
    ts[~before] = cal.month_starts[month] + offset.astype(np.int64)
    return ts


def _company_names(rng: np.random.Generator, segment: np.ndarray, region: np.ndarray) -> list[str]:
    n = len(segment)
    w = rng.integers(0, len(cat.COMPANY_WORDS), size=(n, 2))
    pick = rng.integers(0, 1000, size=(n, 2))
    names = []
    for i in range(n):
        a, b = cat.COMPANY_WORDS[w[i, 0]], cat.COMPANY_WORDS[w[i, 1]]
        if a == b:
            b = cat.COMPANY_WORDS[(w[i, 1] + 1) % len(cat.COMPANY_WORDS)]
        cities = cat.CITIES[cat.REGIONS[region[i]]]
        city = cities[pick[i, 0] % len(cities)]
        names.append(_company_name(int(segment[i]), a, b, city, int(pick[i, 1])))
    return names


def _company_name(segment: int, a: str, b: str, city: str, k: int) -> str:
    kind = cat.SEGMENTS[segment]
    if kind == "Enterprise":
        return f"PT {a} {b}" + (" Tbk" if k % 17 == 0 else "")
    if kind == "UKM":
        return f"{('CV', 'CV', 'UD', 'PT')[k % 4]} {a} {b}"
    if kind == "Pemerintah":
        unit = cat.GOV_UNITS[k % len(cat.GOV_UNITS)]
        return f"RSUD {city}" if unit == "RSUD" else f"{unit} {('Kota', 'Kabupaten')[k % 2]} {city}"
    if kind == "Retail":
        return f"{cat.RETAIL_KINDS[k % len(cat.RETAIL_KINDS)]} {a} {b if k % 3 else city}"
    school = cat.SCHOOL_KINDS[k % len(cat.SCHOOL_KINDS)]
    if school.endswith("Negeri"):
        return f"{school} {k % 12 + 1} {city}"
    return f"{school} {a} {city}" if school == "Universitas" else f"{school} {a} {b}"


def _parents(
    rng: np.random.Generator, segment: np.ndarray, created: np.ndarray, start: int
) -> np.ndarray:
    """A few enterprise accounts belong to a group: their parent is an older enterprise."""
    parent = np.full(len(segment), -1, dtype=np.int64)
    enterprise = np.nonzero(segment == 0)[0]
    heads = enterprise[(created[enterprise] < start) & (rng.random(len(enterprise)) < 0.08)]
    if len(heads) == 0:
        return parent
    children = enterprise[rng.random(len(enterprise)) < 0.25]
    children = children[~np.isin(children, heads)]
    older = np.searchsorted(created[heads], created[children], side="left")
    ok = older > 0
    pick = (rng.random(int(ok.sum())) * older[ok]).astype(np.int64)
    parent[children[ok]] = heads[pick]
    return parent


# -- writing -------------------------------------------------------------------------------
def write_company(sink: CsvSink, company: Company) -> None:
    reps, teams, customers = company.reps, company.teams, company.customers
    sink.write(
        "reps",
        len(reps),
        {
            "rep_id": reps.ids,
            "name": reps.names,
            "team": [teams.names[t] for t in reps.team],
            "manager": [teams.managers[t] for t in reps.team],
            "region": [cat.REGIONS[r] for r in reps.region],
            "email": reps.emails,
            "active_from": dates(reps.active_from),
            "active_to": dates(np.where(reps.active_to == NEVER, NONE, reps.active_to)),
        },
    )
    sink.write(
        "customers",
        len(customers),
        {
            "customer_id": customers.ids,
            "name": customers.names,
            "segment": [cat.SEGMENTS[s] for s in customers.segment],
            "region": [cat.REGIONS[r] for r in customers.region],
            "parent_id": customers.ids.take(
                pa.array(np.maximum(customers.parent, 0), mask=customers.parent < 0)
            ),
            "created_at": dates(customers.created),
        },
    )
    _write_catalogue(sink)


def _write_catalogue(sink: CsvSink) -> None:
    products = cat.PRODUCTS
    sink.write(
        "products",
        len(products),
        {
            "product_id": [p.product_id for p in products],
            "name": [p.name for p in products],
            "category": [p.category for p in products],
            "list_price": [p.list_price for p in products],
            "unit_cost": pa.array([p.unit_cost for p in products], pa.int64()),
        },
    )
    sink.write(
        "stages",
        len(cat.STAGES),
        {
            "stage": [s[0] for s in cat.STAGES],
            "position": list(range(1, len(cat.STAGES) + 1)),
            "kind": [s[1] for s in cat.STAGES],
            "qualified": ["ya" if s[2] else "tidak" for s in cat.STAGES],
        },
    )
