"""Download buttons: the KPI workbook and the monthly PDF of the page's filters, in the
user's scope."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
from fastapi.testclient import TestClient

from .conftest import Cast

PERIOD = "2025-06"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response: Any) -> openpyxl.Workbook:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def kpi_rows(book: openpyxl.Workbook) -> list[tuple[Any, ...]]:
    """The rows of the first KPI sheet (after the cover), header first."""
    return list(book[book.sheetnames[1]].iter_rows(values_only=True))


def test_the_workbook_covers_the_twelve_months_up_to_the_period(
    clients: dict[str, TestClient],
) -> None:
    book = workbook(clients["admin"].get("/export.xlsx?period=2025-12"))
    assert len(book.sheetnames) >= 3
    periods = [row[0] for row in kpi_rows(book)[1:]]
    assert periods[0] == "2025-01" and periods[-1] == "2025-12" and len(periods) == 12
    quarters = workbook(clients["admin"].get("/export.xlsx?period=2025-Q4&grain=quarter"))
    assert [row[0] for row in kpi_rows(quarters)[1:]] == [f"2025-Q{q}" for q in (1, 2, 3, 4)]


def test_a_reps_workbook_holds_only_their_rows(clients: dict[str, TestClient], cast: Cast) -> None:
    rows = kpi_rows(workbook(clients["rep"].get(f"/export.xlsx?period={PERIOD}&by=rep")))
    assert rows[0][1] and {row[1] for row in rows[1:]} == {cast.rep}
    admin = kpi_rows(workbook(clients["admin"].get(f"/export.xlsx?period={PERIOD}&by=rep")))
    assert len({row[1] for row in admin[1:]}) > 2
    assert clients["rep"].get(f"/export.xlsx?rep={cast.teammate}").status_code == 403
    assert clients["rep"].get("/export.xlsx?by=team").status_code == 403


def test_a_managers_workbook_holds_their_team(clients: dict[str, TestClient], cast: Cast) -> None:
    rows = kpi_rows(workbook(clients["manager"].get(f"/export.xlsx?period={PERIOD}&by=team")))
    assert {row[1] for row in rows[1:]} == {cast.team}
    assert clients["manager"].get(f"/export.xlsx?team={cast.other_team}").status_code == 403


def test_the_pdf_is_a_pdf_in_the_reps_scope(clients: dict[str, TestClient]) -> None:
    response = clients["rep"].get(f"/export.pdf?period={PERIOD}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert clients["rep"].get("/export.pdf?company=true").status_code == 403  # it ranks reps


def test_overview_and_kpi_pages_link_the_downloads(
    login: Callable[[str], TestClient], cast: Cast
) -> None:
    manager = login("manager")
    overview = manager.get(f"/?period={PERIOD}&team={cast.team}").text
    assert f'href="/export.xlsx?period={PERIOD}&amp;team=' in overview
    assert f'href="/export.pdf?period={PERIOD}&amp;team=' in overview
    kpi = manager.get(f"/kpis/win_rate?period={PERIOD}&by=rep").text
    assert f'href="/export.xlsx?period={PERIOD}&amp;by=rep"' in kpi
