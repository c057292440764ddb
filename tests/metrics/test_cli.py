"""``pantau kpi``, ``kpi explain`` and ``kpi list`` through Typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import UnknownKpi, UsageError
from pantau.store import Store

from .conftest import new_store, seed

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = new_store(tmp_path_factory, "cli")
    seed(
        store,
        reps=[{"rep_id": "R1", "team": "Alpha"}, {"rep_id": "R2", "team": "Beta"}],
        leads=[
            {"lead_id": "L1", "created_at": "2026-03-02", "rep_id": "R1"},
            {"lead_id": "L2", "created_at": "2026-03-03", "rep_id": "R2"},
        ],
        opportunities=[
            {
                "opportunity_id": "O1",
                "rep_id": "R1",
                "stage": "won",
                "amount": 1234567.0,
                "created_at": "2026-03-01",
                "closed_at": "2026-03-11",
            },
            {
                "opportunity_id": "O2",
                "rep_id": "R2",
                "stage": "lost",
                "created_at": "2026-03-01",
                "closed_at": "2026-03-12",
            },
        ],  # fmt: skip
        targets=[
            {"kpi": "leads", "period": "2026-03", "target": 2},
            {"kpi": "win_rate", "period": "2026-03", "target": 0.6},
        ],
    )
    return store


def _kpi(store: Store, *args: str) -> str:
    result = runner.invoke(app, ["--db", str(store.path), "kpi", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_json_is_the_contract(cli_store: Store) -> None:
    out = json.loads(_kpi(cli_store, "--from", "2026-03", "--to", "2026-03", "--format", "json"))
    assert list(out) == ["grain", "by", "basis", "rows"]
    row = out["rows"][0]
    assert (row["period"], row["leads"], row["win_rate"], row["sales_volume"]) == (
        "2026-03",
        2,
        0.5,
        1234567.0,
    )
    assert row["targets"]["leads"] == {"target": 2.0, "attainment": 1.0, "met": True}


def test_table_in_indonesian(cli_store: Store) -> None:
    out = _kpi(cli_store, "--from", "2026-03", "--to", "2026-03", "--lang", "id")
    expected = ["Peluang", "Keefektifan penjualan", "Penjualan holistik", "Arus Prospek"]
    expected += ["Rp1.234.567", "50,0 %", "10,0 hari", "–", "✓", "✗", "Dasar: peluang"]
    for text in expected:
        assert text in out, text


def test_table_in_english_and_by_rep(cli_store: Store) -> None:
    out = _kpi(cli_store, "--from", "2026-03", "--to", "2026-03", "--lang", "en", "--by", "rep")
    for text in ("Opportunities", "Sales effectiveness", "Holistic sales", "Lead flow", "R1",
                 "R2", "Rp1,234,567", "100.0%", "0.0%", "Basis: won opportunities"):  # fmt: skip
        assert text in out, text


def test_language_defaults_to_the_store_setting(jakarta: Store) -> None:
    seed(jakarta, leads=[{"lead_id": "L1", "created_at": "2026-03-02"}])
    jakarta.set_setting("language", "en")
    out = _kpi(jakarta, "--from", "2026-03", "--to", "2026-03", "--kpi", "leads")
    assert "Lead flow" in out and "Arus Prospek" not in out


def test_csv(cli_store: Store) -> None:
    out = _kpi(cli_store, "--from", "2026-03", "--to", "2026-03", "--format", "csv", "--by",
               "rep", "--kpi", "leads", "--kpi", "avg_deal_size")  # fmt: skip
    table = list(csv.reader(io.StringIO(out)))
    assert table == [
        ["period", "rep_id", "leads", "avg_deal_size"],
        ["2026-03", "R1", "1", "1234567.0"],
        ["2026-03", "R2", "1", ""],  # a lost deal only: no average (null → empty)
    ]


def test_explain_and_list(cli_store: Store) -> None:
    out = _kpi(cli_store, "explain", "win_rate", "--lang", "en")
    for text in ("Win rate", "Menang ÷ (menang + kalah)", "Won ÷ (won + lost)",
                 "opportunities.closed_at", "rep, team, region, source, product, segment",
                 "SELECT", "FROM"):  # fmt: skip
        assert text in out, text
    listed = _kpi(cli_store, "list", "--lang", "id")
    assert "collateral_usage_rate" in listed and "Tingkat Penggunaan Materi" in listed


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (["--from", "2026-13"], UsageError, "--from '2026-13' is not a month"),
        (["--to", "26-01"], UsageError, "--to '26-01' is not a month"),
        (["--grain", "week"], UsageError, "unknown grain 'week'"),
        (["--by", "city"], UsageError, "unknown breakdown 'city'"),
        (["--format", "xml"], UsageError, "unknown format 'xml'"),
        (["--lang", "fr"], UsageError, "unknown language 'fr'"),
        (["--kpi", "revenue"], UnknownKpi, "unknown KPI 'revenue'"),
        (["explain", "revenue"], UnknownKpi, "unknown KPI 'revenue'"),
    ],
)
def test_bad_options(cli_store: Store, args: list[str], error: type, message: str) -> None:
    result = runner.invoke(app, ["--db", str(cli_store.path), "kpi", *args])
    assert isinstance(result.exception, error)
    assert message in str(result.exception)


def test_the_command_line_starts_without_heavy_libraries() -> None:
    # every `pantau` command imports pantau.cli.main first; pyarrow (and numpy with it), pandas
    # and Ibis are imported by the commands that use them, not by all (~0.15 s of each start)
    import subprocess
    import sys

    code = (
        "import sys, pantau.cli.main\n"
        "print(sorted(m for m in ('pyarrow', 'numpy', 'pandas', 'ibis', 'matplotlib')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
