"""Presets: one small export per CRM with the real header wording, imported, rows asserted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import ImportRejected, InputFileError, UsageError
from pantau.ingest import import_file
from pantau.ingest.presets import NAMES, describe, variants
from pantau.ingest.report import ImportReport
from pantau.store import Store

from .helpers import DATA, rows

PRESETS = DATA / "presets"
D = dt.datetime


def load(store: Store, preset: str, file: str, record_type: str | None = None) -> ImportReport:
    return import_file(store, record_type, PRESETS / preset / file, preset=preset, lang="en")


def table(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return rows(store, sql)


OPP = (
    "SELECT opportunity_id, rep_id, created_at_local, stage, customer_id, amount, closed_at_local "
    "FROM opportunities ORDER BY 1"
)


# -- HubSpot -----------------------------------------------------------------------------------
def test_hubspot_deals(store: Store) -> None:
    report = load(store, "hubspot", "deals.csv")
    assert (report.record_type, report.via) == ("opportunities", "preset hubspot/deals")
    assert table(store, OPP) == [
        ("9001", "Siti Rahayu", D(2026, 2, 1, 9), "won", "5001", 15_000_000.0, D(2026, 3, 20, 10)),
        # open: its "Close Date" is an expected date, not a close
        (
            "9002",
            "Budi Santoso",
            D(2026, 3, 2, 11, 30),
            "Appointment Scheduled",
            "5003",
            8_000_000.0,
            None,
        ),
        ("9003", "Siti Rahayu", D(2026, 1, 10), "lost", None, None, D(2026, 3, 15)),
    ]
    assert table(store, "SELECT lead_id FROM opportunities ORDER BY opportunity_id") == [
        ("7001",),
        (None,),
        ("7002",),
    ]


def test_hubspot_date_entered_columns_become_stage_history(store: Store) -> None:
    report = load(store, "hubspot", "deals.csv", "stage_history")
    assert report.via == "preset hubspot/deal_stages" and report.ignored_columns == []
    assert table(
        store, "SELECT * EXCLUDE (_import_id, entered_at) FROM stage_history ORDER BY 1, 3"
    ) == [
        ("9001", "Appointment Scheduled", D(2026, 2, 1, 9)),
        ("9001", "won", D(2026, 3, 20, 10)),
        ("9002", "Appointment Scheduled", D(2026, 3, 2, 11, 30)),
        ("9003", "Appointment Scheduled", D(2026, 1, 10)),
        ("9003", "lost", D(2026, 3, 15)),
    ]


def test_hubspot_stage_history_errors_name_the_cell_column(store: Store, tmp_path: Path) -> None:
    text = (
        (PRESETS / "hubspot" / "deals.csv").read_text().replace(",2026-03-20 10:00,\n", ",besok,\n")
    )
    path = tmp_path / "deals.csv"
    path.write_text(text)
    with pytest.raises(ImportRejected) as err:
        import_file(store, "stage_history", path, preset="hubspot", lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.row, issue.line, issue.value) == (1, 2, "besok")
    assert issue.column == 'Date entered "Closed Won (Sales Pipeline)"'


def test_hubspot_contacts_as_leads(store: Store) -> None:
    load(store, "hubspot", "contacts.csv")
    assert table(
        store,
        "SELECT lead_id, rep_id, source, customer_id, status, qualified_at_local "
        "FROM leads ORDER BY 1",
    ) == [
        ("7001", "Siti Rahayu", "Organic Search", "5001", "converted", D(2026, 1, 20, 10)),
        ("7002", "Siti Rahayu", "Paid Search", None, "disqualified", None),
        ("7003", "Budi Santoso", "Referrals", "5003", "qualified", D(2026, 2, 20, 16, 45)),
    ]


ACT = (
    "SELECT activity_id, rep_id, type, occurred_at_local, status, lead_id, opportunity_id, "
    "customer_id FROM activities ORDER BY 1"
)


def test_hubspot_calls_and_meetings_as_activities(store: Store) -> None:
    assert load(store, "hubspot", "calls.csv").via == "preset hubspot/calls"
    assert load(store, "hubspot", "meetings.csv").via == "preset hubspot/meetings"
    assert table(store, ACT) == [
        ("30001", "Siti Rahayu", "call", D(2026, 2, 2, 9, 15), "done", "7001", "9001", "5001"),
        ("30002", "Budi Santoso", "call", D(2026, 2, 3, 10), "done", "7003", None, "5003"),
        ("40001", "Siti Rahayu", "meeting", D(2026, 2, 10, 13), "done", "7001", "9001", None),
        ("40002", "Budi Santoso", "meeting", D(2026, 3, 5, 10), "planned", "7003", "9002", None),
        ("40003", "Budi Santoso", "meeting", D(2026, 4, 1, 9), "planned", "7003", "9002", None),
    ]


@pytest.mark.parametrize(
    ("preset", "file", "expected"),
    [
        (
            "hubspot",
            "deals.csv",
            [("Budi Santoso", "Budi Santoso"), ("Siti Rahayu", "Siti Rahayu")],
        ),
        (
            "salesforce",
            "Opportunity.csv",
            [("0055g00000Own01AAA", None), ("0055g00000Own02AAA", None)],
        ),
        (
            "pipedrive",
            "activities.csv",
            [("Budi Santoso", "Budi Santoso"), ("Siti Rahayu", "Siti Rahayu")],
        ),
        (
            "odoo",
            "sale_order_line_labels.csv",
            [("Budi Santoso", "Budi Santoso"), ("Siti Rahayu", "Siti Rahayu")],
        ),
        (
            "zoho",
            "deals.csv",
            [("4876876000000201001", "Siti Rahayu"), ("4876876000000201002", "Budi Santoso")],
        ),
    ],
)
def test_owners_become_reps(
    store: Store, preset: str, file: str, expected: list[tuple[str, Any]]
) -> None:
    report = load(store, preset, file, "reps")
    assert report.warning_counts.get("duplicate_key") is None  # one row per owner
    assert table(store, "SELECT rep_id, name FROM reps ORDER BY 1") == expected


# -- Salesforce --------------------------------------------------------------------------------
def test_salesforce_report_with_labels_and_footer(store: Store) -> None:
    report = load(store, "salesforce", "opportunity_report.csv")
    assert report.formats["Close Date"] == "month first (12/31/2026)"
    assert report.formats["Amount"] == "decimal point (1,234,567.5)"
    assert report.notes[0].startswith(
        "footer lines left out: Grand Totals (3 records) | Confidential"
    )
    assert table(store, OPP) == [
        (
            "0065g00000AbCdEAA1",
            "Dewi Lestari",
            D(2026, 1, 14),
            "won",
            "PT Nusantara Retail",
            120_000_000.0,
            D(2026, 3, 28),
        ),
        (
            "0065g00000AbCdFAA1",
            "Dewi Lestari",
            D(2026, 2, 3),
            "Negotiation/Review",
            "CV Makmur",
            45_500_000.0,
            None,
        ),
        (
            "0065g00000AbCdGAA1",
            "Agus Pratama",
            D(2026, 2, 20),
            "lost",
            "PT Sinar Jaya",
            8_000_000.0,
            D(2026, 3, 15),
        ),
    ]


def test_salesforce_api_names_and_won_closed_flags(store: Store) -> None:
    load(store, "salesforce", "Opportunity.csv")
    got = table(
        store,
        "SELECT opportunity_id, rep_id, created_at, stage, customer_id, closed_at_local "
        "FROM opportunities ORDER BY 1",
    )
    assert got == [
        # custom stage names ("Signed", "Dropped"): IsWon / IsClosed decide; CreatedDate is UTC
        (
            "0065g00000AbCdEAA1",
            "0055g00000Own01AAA",
            D(2026, 1, 14, 2, 15),
            "won",
            "0015g00000XyZ01AAA",
            D(2026, 3, 28),
        ),
        (
            "0065g00000AbCdFAA1",
            "0055g00000Own01AAA",
            D(2026, 2, 3, 3),
            "Negotiation/Review",
            "0015g00000XyZ02AAA",
            None,
        ),
        (
            "0065g00000AbCdGAA1",
            "0055g00000Own02AAA",
            D(2026, 2, 20, 7, 30),
            "lost",
            "0015g00000XyZ03AAA",
            D(2026, 3, 15),
        ),
    ]


def test_salesforce_opportunity_history_keeps_stage_changes(store: Store) -> None:
    report = load(store, "salesforce", "OpportunityHistory.csv")
    assert report.record_type == "stage_history"
    assert report.notes == ["1 history rows were no stage change and were left out"]
    assert table(store, "SELECT stage, entered_at FROM stage_history ORDER BY 2") == [
        ("Prospecting", D(2026, 1, 14, 2, 15)),
        ("Negotiation/Review", D(2026, 3, 2, 6)),
        ("won", D(2026, 3, 28, 8, 45)),
    ]


def test_salesforce_lead_report(store: Store) -> None:
    load(store, "salesforce", "lead_report.csv")
    assert table(
        store, "SELECT lead_id, created_at_local, source, rep_id, status FROM leads ORDER BY 1"
    ) == [
        ("00Q5g00000Ld001AAA", D(2026, 1, 5), "Web", "Dewi Lestari", "converted"),
        ("00Q5g00000Ld002AAA", D(2026, 1, 13), "Cold Call", "Agus Pratama", "open"),
        ("00Q5g00000Ld003AAA", D(2026, 2, 2), "Partner", "Agus Pratama", "disqualified"),
    ]


def test_salesforce_tasks_by_id_prefix(store: Store) -> None:
    load(store, "salesforce", "Task.csv")
    assert table(store, ACT) == [
        (
            "00T5g00000Tk001AAA",
            "0055g00000Own01AAA",
            "call",
            D(2026, 1, 6),
            "done",
            "00Q5g00000Ld001AAA",
            "0065g00000AbCdEAA1",
            None,
        ),
        # WhatId 001… is an account, not an opportunity; no type: a task
        (
            "00T5g00000Tk002AAA",
            "0055g00000Own02AAA",
            "task",
            D(2026, 3, 20),
            "planned",
            None,
            None,
            "0015g00000XyZ03AAA",
        ),
    ]


# -- Pipedrive ---------------------------------------------------------------------------------
def test_pipedrive_deals_status_decides_won_and_lost(store: Store) -> None:
    load(store, "pipedrive", "deals.csv")
    assert table(store, OPP) == [
        (
            "101",
            "Siti Rahayu",
            D(2026, 2, 1, 9),
            "won",
            "Toko Maju",
            15_000_000.0,
            D(2026, 3, 20, 10),
        ),
        (
            "102",
            "Budi Santoso",
            D(2026, 3, 2, 11, 30),
            "Proposal Made",
            "CV Makmur",
            4_500_000.0,
            None,
        ),
        ("103", "Siti Rahayu", D(2026, 1, 10, 8), "lost", "PT Abadi", 0.0, D(2026, 3, 15, 16)),
    ]
    assert table(store, "SELECT lost_reason FROM opportunities WHERE opportunity_id = '103'") == [
        ("Price too high",)
    ]


def test_pipedrive_older_wording(store: Store) -> None:
    load(store, "pipedrive", "deals_older.csv")
    assert table(
        store,
        "SELECT opportunity_id, created_at_local, stage, amount, closed_at_local "
        "FROM opportunities ORDER BY 1",
    ) == [
        ("201", D(2026, 4, 1), "Contact Made", 2_500_000.0, None),
        ("202", D(2026, 3, 3), "won", 3_750_000.0, D(2026, 4, 10)),
    ]


def test_pipedrive_activities_due_date_and_time(store: Store) -> None:
    load(store, "pipedrive", "activities.csv")
    assert table(
        store,
        "SELECT activity_id, type, occurred_at_local, status, opportunity_id "
        "FROM activities ORDER BY 1",
    ) == [
        ("501", "call", D(2026, 2, 2, 9, 15), "done", "101"),
        ("502", "meeting", D(2026, 2, 10), "done", "101"),
        ("503", "task", D(2026, 7, 1), "planned", "102"),
    ]


# -- Odoo --------------------------------------------------------------------------------------
def test_odoo_crm_lead_label_export(store: Store) -> None:
    load(store, "odoo", "crm_lead_labels.csv")
    assert table(store, OPP) == [
        (
            "12",
            "Siti Rahayu",
            D(2026, 2, 1, 2),
            "won",
            "Toko Maju",
            15_000_000.0,
            D(2026, 3, 20, 3),
        ),
        ("13", "Budi Santoso", D(2026, 3, 2, 4, 30), "Proposition", "CV Makmur", 4_500_000.0, None),
        # archived with a lost reason: lost (Odoo keeps the stage it was in)
        (
            "14",
            "Siti Rahayu",
            D(2026, 1, 10, 1),
            "lost",
            "PT Abadi",
            8_000_000.0,
            D(2026, 3, 15, 9),
        ),
    ]


def test_odoo_crm_lead_import_compatible_export(store: Store) -> None:
    load(store, "odoo", "crm_lead_technical.csv")
    assert table(
        store, "SELECT opportunity_id, rep_id, stage, customer_id FROM opportunities ORDER BY 1"
    ) == [
        (
            "__export__.crm_lead_12_9f1c2a3b",
            "base.user_admin",
            "won",
            "__export__.res_partner_41_aa11bb22",
        ),
        (
            "__export__.crm_lead_13_7d2e4f5a",
            "__export__.res_users_7_ee55ff66",
            "Proposition",
            "__export__.res_partner_42_cc33dd44",
        ),
    ]


LINES = (
    "SELECT order_id, line_no, order_date_local, customer_id, product_id, quantity, "
    "unit_net_price, unit_list_price, discount, net_amount, status FROM order_lines ORDER BY 1, 2"
)


@pytest.mark.parametrize("file", ["sale_order_line_labels.csv", "sale_order_line_technical.csv"])
def test_odoo_sale_order_lines(store: Store, file: str) -> None:
    load(store, "odoo", file)
    got = table(store, LINES)
    assert got[0] == (
        "S00041",
        1,
        D(2026, 3, 5, 10, 12),
        "Toko Maju",
        "[POS-01] POS Terminal",
        2.0,
        6_750_000.0,
        7_500_000.0,
        0.1,
        13_500_000.0,
        "confirmed",
    )
    if file.endswith("labels.csv"):
        assert got[2] == (
            "S00042",
            1,
            D(2026, 3, 7, 15, 40),
            "CV Makmur",
            "[POS-01] POS Terminal",
            1.0,
            7_500_000.0,
            7_500_000.0,
            0.0,
            7_500_000.0,
            "cancelled",
        )
    else:
        assert got[1][:2] == ("S00043", 1) and got[1][8:] == (0.05, 21_375_000.0, "confirmed")


def test_odoo_quotation_lines_are_left_out_and_other_states_refused(
    store: Store, tmp_path: Path
) -> None:
    text = (PRESETS / "odoo" / "sale_order_line_technical.csv").read_text()
    (tmp_path / "lines.csv").write_text(text.replace(",done\n", ",draft\n"))
    report = import_file(store, None, tmp_path / "lines.csv", preset="odoo", lang="en")
    assert report.rows_read == 1 and report.notes == ["1 rows left out by [skip] of the mapping"]
    (tmp_path / "lines.csv").write_text(text.replace(",done\n", ",shipped\n"))
    with pytest.raises(ImportRejected) as err:
        import_file(store, None, tmp_path / "lines.csv", preset="odoo", lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.column, issue.value, issue.kind) == ("state", "shipped", "bad_enum")


# -- Zoho --------------------------------------------------------------------------------------
def test_zoho_deals_lookup_ids_without_prefix(store: Store) -> None:
    load(store, "zoho", "deals.csv")
    assert table(store, OPP) == [
        (
            "4876876000000310001",
            "4876876000000201001",
            D(2026, 2, 1, 9),
            "won",
            "4876876000000101001",
            15_000_000.0,
            D(2026, 3, 20),
        ),
        (
            "4876876000000310002",
            "4876876000000201002",
            D(2026, 3, 2, 11, 30),
            "Negotiation/Review",
            "4876876000000101002",
            4_500_000.0,
            None,
        ),
        (
            "4876876000000310003",
            "4876876000000201001",
            D(2026, 1, 10, 8),
            "lost",
            "4876876000000101003",
            8_000_000.0,
            D(2026, 3, 15),
        ),
    ]


# -- choosing and failing ----------------------------------------------------------------------
def test_a_file_that_is_not_that_export(store: Store) -> None:
    calls = PRESETS / "hubspot" / "calls.csv"
    with pytest.raises(InputFileError, match="does not look like a zoho export") as err:
        import_file(store, None, calls, preset="zoho", lang="en")
    assert "Zoho CRM deals export: Deal Name, Stage, Deal Owner" in str(err.value)


def test_a_required_column_missing_from_the_export(store: Store, tmp_path: Path) -> None:
    text = (PRESETS / "zoho" / "deals.csv").read_text().replace("Created Time", "Modified Time")
    (tmp_path / "deals.csv").write_text(text)
    with pytest.raises(InputFileError) as err:
        import_file(store, None, tmp_path / "deals.csv", preset="zoho", lang="en")
    assert str(err.value) == (
        f"{tmp_path / 'deals.csv'}: required column(s) missing for opportunities: created_at — "
        "add them to the Zoho CRM deals export: Created Time / Created_Time"
    )


def test_unknown_preset_and_missing_variant(store: Store) -> None:
    with pytest.raises(UsageError, match="unknown preset 'sap'; use one of: hubspot, salesforce"):
        import_file(store, None, PRESETS / "zoho" / "deals.csv", preset="sap", lang="en")
    with pytest.raises(UsageError, match="the zoho preset has no export of targets"):
        import_file(store, "targets", PRESETS / "zoho" / "deals.csv", preset="zoho", lang="en")


def test_stage_history_needs_date_entered_columns(store: Store) -> None:
    contacts = PRESETS / "hubspot" / "contacts.csv"
    with pytest.raises(InputFileError, match="does not look like a hubspot export"):
        import_file(store, "stage_history", contacts, preset="hubspot", lang="en")
    text = "Record ID,Deal Name,Deal Stage\n1,A,Closed Won\n"
    (store.path.parent / "d.csv").write_text(text)
    with pytest.raises(UsageError, match="no 'Date entered"):
        import_file(
            store, "stage_history", store.path.parent / "d.csv", preset="hubspot", lang="en"
        )


def test_every_variant_loads_and_is_listed() -> None:
    listed = describe()
    assert {p for p, *_ in listed} == set(NAMES)
    assert sum(len(variants(name)) for name in NAMES) == len(listed)
    result = CliRunner().invoke(app, ["mapping", "presets"])
    assert result.exit_code == 0 and "deal_stages" in result.stdout


def test_cli_preset_without_type(store: Store) -> None:
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(store.path),
            "import",
            str(PRESETS / "pipedrive" / "deals.csv"),
            "--preset",
            "pipedrive",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 rows of opportunities imported" in result.stdout
    assert "Read with preset pipedrive/deals" in result.stdout
