"""The ``engine`` fixture: one test suite, run on every engine (docs/engines.md).

A test that asks for ``engine`` runs once per engine: ``duckdb`` always, ``postgres`` when a
server is configured (``PANTAU_TEST_PG``, see scripts/ci-services.sh), ``spark`` when PySpark
and Java are there. Tests build their data in a DuckDB store as usual and compute on
``engine.mirror(store)``: the same data copied to PostgreSQL (the PostgreSQL store's bulk copy)
or exported to Parquet for Spark (``pantau export-parquet``). An engine that is missing is a
visible skip locally and a failure in CI (``CI=true``): CI must run every engine.

A known gap of an engine is declared in :data:`GAPS` — engine, test, the error it raises and
why — and becomes a strict xfail on that engine only (it fails again once the gap closes).
"""

from __future__ import annotations

import gc
import importlib.util
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pantau.store import PostgresStore, SparkStore, Store
from pantau.store.transfer import copy_to_postgres, export_parquet

PG_ENV = "PANTAU_TEST_PG"
StoreKey = tuple[Any, ...]


class Engine:
    """An engine under test: ``mirror(store)`` is ``store``'s data on this engine."""

    name = "duckdb"

    def __init__(self) -> None:
        self._mirrors: dict[StoreKey, Store] = {}

    def mirror(self, store: Store) -> Store:
        """The same data as the DuckDB ``store`` (copied again whenever its files change)."""
        if self.name == "duckdb":
            return store
        key = _file_key(store)
        if key not in self._mirrors:
            self._mirrors[key] = self.copy(store)
        return self._mirrors[key]

    def copy(self, store: Store) -> Store:
        raise NotImplementedError

    def close(self) -> None:
        self._mirrors.clear()

    def __repr__(self) -> str:
        return self.name


class PostgresEngine(Engine):
    """Each mirrored store is a fresh schema of the test database, dropped at the end."""

    name = "postgres"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.schemas: list[str] = []

    def store(self) -> PostgresStore:
        """A new, empty PostgreSQL store (its own schema)."""
        schema = f"pantau_test_{uuid.uuid4().hex[:12]}"
        self.schemas.append(schema)
        sep = "&" if "?" in self.url else "?"
        return PostgresStore(f"{self.url}{sep}schema={schema}")

    def copy(self, store: Store) -> Store:
        target = self.store()
        copy_to_postgres(store, target)
        return target

    def close(self) -> None:
        super().close()
        if not self.schemas:
            return
        raw = PostgresStore(self.url).connect()
        with raw:
            for schema in self.schemas:
                raw.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class SparkEngine(Engine):
    """Each mirrored store is a Parquet export read by the Spark engine."""

    name = "spark"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def copy(self, store: Store) -> Store:
        out = self.folder / uuid.uuid4().hex[:12]
        export_parquet(store, out)
        return SparkStore.from_url(f"spark://{out}")


def _file_key(store: Store) -> StoreKey:
    stats = []
    for path in (store.path, store.path.with_name(store.path.name + ".wal")):
        st = os.stat(path) if path.exists() else None
        stats.append((st.st_ino, st.st_size, st.st_mtime_ns) if st else None)
    return (str(store.path.resolve()), *stats)


# -- availability ---------------------------------------------------------------------------------


def postgres_missing() -> str | None:
    """Why PostgreSQL cannot be tested here (None: it can)."""
    url = os.environ.get(PG_ENV)
    if not url:
        return f"PostgreSQL not configured: set {PG_ENV} (scripts/ci-services.sh starts one)"
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed: pip install -e '.[dev]'"
    try:
        PostgresStore(url).connect().close()
    except Exception as exc:  # any reason is reported, and in CI it fails the run
        return f"PostgreSQL at {PG_ENV} not reachable: {exc}"
    return None


def spark_missing() -> str | None:
    """Why Spark cannot be tested here (None: it can)."""
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark not installed: pip install -e '.[spark]'"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime for Spark (apt-get install openjdk-17-jre-headless)"
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} — CI must run every engine (scripts/ci-services.sh)")
    pytest.skip(reason)


@pytest.fixture(
    scope="session",
    params=[
        "duckdb",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("spark", marks=pytest.mark.spark),
    ],
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The engine a test runs on (``duckdb``, ``postgres``, ``spark``)."""
    name = request.param
    built: Engine
    if name == "duckdb":
        built = Engine()
    elif name == "postgres":
        reason = postgres_missing()
        if reason:
            _unavailable(reason)
        built = PostgresEngine(os.environ[PG_ENV])
    else:
        reason = spark_missing()
        if reason:
            _unavailable(reason)
        built = SparkEngine(tmp_path_factory.mktemp("spark"))
    yield built
    built.close()


#: known gaps: (engine, test name or its prefix before "[") -> (error raised, reason)
GAPS: dict[tuple[str, str], tuple[type[BaseException], str]] = {}


#: Py4J (PySpark's bridge to the JVM) leaves loopback sockets to the garbage collector; on
#: the Spark tests only, where :func:`_spark_garbage` collects them before the test ends.
PY4J_SOCKETS = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <socket\.socket.*raddr=\('127\.0\.0\.1'"
    ":pytest.PytestUnraisableExceptionWarning"
)


def _engine_of(item: pytest.Item) -> str | None:
    params = getattr(item, "callspec", None)
    return params.params.get("engine") if params else None


def _uses_spark(item: pytest.Item) -> bool:
    return _engine_of(item) == "spark" or item.get_closest_marker("spark") is not None


@pytest.fixture(autouse=True)
def _spark_garbage(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if _uses_spark(request.node):
        gc.collect()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Declare the known gaps of :data:`GAPS` as strict xfails with the error they raise."""
    for item in items:
        name = _engine_of(item)
        if _uses_spark(item):
            item.add_marker(PY4J_SOCKETS)
        gap = GAPS.get((name, item.name)) or GAPS.get((name, item.name.split("[")[0]))
        if gap:
            raises, reason = gap
            item.add_marker(pytest.mark.xfail(raises=raises, strict=True, reason=reason))


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[PostgresEngine]:
    """The PostgreSQL engine, for the tests of the PostgreSQL store itself."""
    reason = postgres_missing()
    if reason:
        _unavailable(reason)
    built = PostgresEngine(os.environ[PG_ENV])
    yield built
    built.close()


@pytest.fixture
def pg_store(postgres_engine: PostgresEngine) -> PostgresStore:
    """A new, empty PostgreSQL store (its own schema, dropped at the end of the session)."""
    return postgres_engine.store()


@pytest.fixture(scope="session")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> SparkEngine:
    """The Spark engine, for the tests of the Spark store itself."""
    reason = spark_missing()
    if reason:
        _unavailable(reason)
    return SparkEngine(tmp_path_factory.mktemp("spark-store"))
