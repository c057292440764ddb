"""``pantau import``, ``pantau imports`` and ``pantau template`` through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.ingest import import_file
from pantau.store import Store

from .helpers import TYPES, rows

runner = CliRunner()


def pantau(store: Store, *args: str):
    return runner.invoke(app, ["--db", str(store.path), *map(str, args)])


def test_import_text_report(store: Store) -> None:
    result = pantau(store, "import", "reps", TYPES / "reps.csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "reps.csv: 2 rows of reps imported (2 new, 0 updated), 0 warnings" in result.stdout
    assert rows(store, "SELECT count(*) FROM reps") == [(2,)]


def test_import_json_report(store: Store) -> None:
    result = pantau(
        store, "import", "opportunities", TYPES / "opportunities.csv", "--format", "json"
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["status"] == "ok" and report["inserted"] == 2
    assert report["warning_counts"]["unknown_reference"] >= 1
    assert {"row", "line", "column", "value", "message", "suggestion"} <= set(report["warnings"][0])


def test_rejected_import_prints_the_report_and_exits_1(store: Store, write) -> None:
    bad = write("l.csv", "lead_id,created_at\nL1,2026-01-01\nL2,besok\n")
    result = pantau(store, "import", "leads", bad, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "rejected"
    assert report["errors"][0] | {"message": ""} == {
        "level": "error",
        "kind": "bad_timestamp",
        "row": 2,
        "line": 3,
        "column": "created_at",
        "value": "besok",
        "message": "",
        "suggestion": "write YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2026-03-05 14:30",
    }
    text = pantau(store, "import", "leads", bad)
    assert text.exit_code == 1
    assert "ditolak" in text.stdout and "'besok' bukan tanggal/waktu" in text.stdout


def test_imports_log(store: Store, write) -> None:
    import_file(store, "reps", TYPES / "reps.csv", user="ani")
    pantau(store, "import", "leads", write("l.csv", "lead_id,created_at\nL1,x\n"))
    result = pantau(store, "imports", "--format", "json")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert [(e["import_id"], e["record_type"], e["status"]) for e in log] == [
        (2, "leads", "rejected"),
        (1, "reps", "ok"),
    ]
    assert log[1]["username"] == "ani" and len(log[1]["checksum"]) == 64
    assert log[0]["rejected"] == 1 and log[0]["file_name"] == "l.csv"
    text = pantau(store, "imports", "--lang", "en")
    assert text.exit_code == 0 and "Imports" in text.stdout and "l.csv" in text.stdout


def test_template_csv_to_stdout_and_file(store: Store, tmp_path: Path) -> None:
    result = pantau(store, "template", "sales_costs", "--output", "-")
    assert result.stdout == "month,category,amount,rep_id,team\n"
    target = tmp_path / "t.csv"
    assert pantau(store, "template", "order-lines", "--output", target).exit_code == 0
    assert target.read_text().startswith("order_id,line_no,order_date,customer_id,")


def test_filled_xlsx_template_imports(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "opps.xlsx"
    assert pantau(store, "template", "opportunities", "--xlsx", "--output", target).exit_code == 0
    book = load_workbook(target)
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:4] == ["opportunity_id", "rep_id", "created_at", "stage"]
    assert "required" in str(sheet["A1"].comment.text)
    sheet.append(["O9", "R1", "2026-05-01", "open"])
    book.save(target)
    result = pantau(store, "import", "opportunities", target, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert rows(store, "SELECT opportunity_id FROM opportunities") == [("O9",)]


def test_template_unknown_type(store: Store) -> None:
    result = pantau(store, "template", "deals")
    assert result.exit_code == 1 and "unknown record type 'deals'" in result.stderr


def test_cli_targets_import_logs_each_changed_target(store: Store, write) -> None:
    head = "kpi,period,target,scope,scope_id\n"
    first = write(
        "targets-1.csv",
        head + "revenue,2026-Q1,1500000000,,\n"
        "revenue,2026-03,500000000,rep,007\n"
        "win_rate,2026,0.35,Team,Jakarta A\n",
    )
    assert pantau(store, "import", "targets", first).exit_code == 0
    logged = "SELECT kpi, period, scope, scope_id, old_target, new_target, username, via, reason "
    logged += "FROM target_changes WHERE change_id > ? ORDER BY change_id"
    user = rows(store, "SELECT username FROM imports WHERE import_id = 1")[0][0]
    via = "file targets-1.csv (import #1)"
    assert rows(store, logged, [0]) == [  # three new targets: no old value
        ("revenue", "2026-03", "rep", "007", None, 500000000.0, user, via, None),
        ("revenue", "2026-Q1", "company", None, None, 1500000000.0, user, via, None),
        ("win_rate", "2026", "team", "Jakarta A", None, 0.35, user, via, None),
    ]
    # one target changed, one new, two as they were (one of them not in the file at all)
    second = write(
        "targets-2.csv",
        head + "revenue,2026-Q1,1500000000,,\n"
        "revenue,2026-03,650000000,rep,007\n"
        "revenue,2026-04,700000000,rep,007\n",
    )
    result = pantau(store, "import", "targets", second, "--lang", "en")
    assert result.exit_code == 0, result.output
    via = "file targets-2.csv (import #2)"
    assert rows(store, logged, [3]) == [
        ("revenue", "2026-03", "rep", "007", 500000000.0, 650000000.0, user, via, None),
        ("revenue", "2026-04", "rep", "007", None, 700000000.0, user, via, None),
    ]
    # the same file again changes nothing, so nothing is logged
    assert pantau(store, "import", "targets", second).exit_code == 0
    assert rows(store, "SELECT count(*) FROM target_changes") == [(5,)]


def test_cli_import_of_other_records_logs_no_target_changes(store: Store) -> None:
    assert pantau(store, "import", "reps", TYPES / "reps.csv").exit_code == 0
    assert rows(store, "SELECT count(*) FROM target_changes") == [(0,)]
