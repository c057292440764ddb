"""Warnings: unknown references with a close match, and the plausibility rules."""

from __future__ import annotations

import pytest

from pantau.ingest import checks, import_file
from pantau.store import Store

from .helpers import DATA, TYPES, rows

MAVEN = DATA / "maven"


@pytest.fixture
def maven(store: Store) -> Store:
    for name in ("reps", "customers", "products"):
        assert import_file(store, name, MAVEN / f"{name}.csv").warnings == []
    return store


def test_maven_shaped_files_with_did_you_mean(maven: Store) -> None:
    report = import_file(maven, "opportunities", MAVEN / "opportunities.csv", lang="en")
    assert report.ok and report.inserted == 4
    refs = [w for w in report.warnings if w.kind == "unknown_reference"]
    assert [(w.row, w.line, w.column, w.value, w.suggestion) for w in refs] == [
        (2, 3, "product_id", "GTXPro", "GTX Pro")
    ]
    assert refs[0].message == "product 'GTXPro' not found — did you mean 'GTX Pro'? (2 rows)"
    # the fallback stage names (no stages loaded): Won/Lost are closed, "Engaging" is open
    assert report.warning_counts == {"unknown_reference": 1}
    assert rows(
        maven, "SELECT product_id FROM opportunities WHERE opportunity_id = 'Z063OYW0'"
    ) == [("GTXPro",)]


def test_did_you_mean_in_indonesian_and_stored(maven: Store) -> None:
    report = import_file(maven, "opportunities", MAVEN / "opportunities.csv", lang="id")
    [ref] = [w for w in report.warnings if w.kind == "unknown_reference"]
    assert ref.message == (
        "produk 'GTXPro' tidak ditemukan — mungkin maksud Anda 'GTX Pro'? (2 baris)"
    )
    stored = rows(
        maven,
        "SELECT level, kind, value FROM import_issues WHERE import_id = ?",
        [report.import_id],
    )
    assert stored == [("warning", "unknown_reference", "GTXPro")]
    assert rows(maven, "SELECT warnings FROM imports WHERE import_id = ?", [report.import_id]) == [
        (1,)
    ]


def test_reference_to_same_file_counts_as_known(store: Store, write) -> None:
    text = "customer_id,parent_id\nC2,C1\nC1,\nC3,C9\n"
    report = import_file(store, "customers", write("c.csv", text), lang="en")
    assert [(w.value, w.message) for w in report.warnings] == [("C9", "customer 'C9' not found")]


def test_opportunity_rules(store: Store, write) -> None:
    text = (
        "opportunity_id,rep_id,created_at,stage,amount,closed_at\n"
        "O1,R,2026-03-05 10:00,Won,100,2026-03-05 16:00\n"  # short cycle
        "O2,R,2026-03-05,Won,,2026-03-20\n"  # won without amount
        "O3,R,2026-03-05,closed lost,,\n"  # closed without date
        "O4,R,2026-03-05,open,,2026-03-01\n"  # close before create
        "O5,R,2026-03-05,menang,10,2026-04-01\n"  # fine
    )
    report = import_file(store, "opportunities", write("o.csv", text), lang="en")
    got = {(w.kind, w.row, w.column) for w in report.warnings if w.kind != "unknown_reference"}
    assert got == {
        ("short_cycle", 1, "closed_at"),
        ("won_without_amount", 2, "amount"),
        ("closed_without_date", 3, "closed_at"),
        ("close_before_create", 4, "closed_at"),
    }
    short = next(w for w in report.warnings if w.kind == "short_cycle")
    assert short.value == "2026-03-05 16:00:00"  # local time, as the user wrote it


def test_unknown_stage_when_stages_are_loaded(store: Store, write) -> None:
    import_file(store, "stages", TYPES / "stages.csv")
    text = (
        "opportunity_id,rep_id,created_at,stage\nO1,R,2026-01-01,proposal\nO2,R,2026-01-01,Nego\n"
    )
    report = import_file(store, "opportunities", write("o.csv", text), lang="en")
    [stage] = [w for w in report.warnings if w.kind == "unknown_stage"]
    assert (stage.row, stage.value) == (2, "Nego")
    assert "counts as open" in stage.message


def test_contact_before_creation(store: Store, write) -> None:
    text = "lead_id,created_at,first_contact_at\nL1,2026-03-05,2026-03-04 09:00\nL2,2026-03-05,\n"
    report = import_file(store, "leads", write("l.csv", text), lang="en")
    assert [(w.kind, w.row) for w in report.warnings] == [("contact_before_creation", 1)]


def test_issue_cap_keeps_counts_exact(store: Store, write, monkeypatch) -> None:
    monkeypatch.setattr(checks, "ISSUE_CAP", 3)
    body = "".join(f"L{i},2026-03-05,2026-03-01\n" for i in range(10))
    report = import_file(
        store, "leads", write("l.csv", "lead_id,created_at,first_contact_at\n" + body)
    )
    assert report.warning_counts == {"contact_before_creation": 10}
    assert len(report.warnings) == 3
    assert rows(store, "SELECT warnings FROM imports") == [(10,)]
    assert rows(store, "SELECT count(*) FROM import_issues") == [(3,)]
