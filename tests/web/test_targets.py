"""The targets page: the grid (set, change, clear), the change log, scopes, the targets file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pantau import auth
from pantau.errors import UsageError
from pantau.metrics import get_kpi
from pantau.store import Store
from pantau.web.services.targets import parse_target, show_target

from .conftest import Cast, Site, csrf_of
from .formdata import form_fields

FUTURE = "2031-01"  # no demo targets this far out


def grid(client: TestClient, view: str, start: str = FUTURE) -> dict[str, str]:
    response = client.get("/targets", params={"view": view, "from": start})
    assert response.status_code == 200, response.text
    return form_fields(response.text, "/targets")


def cell(fields: dict[str, str], kpi: str, scope: list[Any], month: int = 0) -> str:
    """The name of the grid cell of ``kpi`` for ``scope`` ([kind, id]) in the ``month``-th month."""
    for name, value in fields.items():
        if name.startswith("row_") and json.loads(value) == [kpi, *scope]:
            return f"c_{name[4:]}_{month}"
    raise AssertionError(f"no row for {kpi} {scope}")


def save(client: TestClient, fields: dict[str, str], **cells: str) -> Any:
    return client.post("/targets", data=fields | cells)


def stored(store: Store, kpi: str, period: str) -> list[tuple[Any, ...]]:
    with store.read() as con:
        return con.execute(
            "SELECT scope, scope_id, target FROM targets WHERE kpi = ? AND period = ? "
            "ORDER BY 1, 2",
            [kpi, period],
        ).fetchall()


def log(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as con:
        return con.execute(
            "SELECT kpi, period, scope, scope_id, old_target, new_target, username, reason, via "
            "FROM target_changes ORDER BY change_id"
        ).fetchall()


def test_set_change_and_clear_a_target(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    version = store_copy.data_version()
    fields = grid(admin, "company")
    name = cell(fields, "sales_volume", ["company", None])
    response = save(admin, fields, **{name: "1.500.000.000", "reason": "rencana 2031"})
    assert response.status_code == 303 and "saved=1" in response.headers["location"]
    assert stored(store_copy, "sales_volume", FUTURE) == [("company", None, 1.5e9)]
    assert store_copy.data_version() > version  # KPI caches see the new target

    fields = grid(admin, "company")
    assert fields[name] == "1.500.000.000"
    save(admin, fields, **{name: "2000000000"})
    save(admin, grid(admin, "company"), **{name: ""})
    assert stored(store_copy, "sales_volume", FUTURE) == []
    email = Cast.emails["admin"]
    assert log(store_copy) == [
        ("sales_volume", FUTURE, "company", None, None, 1.5e9, email, "rencana 2031", "grid"),
        ("sales_volume", FUTURE, "company", None, 1.5e9, 2e9, email, None, "grid"),
        ("sales_volume", FUTURE, "company", None, 2e9, None, email, None, "grid"),
    ]
    page = admin.get("/targets", params={"view": "company", "from": FUTURE}).text
    assert "rencana 2031" in page


def test_no_target_is_not_a_target_of_zero(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    month = "2025-06"
    fields = grid(admin, "company", month)
    name = cell(fields, "avg_deal_size", ["company", None])
    assert fields[name] == ""
    save(admin, fields, **{name: "0"})
    assert stored(store_copy, "avg_deal_size", month) == [("company", None, 0.0)]
    kpis = admin.get(f"/api/v1/kpis?from={month}&to={month}&kpi=avg_deal_size").json()
    assert kpis["rows"][0]["targets"]["avg_deal_size"]["target"] == 0
    fields = grid(admin, "company", month)
    assert fields[name] == "0"
    save(admin, fields, **{name: ""})
    kpis = admin.get(f"/api/v1/kpis?from={month}&to={month}&kpi=avg_deal_size").json()
    assert "avg_deal_size" not in (kpis["rows"][0].get("targets") or {})


def test_ratios_are_percent_in_the_grid(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    fields = grid(admin, "kpi:win_rate")
    name = cell(fields, "win_rate", ["team", manager_team(store_copy)])
    save(admin, fields, **{name: "37,5"})
    assert stored(store_copy, "win_rate", FUTURE) == [("team", manager_team(store_copy), 0.375)]
    assert grid(admin, "kpi:win_rate")[name] == "37,5"


def manager_team(store: Store) -> str:
    """The team of the test cast's manager."""
    return auth.get_user(store, Cast.emails["manager"]).teams[0]


