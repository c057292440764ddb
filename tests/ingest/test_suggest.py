"""Guessing a record type and a mapping from headers; ``pantau mapping suggest``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.ingest import import_file
from pantau.ingest.mapping import parse_mapping
from pantau.ingest.suggest import guess_record_type, rank_record_types, suggest_mapping
from pantau.store import Store

from .helpers import DATA, rows

SHAPES = DATA / "shapes"
SUPERSTORE = [
    *("Row ID", "Order ID", "Order Date", "Customer ID", "Product ID"),
    *("Sales", "Quantity", "Discount", "Profit"),
]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date"],
            "opportunities",
        ),
        (["No Faktur", "Tanggal", "Kode Pelanggan", "Qty", "Harga Satuan"], "order_lines"),
        (["Kode Sales", "Nama", "Tim", "Wilayah"], "reps"),
        (["mql_id", "first_contact_date", "origin"], "leads"),
        (["Bulan", "Kategori", "Biaya"], "sales_costs"),
        (["foo", "bar"], None),
    ],
)
def test_guess_record_type(headers: list[str], expected: str | None) -> None:
    assert guess_record_type(headers) == expected


def test_suggestion_prefers_required_columns_and_uses_each_header_once() -> None:
    suggestion = suggest_mapping(["Invoice No", "Date", "Customer", "Qty", "Total", "Sales"])
    assert suggestion.record_type == "order_lines"
    assert suggestion.columns == {
        "order_id": "Invoice No",
        "order_date": "Date",
        "customer_id": "Customer",
        "quantity": "Qty",
        "net_amount": "Sales",
    }
    assert suggestion.unused == ["Total"] and suggestion.complete


def test_preset_wordings_count_as_aliases() -> None:
    suggestion = suggest_mapping(
        ["Deal - ID", "Deal - Title", "Deal - Owner", "Deal - Deal created", "Deal - Stage"]
    )
    assert suggestion.columns == {
        "opportunity_id": "Deal - ID",
        "rep_id": "Deal - Owner",
        "created_at": "Deal - Deal created",
        "stage": "Deal - Stage",
    }


def test_ranked_types_say_which_are_complete() -> None:
    ranked = rank_record_types(["customer_id", "segment"])
    assert ranked[0][:1] == ("customers",) and ranked[0][2] is True


def test_suggested_toml_is_a_working_mapping(store: Store, tmp_path) -> None:
    path = SHAPES / "superstore.csv"
    text = suggest_mapping(SUPERSTORE).to_toml(file_name=path.name)
    mapping = parse_mapping(text, "suggested.toml")
    assert mapping.record_type == "order_lines" and mapping.columns["net_amount"] == ("Sales",)
    (tmp_path / "m.toml").write_text(text)
    import_file(store, None, path, mapping=tmp_path / "m.toml", lang="en")
    assert rows(store, "SELECT count(*), round(sum(net_amount), 3) FROM order_lines") == [
        (3, 751.928)
    ]


def test_cli_suggest_prints_the_questions_and_the_damage(tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["mapping", "suggest", str(SHAPES / "olist_closed_deals.csv")])
    assert result.exit_code == 0, result.output
    assert 'type = "customers"' in result.stdout
    assert "# average_stock: 2 values look like ranges Excel turned into dates" in result.stdout
    ambiguous = tmp_path / "a.csv"
    ambiguous.write_text("Report\n\nlead_id,created_at\nL1,05/03/2026\n")
    out = runner.invoke(
        app, ["mapping", "suggest", str(ambiguous), "--output", str(tmp_path / "m.toml")]
    )
    assert out.exit_code == 0
    text = (tmp_path / "m.toml").read_text()
    assert "# 2 title lines above the header (skip_rows = 2)" in text
    assert "# QUESTION: set date_format = one of %d/%m/%Y or %m/%d/%Y" in text
    assert parse_mapping(text, "m.toml").columns == {
        "lead_id": ("lead_id",),
        "created_at": ("created_at",),
    }


def test_cli_suggest_with_a_type_and_a_bad_file(tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["mapping", "suggest", str(SHAPES / "maven_pipeline.csv"), "--type", "reps"]
    )
    assert result.exit_code == 0 and 'rep_id = "sales_agent"' in result.stdout
    missing = runner.invoke(app, ["mapping", "suggest", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "file not found" in missing.stderr
