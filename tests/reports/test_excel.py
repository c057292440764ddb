"""The Excel workbook, opened back with openpyxl: values, formats, definitions, safety."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from pantau.errors import UsageError
from pantau.metrics import KpiQuery, Scope, catalogue, compute_kpis
from pantau.reports.excel import write_excel
from pantau.store import Store

from .company import EVIL_REP, EVIL_TEAM, REPORT_MONTH

RUPIAH = '"Rp"#,##0'
PERCENT = "0.0%"
GROUP_SHEETS = ["Peluang", "Keefektifan penjualan", "Penjualan holistik"]


@pytest.fixture(scope="module")
def workbook(company: Store, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "kpi.xlsx"
    write_excel(company, path, start="2026-01", end=REPORT_MONTH, by="rep", generated_by="budi")
    return openpyxl.load_workbook(path)


def table(ws: Worksheet) -> list[dict[str, Cell]]:
    """The sheet's rows as {header: cell}."""
    rows = list(ws.iter_rows())
    headers = [c.value for c in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_sheets_in_indonesian(workbook: Any) -> None:
    assert workbook.sheetnames == ["Sampul", *GROUP_SHEETS, "Definisi"]


def test_cover_tells_period_basis_scope_and_author(workbook: Any) -> None:
    cover = {r[0].value: r[1].value for r in workbook["Sampul"].iter_rows() if r[0].value}
    assert cover["Periode"] == "Januari 2026 – Maret 2026"
    assert cover["Basis pendapatan"] == "peluang yang dimenangkan (basis kesepakatan)"
    assert cover["Cakupan"] == "seluruh perusahaan"
    assert cover["Rincian"] == "per sales"
    assert cover["Dibuat oleh"] == "budi"
    assert "Asia/Jakarta" in cover["Dibuat pada"]


def test_values_equal_compute_kpis(workbook: Any, company: Store) -> None:
    result = compute_kpis(company, KpiQuery(start="2026-01", end=REPORT_MONTH, by="rep"))
    expected = {(r["period"], r["rep_id"]): r for r in result["rows"]}
    names = {k.name_id: k for k in catalogue()}
    seen = 0
    for sheet in GROUP_SHEETS:
        for row in table(workbook[sheet]):
            source = expected[(row["Periode"].value, row["Sales"].value)]
            for header, cell in row.items():
                if header in names:
                    value = source[names[header].id]
                    assert cell.value == (None if value is None else pytest.approx(value)), header
                    seen += 1
    assert seen == len(expected) * len(names)


def test_numbers_are_numbers_with_rupiah_and_percent_formats(workbook: Any) -> None:
    rows = table(workbook["Keefektifan penjualan"])
    r1 = next(r for r in rows if r["Periode"].value == REPORT_MONTH and r["Sales"].value == "R1")
    volume = r1["Nilai Penjualan"]
    assert volume.data_type == "n" and volume.value == 25_000_000
    assert volume.number_format == RUPIAH
    assert r1["Nilai Penjualan: target"].value == 20_000_000
    assert r1["Nilai Penjualan: target"].number_format == RUPIAH
    assert r1["Nilai Penjualan: pencapaian"].value == pytest.approx(1.25)
    assert r1["Nilai Penjualan: pencapaian"].number_format == PERCENT
    assert r1["Nilai Penjualan: tercapai"].value == "ya"
    held = r1["Nilai Kesepakatan Terjaga"]
    assert held.number_format == PERCENT and held.value == pytest.approx(1.0)
    opp = {h: c for h, c in table(workbook["Peluang"])[-1].items()}
    assert opp["Arus Prospek"].number_format == "#,##0"
    assert opp["Tingkat Kemenangan"].number_format == PERCENT


def test_null_is_an_empty_cell_not_zero(workbook: Any) -> None:
    for row in table(workbook["Keefektifan penjualan"]):
        assert row["Profitabilitas (Margin Kotor)"].value is None  # no unit costs anywhere


def test_frozen_headers_autofilter_and_widths(workbook: Any) -> None:
    for sheet in GROUP_SHEETS:
        ws = workbook[sheet]
        assert ws.freeze_panes == "E2"  # header row + period, rep, name, team
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["E"].width >= 10
    assert workbook["Definisi"].freeze_panes == "B2"


def test_definitions_sheet_lists_every_kpi(workbook: Any) -> None:
    rows = table(workbook["Definisi"])
    assert [r["ID KPI"].value for r in rows] == [k.id for k in catalogue()]
    volume = next(r for r in rows if r["ID KPI"].value == "sales_volume")
    kpi = next(k for k in catalogue() if k.id == "sales_volume")
    assert volume["Nama"].value == kpi.name_id
    assert volume["Deskripsi"].value == kpi.description_id
    assert volume["Satuan"].value == "nilai uang (mata uang dasar)"
    assert volume["Arah"].value == "makin tinggi makin baik"
    assert volume["Kelompok"].value == "Keefektifan penjualan"
    assert volume["Jangkar"].value == kpi.anchor


def test_formula_injection_stays_text(workbook: Any) -> None:
    cells = [
        row[header]
        for sheet in GROUP_SHEETS
        for row in table(workbook[sheet])
        for header in ("Sales", "Tim")
        if row[header].value in (EVIL_REP, EVIL_TEAM)
    ]
    assert len(cells) == 2 * len(GROUP_SHEETS)  # its id and team, in March (its only month)
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_segment_names_are_text_too(company: Store) -> None:
    buf = io.BytesIO()
    write_excel(company, buf, start=REPORT_MONTH, end=REPORT_MONTH, by="segment", lang="en")
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == [
        "Cover",
        "Opportunities",
        "Sales effectiveness",
        "Holistic sales",
        "Definitions",
    ]
    cell = next(
        r["Segment"] for r in table(wb["Sales effectiveness"]) if r["Segment"].value == "-Grosir"
    )
    assert cell.data_type == "s" and cell.quotePrefix
    assert (
        next(r for r in table(wb["Definitions"]) if r["KPI id"].value == "leads")["Name"].value
        == "Lead flow"
    )


def test_scope_limits_the_rows_to_the_rep(company: Store, tmp_path: Path) -> None:
    path = tmp_path / "r1.xlsx"
    write_excel(
        company,
        path,
        start="2026-01",
        end=REPORT_MONTH,
        by="rep",
        scope=Scope(rep_ids=frozenset({"R1"})),
    )
    wb = openpyxl.load_workbook(path)
    for sheet in GROUP_SHEETS:
        assert {r["Sales"].value for r in table(wb[sheet])} == {"R1"}
    cover = {r[0].value: r[1].value for r in wb["Sampul"].iter_rows() if r[0].value}
    assert cover["Cakupan"] == "sales: R1"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"grain": "week"}, "grain"), ({"by": "city"}, "city"), ({"start": "2026-13"}, "--from")],
)
def test_bad_options_are_usage_errors(
    company: Store, tmp_path: Path, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        write_excel(company, tmp_path / "x.xlsx", **kwargs)  # type: ignore[arg-type]
