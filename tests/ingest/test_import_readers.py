"""Readers: CSV dialects and encodings, Excel (XLSX, XLS, sheets, typed cells), Parquet."""

from __future__ import annotations

import doctest
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pantau.errors import ImportRejected, InputFileError, UsageError
from pantau.ingest import csvtext, header, import_file, readers
from pantau.store import Store

from .helpers import DATA, rows, write_xlsx

LINES_HEADER = ["order_id", "order_date", "customer_id", "quantity", "net_amount"]


@pytest.mark.parametrize("module", [readers, csvtext, header])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def test_csv_utf8_bom_semicolon_crlf(store: Store, write) -> None:
    path = write("reps.csv", "\ufeffRep ID;Name;Region\r\n0042;Siti Rahayu;Sulawesi\r\n")
    report = import_file(store, "reps", path)
    assert report.columns == {"Rep ID": "rep_id", "Name": "name", "Region": "region"}
    assert rows(store, "SELECT rep_id, name, region FROM reps") == [
        ("0042", "Siti Rahayu", "Sulawesi")
    ]


def test_csv_cp1252_is_transcoded(store: Store, write) -> None:
    text = "product_id,name,list_price\nP1,Caf\u00e9 \u2019Gayo\u2019 \u20ac,10\n"
    path = write("products.csv", text.encode("cp1252"))
    import_file(store, "products", path)
    assert rows(store, "SELECT name FROM products") == [("Caf\u00e9 \u2019Gayo\u2019 \u20ac",)]


def test_csv_utf16_with_bom_is_transcoded(store: Store, write) -> None:
    path = write("reps.csv", "rep_id\tname\nR1\tDewi\n".encode("utf-16"))
    import_file(store, "reps", path)
    assert rows(store, "SELECT rep_id, name FROM reps") == [("R1", "Dewi")]


def test_tab_delimiter_and_header_spelling(store: Store, write) -> None:
    path = write("reps.csv", " REP-ID \tTeam\tNotes\tcolour\nR1\tA\tx\ty\n")
    report = import_file(store, "reps", path)
    assert report.ignored_columns == ["Notes", "colour"]
    assert "email" in report.missing_optional and "rep_id" not in report.missing_optional
    assert rows(store, "SELECT rep_id, team FROM reps") == [("R1", "A")]


def test_quoted_delimiters_and_line_breaks(store: Store, write) -> None:
    text = 'product_id,name\nP1,"Kopi, Teh\nand ""more"""\nP2,Gula\n'
    import_file(store, "products", write("p.csv", text))
    assert rows(store, "SELECT name FROM products ORDER BY 1") == [
        ("Gula",),
        ('Kopi, Teh\nand "more"',),
    ]


def test_blank_and_empty_rows_are_skipped(store: Store, write) -> None:
    report = import_file(store, "reps", write("r.csv", "rep_id,name\n\nR1,A\n,\n   ,\nR2,B\n"))
    assert report.rows_read == 2
    assert rows(store, "SELECT rep_id FROM reps ORDER BY 1") == [("R1",), ("R2",)]


def test_xlsx_named_sheet_typed_cells_and_sheet_rows(store: Store) -> None:
    report = import_file(store, "leads", DATA / "workbook.xlsx", sheet="leads", lang="en")
    got = rows(
        store, "SELECT lead_id, created_at_local, rep_id, first_contact_at_local, status FROM leads"
    )
    assert sorted(got) == [
        ("0812", datetime(2026, 3, 5), "7", datetime(2026, 3, 5, 14, 30), "open"),
        ("L2", datetime(2026, 3, 6, 8), "12", None, None),
    ]
    # the second lead is on sheet row 4 (row 3 is empty): the warning says so
    assert [(w.row, w.line, w.value) for w in report.warnings] == [(1, 2, "7"), (2, 4, "12")]


def test_xlsx_first_sheet_is_the_default(store: Store) -> None:
    with pytest.raises(InputFileError, match="required column"):
        import_file(store, "leads", DATA / "workbook.xlsx", lang="en")


def test_xlsx_booleans_and_integral_numbers(store: Store) -> None:
    import_file(store, "stages", DATA / "workbook.xlsx", sheet="Stages")
    assert rows(store, "SELECT stage, position, kind, qualified FROM stages ORDER BY 2") == [
        ("Won", 1, "won", True),
        ("Lost", 2, "lost", False),
    ]


