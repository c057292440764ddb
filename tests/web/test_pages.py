"""Pages and their JSON twins: every page renders for every role, from the same data."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from pantau.i18n import money
from pantau.metrics import KpiQuery, Scope, compute_kpis
from pantau.store import Store

from .conftest import Cast

PAGES = ["/", "/leaderboard", "/funnel", "/speed", "/cohorts", "/collateral", "/quality"]
TWINS = ["/overview.json"] + [p + ".json" for p in PAGES[1:]]


@pytest.mark.parametrize("role", ["admin", "manager", "rep"])
def test_every_page_renders_for_every_role(login: Callable[[str], TestClient], role: str) -> None:
    client = login(role)
    for path in [*PAGES, "/kpis/win_rate", "/kpis/sales_volume?by=product", "/api/docs"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
    assert client.get("/imports").status_code == (403 if role == "rep" else 200)
    assert client.get("/users").status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("twin", TWINS)
def test_json_twins_are_json(clients: dict[str, TestClient], twin: str) -> None:
    response = clients["manager"].get(twin, params={"period": "2025-06"})
    assert response.status_code == 200
    assert response.json()["view"] in twin or twin == "/overview.json"


def test_overview_cards_are_the_kpi_engine_numbers(
    clients: dict[str, TestClient], demo_store: Store, cast: Cast
) -> None:
    twin = clients["rep"].get("/overview.json", params={"period": "2025-06"}).json()
    scope = Scope(rep_ids=frozenset({cast.rep}))
    june = compute_kpis(demo_store, KpiQuery(start="2025-06", end="2025-06", scope=scope))
    row = june["rows"][0]
    cards = {c["id"]: c for g in twin["groups"] for c in g["cards"]}
    assert [g["id"] for g in twin["groups"]] == ["peluang", "keefektifan", "holistik"]
    for kpi_id, card in cards.items():
        # same numbers; a 13-month query may sum in another order than a 1-month one
        assert card["value"] == pytest.approx(row[kpi_id], rel=1e-12), kpi_id
        assert len(card["spark"]) == 12 and card["spark"][-1]["period"] == "2025-06"
    company = compute_kpis(demo_store, KpiQuery(start="2025-06", end="2025-06"))["rows"][0]
    assert twin["company_totals"] is True
    assert cards["sales_volume"]["company"] == company["sales_volume"]


def test_overview_changes_compare_with_previous_and_last_year(
    clients: dict[str, TestClient], demo_store: Store
) -> None:
    twin = clients["admin"].get("/overview.json", params={"period": "2026-03"}).json()
    cards = {c["id"]: c for g in twin["groups"] for c in g["cards"]}
    rows = {
        r["period"]: r
        for r in compute_kpis(demo_store, KpiQuery(start="2025-03", end="2026-03"))["rows"]
    }
    volume = cards["sales_volume"]
    now, before, year_ago = (rows[p]["sales_volume"] for p in ("2026-03", "2026-02", "2025-03"))
    assert volume["vs_previous"]["value"] == pytest.approx((now - before) / before)
    assert volume["vs_last_year"]["value"] == pytest.approx((now - year_ago) / year_ago)
    rate = cards["win_rate"]
    assert rate["vs_previous"]["kind"] == "points"
    assert rate["vs_previous"]["value"] == pytest.approx(
        rows["2026-03"]["win_rate"] - rows["2026-02"]["win_rate"]
    )


def test_overview_page_shows_the_twin_in_rupiah(login: Callable[[str], TestClient]) -> None:
    client = login("admin")
    twin = client.get("/overview.json", params={"period": "2025-06"}).json()
    volume = next(c for g in twin["groups"] for c in g["cards"] if c["id"] == "sales_volume")
    html = client.get("/", params={"period": "2025-06"}).text
    compact, full = money(volume["value"], "id", compact=True), money(volume["value"], "id")
    assert f'title="{full}">{compact}</span>' in html
    assert re.search(r"Rp[\d,]+ (M|jt)", compact)
    english = client.get("/", params={"period": "2025-06", "lang": "en"})
    assert money(volume["value"], "en", compact=True) in english.text
    assert 'lang="en"' in english.text and "pantau_lang=en" in english.headers["set-cookie"]
    assert 'lang="en"' in client.get("/").text  # the choice sticks (cookie)


def test_speed_buckets_agree_with_the_kpi(
    clients: dict[str, TestClient], demo_store: Store, cast: Cast
) -> None:
    for role, scope in (("admin", None), ("rep", Scope(rep_ids=frozenset({cast.rep})))):
        twin = clients[role].get("/speed.json", params={"period": "2025-Q2", "grain": "quarter"})
        body = twin.json()
        kpi = compute_kpis(
            demo_store,
            KpiQuery(
                start="2025-04",
                end="2025-06",
                grain="quarter",
                kpis=("speed_to_lead", "leads"),
                scope=scope,
            ),
        )["rows"][0]
        assert body["leads"] == kpi["leads"]
        assert body["within_hour_share"] == pytest.approx(kpi["speed_to_lead"])
        assert sum(b["leads"] for b in body["buckets"]) == body["leads"]


def test_kpi_detail_has_trend_breakdown_and_n(clients: dict[str, TestClient]) -> None:
    body = clients["manager"].get("/kpis/win_rate.json", params={"period": "2025-06"}).json()
    assert len(body["trend"]) == 24 and body["trend"][-1]["period"] == "2025-06"
    assert body["by"] == "rep" and body["table"]
    for row in body["table"]:
        parts = row["parts"]
        assert parts["n"] == parts["denominator"]
        if parts["denominator"]:
            assert row["value"] == pytest.approx(parts["numerator"] / parts["denominator"])
    assert body["kpi"]["description"] and body["kpi"]["sql"]
    rep = clients["rep"].get("/kpis/win_rate.json").json()
    assert "team" not in rep["breakdowns"] and "region" not in rep["breakdowns"]


def test_leaderboard_is_ranked_by_attainment(clients: dict[str, TestClient], cast: Cast) -> None:
    body = clients["admin"].get("/leaderboard.json", params={"period": "2025-06"}).json()
    attained = [r["attainment"] for r in body["rows"] if r["attainment"] is not None]
    assert attained and attained == sorted(attained, reverse=True)
    mine = clients["rep"].get("/leaderboard.json", params={"period": "2025-06"}).json()
    assert [r["key"] for r in mine["rows"]] == [cast.rep]


def test_period_and_filters_come_from_the_url(clients: dict[str, TestClient], cast: Cast) -> None:
    body = (
        clients["admin"]
        .get("/overview.json", params={"grain": "quarter", "period": "2025-05", "team": cast.team})
        .json()
    )
    assert body["period"] == "2025-Q2" and body["grain"] == "quarter"
    assert clients["admin"].get("/overview.json", params={"period": "2025-14"}).status_code == 422
    assert clients["rep"].get("/speed.json", params={"rep": cast.teammate}).status_code == 403


def test_collateral_page_lists_items_and_reps(clients: dict[str, TestClient], cast: Cast) -> None:
    body = clients["manager"].get("/collateral.json", params={"period": "2025-06"}).json()
    assert body["items"] and body["usage_rate"] is not None
    mine = clients["rep"].get("/collateral.json", params={"period": "2025-06"}).json()
    assert {r["rep_id"] for r in mine["reps"]} <= {cast.rep}
    assert sum(i["uses"] for i in mine["items"]) <= sum(i["uses"] for i in body["items"])
