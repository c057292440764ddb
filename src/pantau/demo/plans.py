"""Selling costs and targets, derived at the end from what the reps actually did.

Costs per rep and month: salary (and THR, the religious-holiday bonus paid before Lebaran),
commission on the month's sales, travel per visit, entertainment (more in Ramadan: *buka
bersama*). Per team: the manager's salary and a team outing each quarter. For the company:
advertising and the trade fairs. Targets follow the company's seasonal shape and, for each
rep, half their own level and half their team's: stars beat their targets, weak reps miss
them, and attainment varies around 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from pantau.demo import catalog as cat
from pantau.demo.calendar import DAY, epoch_day
from pantau.demo.sink import CsvSink
from pantau.demo.state import GenState

RATIO_TARGETS = (  # (kpi, company target, from month: 0 = whole period, -12 = last year)
    ("win_rate", "0.35", 0),
    ("discount_rate", "0.065", 0),
    ("gross_margin", "0.2", 0),
    ("speed_to_lead", "0.55", -12),
    ("cost_of_sales_ratio", "0.06", -12),
    ("collateral_usage_rate", "0.7", -12),
)
TEAM_WIN_RATES = ("0.35", "0.3", "0.4")


class _Rows:
    def __init__(self, *names: str) -> None:
        self.cols: dict[str, list[object]] = {n: [] for n in names}

    def add(self, **values: object) -> None:
        for name, col in self.cols.items():
            col.append(values.get(name))

    def write(self, sink: CsvSink, record_type: str) -> None:
        sink.write(record_type, len(next(iter(self.cols.values()))), self.cols)


def _active_share(st: GenState) -> np.ndarray:
    """Fraction of each month (columns) that each rep (rows) was employed."""
    reps, starts = st.company.reps, st.cal.month_starts
    lo = np.maximum(reps.active_from[:, None], starts[None, :-1])
    hi = np.minimum(reps.active_to[:, None] + DAY, starts[None, 1:])
    return np.clip((hi - lo) / (starts[1:] - starts[:-1]), 0.0, 1.0)


def _months_before_lebaran(st: GenState, days: int) -> set[int]:
    """The months that contain the day ``days`` days before each Idul Fitri of the period."""
    out = set()
    for feast in st.cal.lebaran:
        ts = epoch_day(feast - timedelta(days=days)) * DAY
        out.add(int(st.cal.month_index(np.array([ts]))[0]))
    return out


def write_costs(rng: np.random.Generator, st: GenState) -> None:
    rows = _Rows("month", "category", "amount", "rep_id", "team")
    _rep_costs(rng, st, rows)
    _team_and_company_costs(rng, st, rows)
    rows.write(st.sink, "sales_costs")


def _k(x: float) -> int:
    return int(round(x, -3))


def _rep_costs(rng: np.random.Generator, st: GenState, rows: _Rows) -> None:
    reps, tally = st.company.reps, st.tally
    share = _active_share(st)
    salary = np.array(cat.BASE_SALARY)[reps.region] * (0.85 + 0.25 * reps.skill)
    travel = np.array(cat.VISIT_COST)[reps.region][:, None] * (
        tally.visits[:-1] + 0.3 * tally.meetings[:-1]
    )
    thr = _months_before_lebaran(st, 14)  # THR is paid two weeks before Lebaran
    ramadan = _months_before_lebaran(st, 15)
    fun = rng.random(share.shape) < np.where(
        np.isin(np.arange(st.cal.months), list(ramadan)), 0.8, 0.3
    )
    fun_amount = rng.uniform(4e5, 3e6, share.shape) * reps.skill[:, None]
    for r, m in zip(*np.nonzero(share > 0), strict=True):
        month, rep = st.cal.month_label(m), reps.ids[r].as_py()
        items = [
            (cat.COST_SALARY, salary[r] * share[r, m]),
            (cat.COST_COMMISSION, cat.COMMISSION_RATE * max(tally.sales[r, m], 0.0)),
            (cat.COST_TRAVEL, travel[r, m] * rng.uniform(0.8, 1.2)),
            (cat.COST_ENTERTAINMENT, fun_amount[r, m] if fun[r, m] else 0.0),
            (cat.COST_THR, salary[r] if m in thr and share[r, m] == 1.0 else 0.0),
        ]
        for category, amount in items:
            if amount >= 1000:
                rows.add(month=month, category=category, amount=_k(amount), rep_id=rep)


def _team_and_company_costs(rng: np.random.Generator, st: GenState, rows: _Rows) -> None:
    teams = st.company.teams
    team_size = np.bincount(st.company.reps.team, minlength=len(teams.names))
    for m in range(st.cal.months):
        month = st.cal.month_label(m)
        calendar_month = int(month[5:])
        for t, name in enumerate(teams.names):
            rows.add(
                month=month,
                category=cat.COST_MANAGER,
                team=name,
                amount=_k(rng.uniform(18e6, 24e6)),
            )
            if calendar_month % 3 == 0:
                outing = rng.uniform(3e6, 8e6) * team_size[t] / 5
                rows.add(month=month, category=cat.COST_ENTERTAINMENT, team=name, amount=_k(outing))
        ads = 35e6 * st.scale**0.5 * st.cal.level[m] * rng.uniform(0.85, 1.15)
        rows.add(month=month, category=cat.COST_ADS, amount=_k(ads))
        if calendar_month in cat.EXPO_MONTHS:
            rows.add(month=month, category=cat.COST_EXPO, amount=_k(120e6 * st.scale**0.3))


# -- targets ---------------------------------------------------------------------------------
def _smooth(x: np.ndarray) -> np.ndarray:
    """Three-month moving average (the ends use what they have)."""
    padded = np.r_[x[:1], x, x[-1:]]
    return (padded[:-2] + padded[1:-1] + padded[2:]) / 3


def _round(x: np.ndarray, step: float) -> np.ndarray:
    return np.round(x / step) * step


def _plan(values: np.ndarray, share: np.ndarray, shape: np.ndarray, lift: float) -> np.ndarray:
    """Per row: its average per active month × the company's monthly shape × ``lift``."""
    months = np.maximum(share.sum(axis=1), 1e-9)
    mean = values.sum(axis=1) / months
    return mean[:, None] * shape[None, :] * lift * (share > 0.5)


