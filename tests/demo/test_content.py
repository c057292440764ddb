"""The demo exercises every KPI and its edge cases, with realistic shape."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from pantau.demo.calendar import idul_fitri_dates

Tables = dict[str, list[dict[str, str]]]


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _first_contacts(tables: Tables) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for a in tables["activities"]:
        if a["lead_id"] and a["status"] != "planned":
            t = _ts(a["occurred_at"])
            first[a["lead_id"]] = min(first.get(a["lead_id"], t), t)
    for lead in tables["leads"]:
        if lead["first_contact_at"]:
            t = _ts(lead["first_contact_at"])
            first[lead["lead_id"]] = min(first.get(lead["lead_id"], t), t)
    return first


def test_speed_to_lead_spread(tables: Tables) -> None:
    first = _first_contacts(tables)
    leads = tables["leads"]
    minutes = [
        (first[r["lead_id"]] - _ts(r["created_at"])).total_seconds() / 60
        for r in leads
        if r["lead_id"] in first
    ]
    never = len(leads) - len(minutes)
    assert 0.03 < never / len(leads) < 0.25  # some leads are never contacted
    assert 0.3 < sum(m <= 60 for m in minutes) / len(leads) < 0.8  # many within the hour
    assert sum(m > 24 * 60 for m in minutes) > 0.02 * len(leads)  # some wait a day or more
    assert 0 < sum(m < 0 for m in minutes) < 0.05 * len(leads)  # a few before creation
    sources = {r["source"] for r in leads}
    assert {"Website", "Referral", "Pameran", "Instagram", "WhatsApp", "Telemarketing"} <= sources


def test_first_contact_both_as_column_and_activity(tables: Tables) -> None:
    column = {r["lead_id"] for r in tables["leads"] if r["first_contact_at"]}
    activity = {a["lead_id"] for a in tables["activities"] if a["lead_id"]}
    assert column - activity and activity - column and column & activity


def test_reps_differ(tables: Tables) -> None:
    first = _first_contacts(tables)
    fast: dict[str, list[bool]] = defaultdict(list)
    for r in tables["leads"]:
        if r["rep_id"]:
            t = first.get(r["lead_id"])
            quick = t is not None and (t - _ts(r["created_at"])).total_seconds() <= 3600
            fast[r["rep_id"]].append(quick)
    rates = [sum(v) / len(v) for v in fast.values() if len(v) >= 50]
    assert max(rates) - min(rates) > 0.2
    won = Counter(r["rep_id"] for r in tables["opportunities"] if r["stage"] == "Menang")
    closed = Counter(r["rep_id"] for r in tables["opportunities"] if r["closed_at"])
    win = [won[k] / n for k, n in closed.items() if n >= 40]
    assert max(win) - min(win) > 0.15


def test_opportunities_cover_the_cases(tables: Tables) -> None:
    opps = tables["opportunities"]
    stages = Counter(r["stage"] for r in opps)
    assert {"Prospek", "Kualifikasi", "Proposal", "Negosiasi", "Menang", "Kalah"} <= set(stages)
    won = [r for r in opps if r["stage"] == "Menang"]
    assert any(not r["amount"] for r in won)  # won without amount
    assert any(r["amount"] and int(r["amount"]) < int(r["quoted_amount"] or 0) for r in won)
    assert any(r["quoted_amount"] and int(r["quoted_amount"]) < int(r["list_amount"] or 0)
               for r in won)  # fmt: skip
    assert any(not r["list_amount"] for r in won)  # list price from the product
    assert all(r["closed_at"] for r in opps if r["stage"] in ("Menang", "Kalah"))
    assert not any(r["closed_at"] for r in opps if r["stage"] not in ("Menang", "Kalah"))
    assert any(r["lost_reason"] for r in opps if r["stage"] == "Kalah")
    assert any(r["lead_id"] for r in opps) and any(not r["lead_id"] for r in opps)


def test_stage_history_follows_paths_and_skips(tables: Tables) -> None:
    position = {r["stage"]: int(r["position"]) for r in tables["stages"]}
    paths: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for r in tables["stage_history"]:
        paths[r["opportunity_id"]].append((_ts(r["entered_at"]), position[r["stage"]]))
    skipped = 0
    for steps in paths.values():
        order = [p for _, p in sorted(steps)]
        assert order == sorted(order)
        skipped += any(b - a > 1 for a, b in zip(order, order[1:], strict=False) if b <= 4)
    assert skipped > 0
    assert set(paths) == {r["opportunity_id"] for r in tables["opportunities"]}


def test_order_lines_cover_the_cases(tables: Tables) -> None:
    lines = tables["order_lines"]
    no_cost = {p["product_id"] for p in tables["products"] if not p["unit_cost"]}
    assert any(float(r["quantity"]) < 0 for r in lines)  # returns
    assert any(r["status"] == "cancelled" for r in lines)
    assert any(not r["status"] for r in lines)  # default: confirmed
    assert any(r["net_amount"] and not r["unit_net_price"] for r in lines)  # line totals
    assert any(r["discount"].endswith("%") for r in lines)
    assert any(r["discount"] and not r["discount"].endswith("%") for r in lines)
    assert any(r["cost_amount"] for r in lines) and any(r["profit"] for r in lines)
    assert any(r["unit_cost"] for r in lines)
    fallback = [r for r in lines if not (r["unit_cost"] or r["cost_amount"] or r["profit"])]
    assert any(r["product_id"] not in no_cost for r in fallback)  # product cost fills in
    assert any(r["product_id"] in no_cost for r in fallback)  # cost unknown
    assert any(r["opportunity_id"] and not r["rep_id"] for r in lines)  # rep via the deal
    months = defaultdict(set)
    for r in lines:
        months[r["customer_id"]].add(r["order_date"][:7])
    assert sum(len(m) > 1 for m in months.values()) > 0.3 * len(months)  # repeat buyers


def test_activities_cover_the_cases(tables: Tables) -> None:
    acts = tables["activities"]
    types = Counter(r["type"] for r in acts)
    assert {"call", "email", "whatsapp", "meeting", "visit", "demo"} <= set(types)
    status = Counter(r["status"] for r in acts)
    assert status["planned"] > 0 and status["done"] > 0 and status[""] > 0
    assert status["planned"] < 0.1 * len(acts)
    assert any(r["opportunity_id"] for r in acts) and any(r["lead_id"] for r in acts)


def test_costs_collateral_and_targets(tables: Tables) -> None:
    costs = tables["sales_costs"]
    assert any(r["rep_id"] for r in costs)
    assert any(r["team"] and not r["rep_id"] for r in costs)  # team level
    assert any(not r["team"] and not r["rep_id"] for r in costs)  # company level
    assert {"Gaji", "Komisi", "Perjalanan", "Entertainment", "Iklan", "THR"} <= {
        r["category"] for r in costs
    }
    items = tables["collateral"]
    assert any(r["retired_at"] for r in items) and any(not r["published_at"] for r in items)
    used = {r["collateral_id"] for r in tables["collateral_usage"]}
    assert {r["collateral_id"] for r in items} - used  # an item nobody uses
    retired = {r["collateral_id"]: r["retired_at"] for r in items if r["retired_at"]}
    for r in tables["collateral_usage"]:
        if r["collateral_id"] in retired:
            assert r["used_at"][:10] < retired[r["collateral_id"]]
    targets = tables["targets"]
    assert {r["scope"] for r in targets} == {"company", "team", "rep"}
    assert {"sales_volume", "leads", "activities", "win_rate", "discount_rate"} <= {
        r["kpi"] for r in targets
    }


def test_reps_teams_regions(tables: Tables) -> None:
    reps = tables["reps"]
    assert {r["region"] for r in reps} == {
        "Jabodetabek", "Jawa Barat", "Jawa Timur", "Sumatera", "Sulawesi",
    }  # fmt: skip
    assert all(r["email"].endswith("@sinarniaga.co.id") and r["manager"] for r in reps)
    assert any(r["active_to"] for r in reps)  # someone left
    segments = {r["segment"] for r in tables["customers"]}
    assert {"Enterprise", "UKM", "Pemerintah", "Retail"} <= segments
    assert any(r["name"].startswith("PT ") for r in tables["customers"])
    assert any(r["name"].startswith("CV ") for r in tables["customers"])
    assert any(r["parent_id"] for r in tables["customers"])


def _done_per_month(tables: Tables) -> Counter[str]:
    return Counter(r["occurred_at"][:7] for r in tables["activities"] if r["status"] != "planned")


def test_lebaran_dip(tables: Tables) -> None:
    (feast,) = [d for d in idul_fitri_dates(2026, 2026)]
    month = feast.strftime("%Y-%m")
    assert month == "2026-03"
    done = _done_per_month(tables)
    assert done[month] < 0.8 * (done["2026-02"] + done["2026-04"]) / 2
    sales = Counter()
    for r in tables["opportunities"]:
        if r["stage"] == "Menang":
            sales[r["closed_at"][:7]] += 1
    assert sales[month] < 0.8 * (sales["2026-02"] + sales["2026-04"]) / 2


def test_growth_and_month_end_push(tables: Tables) -> None:
    done = _done_per_month(tables)
    first_half = sum(done[m] for m in sorted(done)[:6])
    last_half = sum(done[m] for m in sorted(done)[-7:-1])
    assert last_half > 1.1 * first_half
    to_end: Counter[int] = Counter()
    for r in tables["opportunities"]:
        if r["stage"] == "Menang":
            day = date.fromisoformat(r["closed_at"][:10])
            nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            to_end[(nxt - day).days] += 1
    last_days = sum(to_end[d] for d in (1, 2, 3)) / 3
    middle = sum(to_end[d] for d in range(10, 20)) / 10
    assert last_days > 1.2 * middle


def test_reps_work_only_while_employed(tables: Tables) -> None:
    reps = {r["rep_id"]: r for r in tables["reps"]}

    def employed(rep_id: str, when: str) -> bool:
        rep = reps[rep_id]
        day = when[:10]
        return rep["active_from"] <= day and (not rep["active_to"] or day <= rep["active_to"])

    checks = [
        ("leads", "created_at"),
        ("opportunities", "created_at"),
        ("activities", "occurred_at"),
        ("collateral_usage", "used_at"),
    ]
    for name, column in checks:
        rows = [r for r in tables[name] if r["rep_id"] and r.get("status") != "planned"]
        assert all(employed(r["rep_id"], r[column]) for r in rows), name
    joined = [r for r in tables["reps"] if r["active_from"] >= "2024-11"]
    assert joined and any(r["active_to"] for r in tables["reps"])
