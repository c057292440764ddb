"""The demo loads through the real importer with zero errors; ``pantau demo`` works."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.demo import IMPORT_ORDER, DemoFiles, load, store_has_records
from pantau.store import Store

from .conftest import END, SCALE

#: the only warnings the demo raises, on purpose (data-quality examples)
EXPECTED_WARNINGS = {"contact_before_creation", "won_without_amount", "short_cycle"}
runner = CliRunner()


def test_demo_loads_with_zero_errors(store: Store, demo: DemoFiles, tmp_path: Path) -> None:
    assert not store_has_records(store)
    steps: list[tuple[str, int, int]] = []
    reports = load(
        store, scale=SCALE, end_month=END, keep=tmp_path, progress=lambda *a: steps.append(a)
    )
    assert [r.record_type for r in reports] == list(IMPORT_ORDER)
    for report in reports:
        assert report.ok and not report.errors and report.rejected == 0
        assert report.inserted == demo.rows[report.record_type]
        kinds = {kind for kind, n in report.warning_counts.items() if n}
        assert kinds <= EXPECTED_WARNINGS, (report.record_type, kinds)
    assert ("generate", 25, 25) in steps and steps[-1] == ("", 13, 13)
    with store.read() as con:
        row = con.execute("SELECT count(*) FROM opportunities").fetchone()
    assert row is not None and row[0] == demo.rows["opportunities"]
    assert store_has_records(store)
    assert (tmp_path / "order_lines.csv").read_bytes() == demo.paths["order_lines"].read_bytes()


def test_cli_loads_and_refuses_a_store_with_data(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    args = ["--db", str(db), "demo", "--scale", "0.05", "--end", END]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2024-11" in result.output and "opportunities" in result.output
    assert "Periode" in result.output  # the store's language (id)
    again = runner.invoke(app, args)
    assert again.exit_code != 0 and "--force" in str(again.exception or again.output)


def test_cli_no_load_writes_files_only(tmp_path: Path) -> None:
    db = tmp_path / "never.duckdb"
    out = tmp_path / "files"
    args = ["--db", str(db), "demo", "--scale", "0.05", "--end", END, "--no-load", "--keep"]
    result = runner.invoke(app, [*args, str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.glob("*.csv")) == sorted(IMPORT_ORDER)
    assert not db.exists()


def test_cli_rejects_bad_options(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "x.duckdb"), "demo", "--end", "10-2026"])
    assert result.exit_code != 0
