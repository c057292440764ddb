"""``pantau report``: options, language default, errors as one-line usage errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import UsageError
from pantau.store import Store

runner = CliRunner()


def report(store: Store, *args: str) -> tuple[int, str, BaseException | None]:
    result = runner.invoke(app, ["--db", str(store.path), "report", *args])
    return result.exit_code, result.stdout, result.exception


def test_xlsx_by_team_for_a_team(company: Store, tmp_path: Path) -> None:
    out = tmp_path / "tim.xlsx"
    code, stdout, exc = report(
        company, "--from", "2026-01", "--to", "2026-03", "--by", "team", "--grain", "quarter",
        "--team", "Barat", "--output", str(out),
    )  # fmt: skip
    assert code == 0, exc
    assert stdout.strip() == f"wrote {out}"
    wb = openpyxl.load_workbook(out)
    rows = list(wb["Keefektifan penjualan"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Periode", "Tim", "Nilai Penjualan")
    assert rows[1:] == [("2026-Q1", "Barat", *rows[1][2:])]
    assert rows[1][2] == 42_000_000  # O7 + O1 + O2
    cover = {r[0]: r[1] for r in wb["Sampul"].iter_rows(values_only=True) if r[0]}
    assert (cover["Periode"], cover["Satuan waktu"], cover["Cakupan"]) == (
        "Kuartal 1 2026", "kuartal", "tim: Barat",
    )  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["tim.xlsx"]  # no temporary file left


def test_language_from_option_or_store_setting(company: Store, tmp_path: Path) -> None:
    out = tmp_path / "kpi.xlsx"
    assert report(company, "--to", "2026-03", "--lang", "en", "-o", str(out))[0] == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Cover"
    assert report(company, "--to", "2026-03", "--format", "xlsx", "-o", str(out))[0] == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Sampul"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "-o", "x.csv"], "--format must be xlsx or pdf"),
        (["-o", "x.txt"], "--format must be xlsx or pdf"),
        (["--from", "2026-3x", "-o", "x.xlsx"], "--from '2026-3x' is not a month"),
        (["--by", "city", "-o", "x.xlsx"], "unknown breakdown 'city'"),
        (["--grain", "week", "-o", "x.xlsx"], "unknown grain 'week'"),
        (["--by", "rep", "-o", "x.pdf"], "--grain and --by apply to --format xlsx only"),
        (["--lang", "fr", "-o", "x.xlsx"], "--lang must be id or en"),
        (["-o", "/no/such/folder/x.xlsx"], "is not a folder"),
    ],
)
def test_usage_errors(company: Store, tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    code, _, exc = report(company, *args)
    assert code == 1 and isinstance(exc, UsageError)
    assert message in str(exc) and "\n" not in str(exc)
    assert list(tmp_path.iterdir()) == []