def _by_team(st: GenState, per_rep: np.ndarray) -> np.ndarray:
    out = np.zeros((len(st.company.teams.names), per_rep.shape[1]))
    np.add.at(out, st.company.reps.team, per_rep)
    return out


@dataclass(frozen=True)
class _Plans:
    share: np.ndarray  # rep x month: employed share of the month
    rep_sales: np.ndarray
    rep_activities: np.ndarray
    team_sales: np.ndarray
    team_meetings: np.ndarray
    company_sales: np.ndarray
    company_leads: np.ndarray


def _plans(rng: np.random.Generator, st: GenState) -> _Plans:
    """Monthly plans: each rep half on their own level, half on the team's (stars beat it)."""
    tally, team = st.tally, st.company.reps.team
    share = _active_share(st)
    shape = _smooth(tally.sales.sum(axis=0))
    shape = shape / shape.mean()
    step = 1e6 if tally.sales.sum() < 5e10 else 5e6
    own = _plan(tally.sales[:-1], share, shape, 1.0)
    team_mean = _by_team(st, own) / np.maximum(_by_team(st, (share > 0.5) * 1.0), 1)
    noise = rng.uniform(0.94, 1.08, size=own.shape)
    sales = _round((0.5 * own + 0.5 * team_mean[team] * (share > 0.5)) * noise, step)
    meetings = _by_team(st, _plan(tally.meetings[:-1], share, shape**0.5, 1.05))
    leads = _smooth(tally.leads.sum(axis=0)) * rng.uniform(0.97, 1.08, size=st.cal.months)
    return _Plans(
        share=share,
        rep_sales=sales,
        rep_activities=_round(_plan(tally.activities[:-1], share, shape**0.5, 1.02), 5),
        team_sales=_by_team(st, sales),
        team_meetings=np.round(meetings),
        company_sales=_round(sales.sum(axis=0) + _smooth(tally.sales[-1]), step),
        company_leads=_round(leads, 10),
    )


def write_targets(rng: np.random.Generator, st: GenState) -> None:
    rows = _Rows("kpi", "period", "target", "scope", "scope_id")
    plans = _plans(rng, st)
    for m in range(st.cal.months):
        period = st.cal.month_label(m)
        _company_targets(st, rows, plans, m, period)
        for t, name in enumerate(st.company.teams.names):
            team = {"period": period, "scope": "team", "scope_id": name}
            rows.add(kpi="sales_volume", target=_num(plans.team_sales[t, m]), **team)
            rows.add(kpi="key_activities", target=_num(plans.team_meetings[t, m]), **team)
            rows.add(kpi="win_rate", target=TEAM_WIN_RATES[t % len(TEAM_WIN_RATES)], **team)
        for r in np.nonzero(plans.share[:, m] > 0.5)[0]:
            rep = {"period": period, "scope": "rep", "scope_id": st.company.reps.ids[r].as_py()}
            rows.add(kpi="sales_volume", target=_num(plans.rep_sales[r, m]), **rep)
            rows.add(kpi="activities", target=_num(plans.rep_activities[r, m]), **rep)
    rows.write(st.sink, "targets")


def _company_targets(st: GenState, rows: _Rows, plans: _Plans, m: int, period: str) -> None:
    company = {"period": period, "scope": "company"}
    rows.add(kpi="sales_volume", target=_num(plans.company_sales[m]), **company)
    rows.add(kpi="leads", target=_num(plans.company_leads[m]), **company)
    for kpi, target, since in RATIO_TARGETS:
        if m >= (since % st.cal.months if since else 0):
            rows.add(kpi=kpi, target=target, **company)


def _num(x: float) -> str:
    return str(int(round(float(x))))
