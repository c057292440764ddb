"""What each role gets from the API: the one access policy, seen from the outside."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pantau import auth
from pantau.metrics import KpiQuery, Scope, compute_kpis
from pantau.store import Store

from .conftest import Cast

MONTHS = {"from": "2025-01", "to": "2025-12"}


def reps_in(body: dict) -> set[str]:
    return {row["rep_id"] for row in body["rows"]}


def test_unauthenticated_is_401(clients: dict[str, TestClient]) -> None:
    for path in ("/api/v1/kpis", "/api/v1/funnel", "/api/v1/kpis/win_rate", "/overview.json"):
        response = clients["anon"].get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert "detail" in response.json()


def test_bad_or_revoked_token_is_401(app: FastAPI, demo_store: Store, cast: Cast) -> None:
    bogus = TestClient(app, headers={"Authorization": "Bearer pantau_not-a-token"})
    assert bogus.get("/api/v1/kpis").status_code == 401
    record, secret = auth.create_token(demo_store, cast.emails["rep"], name="to revoke")
    client = TestClient(app, headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/me").status_code == 200
    auth.revoke_token(demo_store, record.token_id)
    assert client.get("/api/v1/me").status_code == 401


def test_admin_gets_exactly_compute_kpis(clients: dict[str, TestClient], demo_store: Store) -> None:
    body = clients["admin"].get("/api/v1/kpis", params={**MONTHS, "by": "team"}).json()
    expected = compute_kpis(demo_store, KpiQuery(start="2025-01", end="2025-12", by="team"))
    assert body == expected
    assert len({row["team"] for row in body["rows"]}) > 2


def test_rep_by_rep_sees_only_own_row(clients: dict[str, TestClient], cast: Cast) -> None:
    body = clients["rep"].get("/api/v1/kpis", params={**MONTHS, "by": "rep"}).json()
    assert body["rows"] and reps_in(body) == {cast.rep}


def test_rep_totals_are_their_own(
    clients: dict[str, TestClient], cast: Cast, demo_store: Store
) -> None:
    params = {**MONTHS, "kpi": ["sales_volume", "leads"]}
    mine = clients["rep"].get("/api/v1/kpis", params=params).json()
    query = KpiQuery(
        start="2025-01",
        end="2025-12",
        kpis=("sales_volume", "leads"),
        scope=Scope(rep_ids=frozenset({cast.rep})),
    )
    assert mine == compute_kpis(demo_store, query)
    company = clients["admin"].get("/api/v1/kpis", params=params).json()
    assert mine["rows"][0]["sales_volume"] < company["rows"][0]["sales_volume"]


def test_rep_cannot_name_another_rep_or_team(clients: dict[str, TestClient], cast: Cast) -> None:
    rep = clients["rep"]
    assert rep.get("/api/v1/kpis", params={"rep": cast.teammate}).status_code == 403
    assert rep.get("/api/v1/kpis", params={"team": cast.other_team}).status_code == 403
    assert rep.get("/api/v1/kpis", params={"by": "team"}).status_code == 403
    own = rep.get("/api/v1/kpis", params={**MONTHS, "team": cast.team, "by": "rep"})
    assert own.status_code == 200 and reps_in(own.json()) == {cast.rep}


def test_rep_may_ask_company_totals_without_breakdown(
    clients: dict[str, TestClient], demo_store: Store
) -> None:
    rep = clients["rep"]
    body = rep.get("/api/v1/kpis", params={**MONTHS, "company": "true"}).json()
    assert body == compute_kpis(demo_store, KpiQuery(start="2025-01", end="2025-12"))
    assert rep.get("/api/v1/kpis", params={"company": "true", "by": "rep"}).status_code == 403


def test_manager_sees_only_their_team(
    clients: dict[str, TestClient], cast: Cast, demo_store: Store
) -> None:
    manager = clients["manager"]
    body = manager.get("/api/v1/kpis", params={**MONTHS, "by": "rep"}).json()
    team_of = auth.rep_directory(demo_store)
    named = reps_in(body) - {None}  # None: the team's costs that belong to no rep
    assert named and {team_of[r] for r in named} == {cast.team}
    by_team = manager.get("/api/v1/kpis", params={**MONTHS, "by": "team"}).json()
    assert {row["team"] for row in by_team["rows"]} == {cast.team}
    assert manager.get("/api/v1/kpis", params={"team": cast.other_team}).status_code == 403
    assert manager.get("/api/v1/kpis", params={"rep": cast.outsider}).status_code == 403
    one = manager.get("/api/v1/kpis", params={**MONTHS, "rep": cast.teammate, "by": "rep"})
    assert reps_in(one.json()) == {cast.teammate}


@pytest.mark.parametrize("path", ["/api/v1/funnel", "/api/v1/cohorts", "/api/v1/quality"])
def test_analysis_endpoints_are_scoped(
    clients: dict[str, TestClient], cast: Cast, path: str
) -> None:
    assert clients["rep"].get(path).status_code == 200
    assert clients["rep"].get(path, params={"rep": cast.teammate}).status_code == 403
    assert clients["manager"].get(path, params={"team": cast.other_team}).status_code == 403


def test_rep_funnel_counts_only_own_opportunities(
    clients: dict[str, TestClient], demo_store: Store, cast: Cast
) -> None:
    from pantau.analysis.funnel import compute_funnel

    params = {"from": "2025-01", "to": "2025-12"}
    mine = clients["rep"].get("/api/v1/funnel", params=params).json()
    expected = compute_funnel(
        demo_store, start="2025-01", end="2025-12", scope=Scope(rep_ids=frozenset({cast.rep}))
    )
    assert mine["groups"] == expected["groups"]
    everyone = clients["admin"].get("/api/v1/funnel", params=params).json()
    assert mine["groups"][0]["opportunities"] < everyone["groups"][0]["opportunities"]


def test_company_quality_for_a_rep_has_counts_but_no_records(
    clients: dict[str, TestClient],
) -> None:
    body = clients["rep"].get("/api/v1/quality", params={"company": "true"}).json()
    assert any(w["count"] for w in body["warnings"])
    assert all(w["examples"] == [] for w in body["warnings"])
    admin = clients["admin"].get("/api/v1/quality", params={"company": "true"}).json()
    assert any(w["examples"] for w in admin["warnings"])


def test_imports_for_admin_and_manager_only(clients: dict[str, TestClient]) -> None:
    admin = clients["admin"].get("/api/v1/imports").json()
    assert admin["imports"] and "file_path" in admin["imports"][0]
    manager = clients["manager"].get("/api/v1/imports").json()
    assert "file_path" not in manager["imports"][0]
    assert clients["rep"].get("/api/v1/imports").status_code == 403


def test_kpi_definition_and_unknown_kpi(clients: dict[str, TestClient]) -> None:
    body = clients["rep"].get("/api/v1/kpis/win_rate").json()
    assert body["id"] == "win_rate" and "SELECT" in body["sql"].upper()
    assert clients["rep"].get("/api/v1/kpis/nope").status_code == 404
    unknown = clients["rep"].get("/api/v1/kpis", params={"kpi": "nope"})
    assert unknown.status_code == 404 and "unknown KPI" in unknown.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-13"},
        {"grain": "week"},
        {"by": "color"},
        {"from": "2025-06", "to": "2025-01"},
        {"limit": "x"},
    ],
)
def test_bad_parameters_are_4xx_with_a_message(
    clients: dict[str, TestClient], params: dict[str, str]
) -> None:
    response = clients["admin"].get("/api/v1/kpis", params=params)
    if "limit" in params:
        response = clients["admin"].get("/api/v1/quality", params=params)
    assert response.status_code in (400, 422), response.text
    assert response.json()["detail"]


def test_me_describes_the_scope(clients: dict[str, TestClient], cast: Cast) -> None:
    me = clients["manager"].get("/api/v1/me").json()
    assert me["role"] == "manager" and me["scope"]["teams"] == [cast.team]
    rep = clients["rep"].get("/api/v1/me").json()
    assert rep["scope"]["rep_ids"] == [cast.rep] and "team" not in rep["scope"]["breakdowns"]