def test_unknown_sheet_lists_the_sheets(store: Store) -> None:
    with pytest.raises(InputFileError) as err:
        import_file(store, "leads", DATA / "workbook.xlsx", sheet="Data", lang="en")
    assert "no sheet named 'Data'" in str(err.value)
    assert "Notes, Leads, Stages" in str(err.value)


def test_sheet_option_on_a_csv_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="--sheet"):
        import_file(store, "reps", DATA / "types" / "reps.csv", sheet="x", lang="en")


def test_xls(store: Store) -> None:
    import_file(store, "products", DATA / "products.xls")
    assert rows(
        store, "SELECT product_id, name, list_price, unit_cost FROM products ORDER BY 1"
    ) == [
        ("0012", "Kopi", 250000.0, 150000.5),
        ("P2", "Teh", 45000.0, None),
    ]


def test_xlsx_bad_cell_names_the_sheet_row(store: Store, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "opps.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["opportunity_id", "rep_id", "created_at", "stage"])
    sheet.write_row(1, 0, ["O1", "R1", "2026-01-05", "open"])
    sheet.write_row(4, 0, ["O2", "R1", "kemarin", "open"])
    book.close()
    with pytest.raises(ImportRejected) as err:
        import_file(store, "opportunities", path, lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.row, issue.line, issue.column, issue.value) == (2, 5, "created_at", "kemarin")


def test_parquet(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "lines.parquet"
    duckdb.sql(
        "COPY (SELECT 'SO1' AS order_id, TIMESTAMP '2026-03-05 10:00' AS order_date, "
        "'C1' AS customer_id, 3.0 AS quantity, 1000.5 AS unit_net_price, 7 AS line_no) "
        f"TO '{path}' (FORMAT parquet)"
    )
    import_file(store, "order_lines", path)
    got = rows(store, "SELECT line_no, order_date_local, quantity, net_amount FROM order_lines")
    assert got == [(7, datetime(2026, 3, 5, 10), 3.0, 3001.5)]


def test_sniffer_picks_the_most_frequent_delimiter() -> None:
    assert csvtext.sniff_delimiter("a;b;c") == ";"
    assert csvtext.sniff_delimiter("a\tb,c\td") == "\t"
    assert csvtext.sniff_delimiter('"x;y",b') == ","
    assert csvtext.sniff_delimiter("only") == ","


def test_xlsx_serial_dates_in_general_cells(store: Store, tmp_path: Path) -> None:
    # a date column whose cells are General-formatted numbers (an export, or a column the user
    # never formatted): Excel serial dates, read as the dates they stand for, beside a
    # date-formatted cell and a text date; a number that is no plausible serial stays an error
    import xlsxwriter

    path = tmp_path / "acts.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["activity_id", "rep_id", "type", "occurred_at"])
    sheet.write_row(1, 0, ["A1", "R1", "call", 46031])  # 2026-01-09
    sheet.write_row(2, 0, ["A2", "R1", "call", 46031.6041666667])  # 2026-01-09 14:30
    sheet.write_row(3, 0, ["A3", "R1", "call"])
    sheet.write_datetime(3, 3, datetime(2026, 1, 9, 8, 15), when)
    sheet.write_row(4, 0, ["A4", "R1", "call", "13/01/2026"])  # text, day first
    sheet.write_row(5, 0, ["A5", "R1", "call", "2026-01-14"])
    book.close()
    import_file(store, "activities", path, lang="en")
    got = rows(store, "SELECT activity_id, occurred_at_local FROM activities ORDER BY 1")
    assert got == [
        ("A1", datetime(2026, 1, 9)),
        ("A2", datetime(2026, 1, 9, 14, 30)),
        ("A3", datetime(2026, 1, 9, 8, 15)),
        ("A4", datetime(2026, 1, 13)),
        ("A5", datetime(2026, 1, 14)),
    ]

    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        LINES_HEADER,
        ["S1", 46031, "C1", 1, 100],
        ["S2", 42, "C1", 1, 100],  # 1900-02-11: long before any sales data
    )
    with pytest.raises(ImportRejected) as err:
        import_file(store, "order_lines", bad, lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.row, issue.column, issue.value) == (2, "order_date", "42")


def test_csv_numbers_are_not_serial_dates(store: Store, write) -> None:
    # in a CSV file there is no telling a serial date from a number typed into a date column
    path = write("acts.csv", "activity_id,rep_id,type,occurred_at\nA1,R1,call,46031\n")
    with pytest.raises(ImportRejected):
        import_file(store, "activities", path, lang="en")


SALESFORCE_CLASSIC_XLS = """\ufeff<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body>
<table><tr><td>Opportunity Pipeline</td></tr><tr><td>As of 30/11/2026 08:00</td></tr></table>
<table border="1">
<tr><th>Opportunity Owner</th><th>Opportunity Name</th><th>Opportunity ID</th>
    <th>Created Date</th><th>Stage</th><th>Amount</th><th>Account Name</th></tr>
<tr><td>Siti&nbsp;Rahayu</td><td>PT Maju &amp; Jaya<br>Phase 2</td><td>006A</td>
    <td>05/01/2026</td><td>Closed Won</td><td>1,500,000.00</td><td>Maju</td></tr>
<tr><td>Budi</td><td>CV Kopi</td><td>006B</td>
    <td>20/01/2026</td><td>Prospecting</td><td></td><td>Kopi</td></tr>
<tr><td colspan="5">Grand Totals (2 records)</td><td>1,500,000.00</td><td></td></tr>
</table>
<table><tr><td>Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.</td></tr>
<tr><td>Confidential Information - Do Not Distribute</td></tr></table>
</body></html>
"""


def test_salesforce_classic_html_xls(store: Store, tmp_path: Path) -> None:
    # Salesforce Classic's "Excel" export is an HTML table in a .xls file: read like a sheet
    path = tmp_path / "report1764489600000.xls"
    path.write_text(SALESFORCE_CLASSIC_XLS, encoding="utf-8")
    report = import_file(store, "opportunities", path, preset="salesforce", lang="en")
    assert report.rows_read == 2
    got = rows(store, "SELECT opportunity_id, rep_id, stage, amount, created_at_local "
                      "FROM opportunities ORDER BY 1")  # fmt: skip
    assert got == [
        ("006A", "Siti Rahayu", "won", 1500000.0, datetime(2026, 1, 5)),
        ("006B", "Budi", "Prospecting", None, datetime(2026, 1, 20)),
    ]


def test_html_tables_parser() -> None:
    tables = readers.html_tables(
        "<TABLE><tr><th>a</th><th colspan='2'>b &amp; <b>c</b></th></tr>"
        "<tr><td> x <br/>y&nbsp;</td><td><table><tr><td>inner</td></tr></table></td><td>z</td>"
        "<td>open"  # a document cut short
    )
    inner, outer = tables
    assert inner == [["inner"]]
    assert outer == [["a", "b & c", ""], ["x y", "", "z", "open"]]


def test_html_colspan_cannot_blow_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # a few bytes of colspan=999 per cell may not become gigabytes of cells
    monkeypatch.setattr(readers, "SPAN_BUDGET", 2_000)
    [table] = readers.html_tables("<table><tr>" + "<td colspan=999>x</td>" * 100 + "</table>")
    assert sum(len(row) for row in table) == 100 + 2_000
    # and a tag without its end does not make the scan quadratic (one pass, bounded tags)
    assert readers.html_tables("<table><tr>" + "<td" * 200_000) == [[[]]]


def test_an_xls_that_is_neither_a_workbook_nor_a_table(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table></table><p>no rows</p></body></html>")
    with pytest.raises(InputFileError, match="without a table of data"):
        import_file(store, "opportunities", path, lang="en")
    path.write_text("<html><body><p>Session expired, log in again</p></body></html>")
    with pytest.raises(InputFileError, match="not a readable Excel workbook"):
        import_file(store, "opportunities", path, lang="en")


def test_xlsx_number_dates_with_the_users_format_are_not_serials(
    store: Store, tmp_path: Path
) -> None:
    # --date-format says how the column is written: a number cell is read with it, never as a
    # serial date; and a bare year typed as a number is no serial date either
    path = write_xlsx(
        tmp_path / "lines.xlsx",
        LINES_HEADER,
        ["S1", 150124, "C1", 1, 100],
        ["S2", 310124, "C1", 1, 100],
    )
    import_file(store, "order_lines", path, date_format="%d%m%y", lang="en")
    assert rows(store, "SELECT order_id, order_date_local FROM order_lines ORDER BY 1") == [
        ("S1", datetime(2024, 1, 15)),
        ("S2", datetime(2024, 1, 31)),
    ]
    year = write_xlsx(tmp_path / "year.xlsx", LINES_HEADER, ["S3", 2024, "C1", 1, 100])
    with pytest.raises(ImportRejected) as err:
        import_file(store, "order_lines", year, lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.column, issue.value) == ("order_date", "2024")
