"""Upsert by natural key, duplicates in a file, and all-or-nothing rejection."""

from __future__ import annotations

import csv
import functools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.errors import ImportRejected
from pantau.ingest import ImportReport, import_file
from pantau.store import Store

from .helpers import TYPES, rows, snapshot


def rejected(store: Store, kind: str, path: Path, lang: str = "en") -> ImportReport:
    with pytest.raises(ImportRejected) as err:
        import_file(store, kind, path, lang=lang)
    report = err.value.report
    assert isinstance(report, ImportReport)
    return report


def test_reimport_changes_nothing_and_counts_updates(store: Store) -> None:
    first = import_file(store, "order_lines", TYPES / "order_lines.csv")
    before = snapshot(store)
    second = import_file(store, "order_lines", TYPES / "order_lines.csv")
    after = snapshot(store)
    assert (first.inserted, first.updated) == (3, 0)
    assert (second.inserted, second.updated) == (0, 3)
    assert {k: v for k, v in after.items() if k != "_version"} == {
        k: v for k, v in before.items() if k != "_version"
    }
    assert rows(store, "SELECT count(*) FROM imports WHERE status = 'ok'") == [(2,)]


def test_changed_row_replaces_the_stored_one(store: Store, write) -> None:
    import_file(store, "products", write("a.csv", "product_id,list_price\nP1,10\nP2,20\n"))
    report = import_file(store, "products", write("b.csv", "product_id,list_price\nP2,25\nP3,30\n"))
    assert (report.inserted, report.updated) == (1, 1)
    assert rows(store, "SELECT product_id, list_price FROM products ORDER BY 1") == [
        ("P1", 10.0),
        ("P2", 25.0),
        ("P3", 30.0),
    ]


def test_keys_with_empty_parts_match(store: Store) -> None:
    import_file(store, "sales_costs", TYPES / "sales_costs.csv")
    report = import_file(store, "sales_costs", TYPES / "sales_costs.csv")
    assert report.updated == 3
    assert rows(store, "SELECT count(*) FROM sales_costs") == [(3,)]


def test_duplicate_key_in_file_later_row_wins(store: Store, write) -> None:
    path = write("r.csv", "rep_id,name\nR1,First\nR2,Other\nR1,Second\nR1,Third\n")
    report = import_file(store, "reps", path, lang="en")
    assert rows(store, "SELECT rep_id, name FROM reps ORDER BY 1") == [
        ("R1", "Third"),
        ("R2", "Other"),
    ]
    assert report.inserted == 2 and report.warning_counts == {"duplicate_key": 2}
    assert [(w.kind, w.row, w.line) for w in report.warnings] == [
        ("duplicate_key", 1, 2),
        ("duplicate_key", 3, 4),
    ]
    assert "row 4" in report.warnings[0].message


def test_line_no_defaults_to_position_within_order(store: Store, write) -> None:
    text = (
        "order_id,order_date,customer_id,quantity,net_amount\n"
        "A,2026-01-01,C,1,10\nB,2026-01-01,C,1,20\nA,2026-01-01,C,1,30\n"
    )
    import_file(store, "order_lines", write("o.csv", text))
    assert rows(store, "SELECT order_id, line_no, net_amount FROM order_lines ORDER BY 1, 2") == [
        ("A", 1, 10.0),
        ("A", 2, 30.0),
        ("B", 1, 20.0),
    ]


def test_rows_without_created_at_reject_the_whole_file(store: Store, write) -> None:
    import_file(store, "leads", TYPES / "leads.csv")
    before = snapshot(store)
    text = (
        "lead_id,created_at,source\n"
        "N1,2026-04-01,web\n"
        "N2,,web\n"
        'N3,2026-04-02,"multi\nline"\n'
        "N4,  ,fair\n"
    )
    report = rejected(store, "leads", write("leads.csv", text))
    assert snapshot(store) == before
    assert [(e.row, e.line, e.column, e.kind) for e in report.errors] == [
        (2, 3, "created_at", "missing_value"),
        (4, 6, "created_at", "missing_value"),
    ]
    assert report.errors[0].message == "created_at is required but empty"
    assert (report.rows_read, report.rejected, report.status) == (4, 2, "rejected")
    log = rows(
        store, "SELECT status, rows_read, rejected, inserted FROM imports ORDER BY import_id"
    )
    assert log[-1] == ("rejected", 4, 2, 0)
    issues = rows(
        store,
        "SELECT row_number, line_number, column_name FROM import_issues "
        "WHERE import_id = ? ORDER BY 1",
        [report.import_id],
    )
    assert issues == [(2, 3, "created_at"), (4, 6, "created_at")]


