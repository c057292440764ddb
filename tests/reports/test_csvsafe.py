"""Formula injection: no text cell of a CSV export can start a formula."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.reports.csvsafe import RISKY_PREFIXES, is_risky, safe_cell, safe_row, write_csv


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-"],
)
def test_risky_text_gets_a_leading_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Tim Barat", "R1", "", "a=b", " =x", "Rp1.000", "'quoted"])
def test_ordinary_text_is_unchanged(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -0.25, 0, 12.5, None, True])
def test_non_text_is_unchanged(value: object) -> None:
    assert safe_cell(value) is value


@given(st.text())
def test_no_safe_cell_starts_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert not is_risky(cell)
    assert cell.removeprefix("'") == text if is_risky(text) else cell == text


def test_safe_row_and_write_csv() -> None:
    assert safe_row(["R1", "=1+1", 3, None]) == ["R1", "'=1+1", 3, None]
    buf = io.StringIO()
    write_csv(buf, ["rep_id", "=team"], [["@R2", 0.5], ["R3", None]])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows == [["rep_id", "'=team"], ["'@R2", "0.5"], ["R3", ""]]
    assert all(not cell.startswith(RISKY_PREFIXES) for row in rows for cell in row)
