"""The Spark engine: read-only, reads what ``pantau export-parquet`` writes or a settings file.

Needs PySpark and Java; one local Spark context serves the whole test session.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engines.fixtures import SparkEngine
from pantau.auth.users import add_user
from pantau.cli.main import app
from pantau.errors import StoreError
from pantau.ingest import import_file
from pantau.metrics import KpiQuery, compute_kpis
from pantau.store import SparkStore, Store, open_store

pytestmark = pytest.mark.spark

TYPES = Path(__file__).parent.parent / "data" / "ingest" / "types"
IMPORTED = ("reps", "customers", "products", "stages", "leads", "opportunities")
QUERY = KpiQuery(start="2026-01", end="2026-03", kpis=("win_rate", "sales_volume", "leads"))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("spark-source") / "source.duckdb")
    for name in IMPORTED:
        import_file(store, name, TYPES / f"{name}.csv")
    store.set_setting("language", "en")
    return store


def test_export_parquet_is_what_spark_reads(
    source: Store, spark_engine: SparkEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "tables"
    result = CliRunner().invoke(app, ["--db", str(source.path), "export-parquet", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "opportunities.parquet").exists()
    spark = open_store(f"spark://{folder}")
    assert isinstance(spark, SparkStore)
    assert spark.settings()["language"] == "en"
    assert compute_kpis(spark, QUERY) == compute_kpis(source, QUERY)


def test_imports_and_setting_changes_are_refused(source: Store, spark_engine: SparkEngine) -> None:
    spark = spark_engine.mirror(source)
    with pytest.raises(StoreError, match="the Spark engine is read-only"):
        import_file(spark, "reps", TYPES / "reps.csv")
    with pytest.raises(StoreError, match="read-only"):
        spark.set_setting("language", "id")
    assert isinstance(spark, SparkStore)
    url = spark.label
    result = CliRunner().invoke(app, ["--db", url, "import", "reps", str(TYPES / "reps.csv")])
    assert result.exit_code == 1
    assert "read-only; write the canonical tables with your pipeline" in result.stderr


def test_a_settings_file_names_the_tables(
    source: Store, spark_engine: SparkEngine, tmp_path: Path
) -> None:
    exported = Path(spark_engine.mirror(source).label.removeprefix("spark://"))
    lines = ["[tables]"]
    lines += [f'{name} = "{exported / name}.parquet"' for name in IMPORTED]
    lines += ["[settings]", 'language = "en"', "[spark]", '"spark.sql.shuffle.partitions" = "2"']
    config = tmp_path / "pantau-spark.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spark = open_store(f"spark://{config}")
    assert spark.settings() == source.settings()
    assert compute_kpis(spark, QUERY) == compute_kpis(source, QUERY)


def test_the_web_app_serves_from_spark(source: Store, spark_engine: SparkEngine) -> None:
    spark = spark_engine.mirror(source)
    assert isinstance(spark, SparkStore)
    answers = []
    for store, db in ((spark, spark.label), (source, str(source.path))):
        add_user(store, "boss@example.com", role="admin", password="a long enough secret 1")
        path = "/api/v1/kpis?from=2026-01&to=2026-03&by=rep"
        result = CliRunner().invoke(app, ["--db", db, "serve", "--get", path])
        assert result.exit_code == 0, result.output
        answers.append(json.loads(result.output))
    assert answers[0] == answers[1]
    assert answers[0]["rows"]


def test_a_table_without_the_canonical_columns_is_one_clear_error(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"rep_id": ["R1"]}), tmp_path / "reps.parquet")
    spark = open_store(f"spark://{tmp_path}")
    with pytest.raises(StoreError, match=r"reps\.parquet \(reps\) lacks the columns"):
        compute_kpis(spark, QUERY)