def test_every_bad_cell_is_listed_in_indonesian(store: Store, write) -> None:
    text = (
        "order_id,order_date,customer_id,quantity,unit_net_price,discount,status\n"
        "S1,05/03/2026,C1,2,100,20,confirmed\n"
        "S2,2026-03-05,C1,dua,,0.1,shipped\n"
        "S3,2026-03-05,,1,100,,\n"
    )
    report = rejected(store, "order_lines", write("lines.csv", text), lang="id")
    got = [(e.row, e.column, e.kind, e.value) for e in report.errors]
    assert got == [
        (1, "discount", "fraction_over_one", "20"),
        (1, "order_date", "bad_timestamp", "05/03/2026"),
        (2, "quantity", "bad_number", "dua"),
        (2, "status", "bad_enum", "shipped"),
        (2, "unit_net_price / net_amount", "missing_one_of", None),
        (3, "customer_id", "missing_value", None),
    ]
    by_kind = {e.kind: e for e in report.errors}
    assert by_kind["fraction_over_one"].suggestion == "tulis diskon 20 persen sebagai 0.2 atau 20%"
    assert by_kind["bad_enum"].suggestion == "gunakan salah satu dari: confirmed, cancelled"
    assert by_kind["bad_number"].message == "'dua' bukan angka"
    assert report.error_counts == {
        "fraction_over_one": 1,
        "bad_timestamp": 1,
        "bad_number": 1,
        "bad_enum": 1,
        "missing_one_of": 1,
        "missing_value": 1,
    }
    assert "ditolak" in report.to_text()
    assert rows(store, "SELECT count(*) FROM order_lines") == [(0,)]


def test_one_of_unit_net_price_or_net_amount_per_row(store: Store, write) -> None:
    text = (
        "order_id,order_date,customer_id,quantity,unit_net_price,net_amount\nS,2026-01-01,C,1,,\n"
    )
    report = rejected(store, "order_lines", write("o.csv", text))
    [issue] = report.errors
    assert (issue.kind, issue.column) == ("missing_one_of", "unit_net_price / net_amount")


ids = st.text(alphabet="ABC0123", min_size=1, max_size=3)
opportunity = st.tuples(
    ids,
    ids,
    st.dates(min_value=__import__("datetime").date(2020, 1, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(["open", "Won", "lost", "Negosiasi"]),
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e9).map(repr)),
)


@functools.cache
def _pristine_store() -> Path:
    """An empty store file made once; examples copy it (creating the schema is the slow part)."""
    path = Path(tempfile.mkdtemp(prefix="pantau-pristine-")) / "empty.duckdb"
    Store(path).settings()
    return path


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(opportunity, min_size=1, max_size=12))
def test_import_twice_equals_import_once(records: list[tuple[str, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "opps.csv"
        with path.open("w", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["opportunity_id", "rep_id", "created_at", "stage", "amount"])
            out.writerows([(*r[:4], r[4] or "") for r in records])
        shutil.copyfile(_pristine_store(), Path(tmp) / "s.duckdb")
        store = Store(Path(tmp) / "s.duckdb")
        first = import_file(store, "opportunities", path)
        once = snapshot(store)
        second = import_file(store, "opportunities", path)
        twice = snapshot(store)
    assert {k: v for k, v in once.items() if k != "_version"} == {
        k: v for k, v in twice.items() if k != "_version"
    }
    distinct = len({r[0] for r in records})
    assert (first.inserted, first.updated) == (distinct, 0)
    assert (second.inserted, second.updated) == (0, distinct)
    assert first.warning_counts.get("duplicate_key", 0) == len(records) - distinct
