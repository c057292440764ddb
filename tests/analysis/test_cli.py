"""``pantau funnel``, ``pantau cohorts`` and ``pantau quality`` through Typer's test runner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import UsageError
from pantau.store import Store

from .helpers import insert

runner = CliRunner()


@pytest.fixture(scope="module")
def db(shared_store: Store) -> str:
    """Two opportunities and three purchases in January–March 2025; no stages loaded."""
    insert(shared_store, "reps", {"rep_id": "R1", "team": "North"})
    insert(
        shared_store,
        "opportunities",
        {"opportunity_id": "O1", "rep_id": "R1", "created_at": "2025-01-02", "stage": "Won"},
        {"opportunity_id": "O2", "rep_id": "R1", "created_at": "2025-02-02", "stage": "Proposal"},
    )
    line = {"line_no": 1, "quantity": 1, "unit_net_price": 10.0, "customer_id": "C1"}
    insert(
        shared_store,
        "order_lines",
        {"order_id": "S1", "order_date": "2025-01-05"} | line,
        {"order_id": "S2", "order_date": "2025-03-05"} | line,
        {"order_id": "S3", "order_date": "2025-02-05"} | line | {"customer_id": "C2"},
    )
    return str(shared_store.path)


def _run(db: str, *args: str) -> Any:
    return runner.invoke(app, ["--db", db, *args], env={"COLUMNS": "200"})


def _json(db: str, *args: str) -> dict[str, Any]:
    result = _run(db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_funnel_json(db: str) -> None:
    data = _json(db, "funnel", "--from", "2025-01", "--to", "2025-03", "--lang", "en")
    assert data["view"] == "funnel" and data["stage_source"] == "derived"
    (group,) = data["groups"]
    # O2 sits at Proposal, O1 at Won (after the open stages)
    assert [(s["stage"], s["reached"]) for s in group["stages"]] == [("Proposal", 2), ("Won", 1)]


def test_funnel_table_in_store_language(db: str) -> None:
    result = _run(db, "funnel", "--from", "2025-01", "--to", "2025-03", "--by", "team")
    assert result.exit_code == 0, result.output
    assert "Corong Tahapan" in result.output and "North" in result.output
    assert "Tercapai" in result.output


def test_cohorts_table_and_json(db: str) -> None:
    result = _run(db, "cohorts", "--from", "2025-01", "--to", "2025-03", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Retention cohorts" in result.output and "+2" in result.output
    data = _json(db, "cohorts", "--from", "2025-01", "--to", "2025-03")
    assert [(c["cohort"], c["size"]) for c in data["cohorts"]] == [
        ("2025-01", 1),
        ("2025-02", 1),
        ("2025-03", 0),
    ]
    assert data["cohorts"][0]["months"][2]["share"] == 1.0  # C1 bought again in March


def test_quality_table_and_json(db: str) -> None:
    result = _run(db, "quality", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "KPIs made unreliable" in result.output
    assert "Order lines without any cost" in result.output
    data = _json(db, "quality", "--limit", "1")
    assert data["limit"] == 1 and data["lang"] == "id"
    assert data["totals"]["won_without_amount"] == 1


def test_default_period_is_reported(db: str) -> None:
    data = _json(db, "funnel")
    assert data["start"] <= "2025-02" <= data["end"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["funnel", "--format", "xml"], "unknown format"),
        (["funnel", "--from", "2025-13"], "not a month"),
        (["funnel", "--from", "2025-03", "--to", "2025-01"], "after it ends"),
        (["funnel", "--by", "colour"], "cannot break the funnel down"),
        (["cohorts", "--to", "March"], "not a month"),
        (["quality", "--lang", "fr"], "unknown language"),
    ],
)
def test_bad_values_are_usage_errors(db: str, args: list[str], message: str) -> None:
    result = _run(db, *args)
    assert result.exit_code != 0
    assert isinstance(result.exception, UsageError)
    assert message in str(result.exception)


def test_language_follows_the_store_setting(store: Store) -> None:
    store.set_setting("language", "en")
    result = _run(str(store.path), "quality")
    assert result.exit_code == 0, result.output
    assert "Data quality" in result.output or "No data-quality warnings." in result.output
