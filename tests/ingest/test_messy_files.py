"""Real spreadsheets: title rows, footers, Indonesian CSVs, ambiguous columns, Excel damage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import ImportRejected
from pantau.ingest import import_file
from pantau.ingest.layout import HeaderHint, find_footer, pick_header
from pantau.store import Store

from .helpers import rows

REPORT = (
    "Laporan Penjualan\n"
    "Periode: Agustus 2025;;;\n"
    "\n"
    "order_id;order_date;customer_id;quantity;net_amount\n"
    "F-01;05/08/2025;C1;2;2.500.000\n"
    "F-02;25/08/2025;C2;1;Rp 1,2 jt\n"
    ";;;;\n"
    "Total;;;3;3.700.000\n"
)


def test_title_rows_are_found_and_lines_still_count(store: Store, write) -> None:
    path = write("laporan.csv", REPORT.replace("Total;;;3;3.700.000\n", "F-03;kemarin;C1;1;5\n"))
    with pytest.raises(ImportRejected) as err:
        import_file(store, "order_lines", path, lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.row, issue.line, issue.column, issue.value) == (4, 8, "order_date", "kemarin")
    assert "3 lines above the header were skipped" in err.value.report.notes  # type: ignore[attr-defined]


def test_skip_rows_says_where_the_header_is(store: Store, write) -> None:
    text = "a;b\n" * 2 + REPORT.split("\n", 3)[3].replace("Total;;;3;3.700.000\n", "")
    report = import_file(store, "order_lines", write("x.csv", text), skip_rows=2, lang="en")
    assert report.rows_read == 2
    assert rows(store, "SELECT order_id, net_amount FROM order_lines ORDER BY 1") == [
        ("F-01", 2_500_000.0),
        ("F-02", 1_200_000.0),
    ]


def test_a_total_row_in_the_data_is_not_a_footer(store: Store, write) -> None:
    with pytest.raises(ImportRejected) as err:
        import_file(store, "order_lines", write("x.csv", REPORT), lang="en")
    kinds = {(e.row, e.column, e.kind) for e in err.value.report.errors}  # type: ignore[attr-defined]
    assert (4, "order_date", "missing_value") in kinds  # "Total" is a row: reported, not dropped


def test_footer_lines_at_the_end_are_left_out(store: Store, write) -> None:
    text = (
        "rep_id,name\nR1,Ani\nR2,Budi\n\n"
        '"Grand Totals (2 records)"\n\n'
        '"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
    )
    report = import_file(store, "reps", write("r.csv", text), lang="en")
    assert report.rows_read == 2
    assert report.notes == [
        "footer lines left out: Grand Totals (2 records) | Confidential Information - Do Not "
        "Distribute | Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
    ]


def test_footer_of_a_big_file_reads_only_the_tail(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "x,1\n" * 40_000 + '"Grand Totals (40000 records)"\n')
    footer = find_footer(path, ",")
    assert footer is not None and footer.lines == ["Grand Totals (40000 records)"]
    assert footer.offset == path.stat().st_size - len('"Grand Totals (40000 records)"\n')


def test_xlsx_title_rows_and_footer(store: Store, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "report.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Opportunities Report")
    sheet.write(1, 0, "As of 3/31/2026")
    sheet.write_row(3, 0, ["Opportunity ID", "Rep ID", "Created At", "Stage", "Amount"])
    sheet.write_row(4, 0, ["O1", "R1", "3/5/2026", "Won", 1234.5])
    sheet.write_row(5, 0, ["O2", "R2", "3/20/2026", "Open", 1.234])
    sheet.write_row(7, 0, ["Grand Totals (2 records)", None, None, None, 1235.734])
    sheet.write(9, 0, "Confidential Information - Do Not Distribute")
    book.close()
    report = import_file(store, "opportunities", path, lang="en")
    assert report.rows_read == 2 and report.warning_counts == {
        "unknown_reference": 2,
        "closed_without_date": 1,
    }
    # typed number cells are exact: 1.234 is one point two three four, no question
    assert rows(
        store, "SELECT opportunity_id, created_at_local, amount FROM opportunities ORDER BY 1"
    ) == [
        ("O1", dt.datetime(2026, 3, 5), 1234.5),
        ("O2", dt.datetime(2026, 3, 20), 1.234),
    ]
    assert [w.line for w in report.warnings if w.kind == "closed_without_date"] == [5]


def test_indonesian_csv_in_windows_1252_with_bom_lines(store: Store, write) -> None:
    text = (
        "Kode;Nama;Kategori;Harga Jual;HPP\r\n"
        "P-01;Kopi Gayo ’Premium’;Minuman;Rp 125.000;87.500,25\r\n"
        "P-02;Teh Melati;Minuman;Rp 1,5 jt;1.000.000\r\n"
    )
    mapping = write(
        "p.toml",
        'type = "products"\n[columns]\nproduct_id = "Kode"\nname = "Nama"\ncategory = "Kategori"\n'
        'list_price = "Harga Jual"\nunit_cost = "HPP"\n',
    )
    import_file(store, None, write("p.csv", text.encode("cp1252")), mapping=mapping)
    assert rows(store, "SELECT * EXCLUDE (_import_id) FROM products ORDER BY 1") == [
        ("P-01", "Kopi Gayo ’Premium’", "Minuman", 125_000.0, 87_500.25),
        ("P-02", "Teh Melati", "Minuman", 1_500_000.0, 1_000_000.0),
    ]


AMBIGUOUS = "lead_id,created_at\nL1,05/03/2026\nL2,06/03/2026\n"


def test_an_ambiguous_file_stops_with_a_question(store: Store, write) -> None:
    path = write("l.csv", AMBIGUOUS)
    with pytest.raises(ImportRejected) as err:
        import_file(store, "leads", path, lang="en")
    report = err.value.report  # type: ignore[attr-defined]
    [question] = report.questions
    assert (question.column, question.kind, question.examples) == (
        "created_at",
        "date_order",
        ["05/03/2026"],
    )
    assert [e.message for e in report.errors] == [
        "'05/03/2026' can be day first or month first",
        "'06/03/2026' can be day first or month first",
    ]
    assert rows(store, "SELECT count(*) FROM leads") == [(0,)]
    report = import_file(store, "leads", path, date_format="%d/%m/%Y")
    assert rows(store, "SELECT lead_id, created_at_local FROM leads ORDER BY 1") == [
        ("L1", dt.datetime(2026, 3, 5)),
        ("L2", dt.datetime(2026, 3, 6)),
    ]


def test_the_cli_asks_and_takes_the_answer(store: Store, write) -> None:
    path = write("l.csv", AMBIGUOUS)
    runner = CliRunner()
    base = ["--db", str(store.path), "import", "leads", str(path), "--lang", "en"]
    text = runner.invoke(app, base)
    assert text.exit_code == 1
    assert "Questions" in text.stdout and "--date-format '%m/%d/%Y'" in text.stdout
    as_json = runner.invoke(app, [*base, "--format", "json"])
    assert json.loads(as_json.stdout)["questions"][0]["options"] == [
        "--date-format '%d/%m/%Y'",
        "--date-format '%m/%d/%Y'",
    ]
    answered = runner.invoke(app, [*base, "--date-format", "%m/%d/%Y"])
    assert answered.exit_code == 0, answered.output
    assert rows(store, "SELECT created_at_local FROM leads ORDER BY 1")[0] == (
        dt.datetime(2026, 5, 3),
    )
    bad = runner.invoke(app, [*base, "--decimal", ";"])
    assert bad.exit_code == 1 and "--decimal must be ',' or '.'" in bad.stderr


def test_excel_damage_is_a_warning_in_text_and_an_error_in_numbers(store: Store, write) -> None:
    text = "customer_id,segment\nC1,May-20\nC2,01-May\nC3,retail\nC4,May-20\n"
    report = import_file(store, "customers", write("c.csv", text), lang="en")
    damage = [w for w in report.warnings if w.kind == "excel_damage"]
    assert [(w.row, w.line, w.value) for w in damage] == [(1, 2, "May-20"), (2, 3, "01-May")]
    assert damage[0].message == "'May-20' looks like 5-20 that Excel turned into a date (2 rows)"
    assert rows(store, "SELECT segment FROM customers WHERE customer_id = 'C1'") == [("May-20",)]
    with pytest.raises(ImportRejected) as err:
        import_file(
            store, "products", write("p.csv", "product_id,list_price\nP1,May-20\n"), lang="en"
        )
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert issue.kind == "excel_damage"
    assert (
        issue.message
        == "'May-20' is not a number: it looks like 5-20 that Excel turned into a date"
    )


@pytest.mark.parametrize(
    ("rows_", "hint", "expected"),
    [
        ([(0, ["Report"]), (2, ["a", "b"])], HeaderHint(known=frozenset({"a", "b"})), 2),
        ([(0, ["a", "x"]), (1, ["a", "b"])], HeaderHint(known=frozenset({"a", "b"})), 1),
        ([(0, ["x"]), (1, ["y"])], HeaderHint(known=frozenset({"a"})), 0),
        ([(0, ["Title"]), (1, ["a", "c"])], HeaderHint(wanted=frozenset({"a", "c"})), 1),
        ([(0, ["a", "b"]), (5, ["c"])], HeaderHint(skip_rows=3), 5),
    ],
)
def test_pick_header(rows_: list[tuple[int, list[str]]], hint: HeaderHint, expected: int) -> None:
    assert pick_header(rows_, hint) == expected


def test_typed_numbers_in_a_mixed_column_neither_vote_nor_bend(
    store: Store, tmp_path: Path
) -> None:
    """A workbook column of typed numbers and text cells: the text decides, numbers stay exact."""
    import xlsxwriter

    path = tmp_path / "mixed.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["product_id", "list_price"])
    sheet.write_row(1, 0, ["P1", 1234.5])  # a typed number: its text "1234.5" is exact
    sheet.write_row(2, 0, ["P2", "Rp 1.000"])  # typed as text: ambiguous on its own
    book.close()
    with pytest.raises(ImportRejected) as err:
        import_file(store, "products", path, lang="en")
    [question] = err.value.report.questions  # type: ignore[attr-defined]
    assert question.examples == ["Rp 1.000"]  # 1234.5 did not vote for a decimal point
    import_file(store, "products", path, decimal=",", lang="en")
    assert rows(store, "SELECT product_id, list_price FROM products ORDER BY 1") == [
        ("P1", 1234.5),
        ("P2", 1000.0),
    ]