def test_a_cell_that_is_no_number_saves_nothing(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    fields = grid(admin, "company")
    good, bad = (cell(fields, k, ["company", None]) for k in ("leads", "activities"))
    response = save(admin, fields, **{good: "40", bad: "banyak"})
    assert response.status_code == 400 and "banyak" in response.text
    assert stored(store_copy, "leads", FUTURE) == [] and log(store_copy) == []


def test_only_edited_cells_change(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    fields = grid(admin, "company")
    with store_copy.write() as con:  # someone else sets a target meanwhile
        con.execute("INSERT INTO targets VALUES ('leads', ?, 55, 'company', NULL, NULL)", [FUTURE])
    save(admin, fields, **{cell(fields, "activities", ["company", None]): "900"})
    assert stored(store_copy, "leads", FUTURE) == [("company", None, 55.0)]
    assert stored(store_copy, "activities", FUTURE) == [("company", None, 900.0)]


def test_managers_set_targets_of_their_team_only(site: Site, store_copy: Store) -> None:
    manager = site("manager")
    team = manager_team(store_copy)
    fields = grid(manager, f"team:{team}")
    assert manager.get("/targets", params={"view": "company"}).status_code == 403
    others = [t for t in _teams(store_copy) if t != team]
    assert manager.get("/targets", params={"view": f"team:{others[0]}"}).status_code == 403
    name = cell(fields, "sales_volume", ["team", team])
    forged = fields | {f"row_{name.split('_')[1]}": json.dumps(["sales_volume", "team", others[0]])}
    assert save(manager, forged, **{name: "1000"}).status_code == 403
    assert stored(store_copy, "sales_volume", FUTURE) == []
    assert save(manager, fields, **{name: "1000"}).status_code == 303
    assert stored(store_copy, "sales_volume", FUTURE) == [("team", team, 1000.0)]
    scopes = {(t["scope"], t["scope_id"]) for t in _api_targets(manager)}
    assert scopes <= {("team", team)} | {("rep", r) for r in _reps_of(store_copy, team)}


def test_reps_do_not_set_targets(site: Site) -> None:
    rep = site("rep")
    for path in ("/targets", "/targets.json", "/targets.csv", "/api/v1/targets"):
        assert rep.get(path).status_code == 403, path
    assert rep.post("/targets", data={"rows": "0", "cols": "0"}).status_code == 403
    assert "/targets" not in rep.get("/").text


def test_targets_file_down_and_up(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    text = admin.get("/targets.csv").text
    header, *lines = text.splitlines()
    assert header == "kpi,period,target,scope,scope_id" and len(lines) > 100
    assert "sales_volume,2025-06," in text
    edited = header + "\nsales_volume,2031-02,123456789,company,\nleads,2031-02,77,team,Bandung\n"
    page = admin.get("/targets").text
    response = admin.post(
        "/targets/upload",
        data={"csrf_token": csrf_of(page), "reason": "dari file"},
        files={"file": ("targets.csv", edited.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert stored(store_copy, "sales_volume", "2031-02") == [("company", None, 123456789.0)]
    rows = log(store_copy)
    assert [r[:6] for r in rows] == [
        ("leads", "2031-02", "team", "Bandung", None, 77.0),
        ("sales_volume", "2031-02", "company", None, None, 123456789.0),
    ]
    assert rows[0][7] == "dari file" and rows[0][8].startswith("file targets.csv (import #")


def test_managers_cannot_upload_other_teams_targets(site: Site, store_copy: Store) -> None:
    manager = site("manager")
    team = manager_team(store_copy)
    other = next(t for t in _teams(store_copy) if t != team)
    header = "kpi,period,target,scope,scope_id\n"
    body = f"{header}leads,2031-02,5,team,{team}\nleads,2031-02,9,team,{other}\n"
    token = csrf_of(manager.get("/targets").text)
    response = manager.post(
        "/targets/upload", data={"csrf_token": token}, files={"file": ("t.csv", body.encode())}
    )
    assert response.status_code == 403
    assert stored(store_copy, "leads", "2031-02") == []
    mine = f"{header}leads,2031-02,5,team,{team}\n"
    response = manager.post(
        "/targets/upload", data={"csrf_token": token}, files={"file": ("t.csv", mine.encode())}
    )
    assert response.status_code == 200
    assert stored(store_copy, "leads", "2031-02") == [("team", team, 5.0)]
    csv = manager.get("/targets.csv").text
    assert f"team,{other}" not in csv and "company" not in csv


def _teams(store: Store) -> list[str]:
    with store.read() as con:
        return [r[0] for r in con.execute("SELECT DISTINCT team FROM reps ORDER BY 1").fetchall()]


def _reps_of(store: Store, team: str) -> list[str]:
    with store.read() as con:
        rows = con.execute("SELECT rep_id FROM reps WHERE team = ?", [team]).fetchall()
    return [r[0] for r in rows]


def _api_targets(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/api/v1/targets")
    assert response.status_code == 200
    return list(response.json()["targets"])


@pytest.mark.parametrize(
    ("typed", "lang", "kpi", "value"),
    [
        ("1.500.000", "id", "sales_volume", 1_500_000),
        ("1.500.000", "en", "sales_volume", 1_500_000),
        ("1,500,000.5", "en", "sales_volume", 1_500_000.5),
        ("Rp 1.250.000,50", "id", "sales_volume", 1_250_000.5),
        ("1.500", "id", "leads", 1500),
        ("1.500", "en", "leads", 1.5),
        ("37,5 %", "id", "win_rate", 0.375),
        ("37.5", "en", "win_rate", 0.375),
        ("0", "id", "leads", 0.0),
        ("  ", "id", "leads", None),
    ],
)
def test_cells_read_as_people_write_numbers(
    typed: str, lang: str, kpi: str, value: float | None
) -> None:
    parsed = parse_target(typed, get_kpi(kpi), lang)
    assert parsed == pytest.approx(value) if value is not None else parsed is None
    if parsed is not None:
        assert parse_target(show_target(parsed, get_kpi(kpi), lang), get_kpi(kpi), lang) == parsed


@pytest.mark.parametrize("typed", ["banyak", "-5", "1e999", "nan"])
def test_cells_that_are_no_target_are_refused(typed: str) -> None:
    with pytest.raises(UsageError):
        parse_target(typed, get_kpi("leads"), "id")
