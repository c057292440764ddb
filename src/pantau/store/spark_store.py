"""The Spark engine (read-only): KPIs, funnel, cohorts and the web app on PySpark (local mode).

``--db spark:///data/pantau`` reads a folder with one Parquet file (``leads.parquet``) or Parquet
folder (``leads/``) per record type, named like the type, with the canonical columns — what
``pantau export-parquet`` writes — and the store settings in ``settings.json``.
``--db spark:///etc/pantau/spark.toml`` reads a settings file instead::

    accounts = "/var/lib/pantau/accounts.duckdb"   # web accounts (default: beside this file)
    [tables]                # record type = a table of the Spark catalog, or a Parquet path
    leads = "sales.pantau_leads"
    opportunities = "/lake/pantau/opportunities"
    [settings]              # timezone, currency, language, key_activity_type
    timezone = "Asia/Jakarta"
    [spark]                 # Spark configuration of the local session
    "spark.driver.memory" = "8g"

A record type without data is an empty table. Pantau never writes the data: an import or a
setting change is refused with :class:`~pantau.errors.StoreError`. The web app's accounts
(users, sessions, API tokens) are Pantau's own, kept in a small DuckDB file (``accounts``;
default ``pantau-accounts.duckdb`` in the folder): :meth:`read` and :meth:`write` are that file,
with ``reps`` and the data version taken from the Spark side.

One Spark context (JVM) serves the process; each store has its own Spark session on it, so two
stores' tables never mix.

The data version (what caches key on) of a store whose tables are all Parquet paths is taken
from the files themselves, since the pipeline that writes them keeps no counter: the *listing*
of every file under the folder (or under each table's path) — path, inode, size, modification
and change times. A listing never seen before gets a new version number, from one counter of
the process shared by every store object of the same location, so numbers only grow and a
version never means two different contents. A listing with a file modified in the last
:data:`SETTLE_S` seconds is *unsettled* (a rewrite within the file system's time resolution
could leave it unchanged): every look at it is a new version, and nothing is cached until it
settles. Tables of a Spark catalog show no cheap modification time: a store with one is never
cached by the KPI engine (:meth:`SparkStore.cache_identity` is None) and its ``data_version``
is renewed every :data:`CATALOG_VERSION_S` seconds (the web app's own caches).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
import tomllib
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pantau.errors import StoreError
from pantau.model.records import RECORD_TYPES
from pantau.store.duckdb_store import Store
from pantau.store.schema import DEFAULT_SETTINGS

if TYPE_CHECKING:
    import pyarrow as pa

SCHEME = "spark:"
READ_ONLY = (
    "the Spark engine is read-only; write the canonical tables with your pipeline, "
    "e.g. with pantau export-parquet"
)
#: Spark configuration unless the settings file or the environment says otherwise
SPARK_DEFAULTS: dict[str, str] = {
    "spark.master": os.environ.get("PANTAU_SPARK_MASTER", "local[2]"),
    "spark.driver.memory": os.environ.get("PANTAU_SPARK_MEMORY", "4g"),
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    # local mode talks to itself only: never bind the driver to a network interface
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}
#: how long a catalog-backed store trusts its data version (catalog tables show no mtime)
CATALOG_VERSION_S = 60
#: a file modified less than this long ago may still change unseen (the "racy" window)
SETTLE_S = 3.0
META_TABLES = ("imports", "import_issues")

#: one file of a listing: path, inode, size, mtime_ns, ctime_ns (None: the path is missing)
Entry = tuple[str, int, int, int, int] | tuple[str, None, None, None, None]
Listing = tuple[Entry, ...]

_versions: dict[Hashable, tuple[Listing, int, bool]] = {}  # identity -> last listing seen
_versions_lock = threading.Lock()
_version_numbers = itertools.count(1)

_root: Any = None
_root_lock = threading.Lock()


def is_spark_url(text: str) -> bool:
    """Whether ``text`` names the Spark engine (``spark:///folder`` or ``spark:///file.toml``)."""
    return text.lower().startswith(SCHEME)


def spark_session(conf: Mapping[str, str] | None = None) -> Any:
    """A new Spark session on the process's one local Spark context (started on first use)."""
    global _root
    with _root_lock:
        if _root is None:
            _root = _start(dict(SPARK_DEFAULTS, **(conf or {})))
    return _root.newSession()


def _start(conf: dict[str, str]) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise StoreError("the Spark engine needs PySpark: pip install 'pantau[spark]'") from None
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # see SPARK_DEFAULTS
    builder = SparkSession.builder.appName("pantau")
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@dataclass(frozen=True)
class SparkSource:
    """Where each record type's rows are: a Parquet path or a catalog table name."""

    tables: dict[str, str]
    settings: dict[str, str]
    conf: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None  # the Parquet folder (its files give the data version)

    @classmethod
    def from_folder(cls, folder: Path) -> SparkSource:
        tables = {}
        for name in RECORD_TYPES:
            for candidate in (folder / f"{name}.parquet", folder / name):
                if candidate.exists():
                    tables[name] = str(candidate)
        settings_file = folder / "settings.json"
        settings = json.loads(settings_file.read_text("utf-8")) if settings_file.exists() else {}
        return cls(tables, _checked_settings(settings, settings_file), folder=folder)

    @classmethod
    def from_toml(cls, path: Path) -> SparkSource:
        try:
            doc = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise StoreError(f"{path} cannot be read as a Spark settings file: {exc}") from None
        tables = {str(k): str(v) for k, v in doc.get("tables", {}).items()}
        unknown = sorted(set(tables) - set(RECORD_TYPES))
        if unknown:
            raise StoreError(f"{path}: [tables] names no record type {', '.join(unknown)}")
        settings = _checked_settings(doc.get("settings", {}), path)
        conf = {str(k): str(v) for k, v in doc.get("spark", {}).items()}
        return cls(tables, settings, conf)


def _checked_settings(values: Mapping[str, Any], where: Path) -> dict[str, str]:
    unknown = sorted(set(values) - set(DEFAULT_SETTINGS))
    if unknown:
        raise StoreError(f"{where}: unknown settings {', '.join(unknown)}")
    return {str(k): str(v) for k, v in values.items()}


def _is_path(where: str) -> bool:
    """Whether a ``[tables]`` entry is a Parquet path (else a table of the Spark catalog)."""
    return where.startswith("/") or where.endswith(".parquet") or os.sep in where


def _entry(path: Path) -> Entry:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None, None, None, None)
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def settled(listing: Listing, now_ns: int | None = None) -> bool:
    """Whether no file of ``listing`` was modified (or dated in the future) within the last
    :data:`SETTLE_S` seconds, so that any later change shows in the listing."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    limit = now_ns - int(SETTLE_S * 1e9)
    return all(e[3] is None or (e[3] <= limit and e[4] <= limit) for e in listing)


def listing_version(identity: Hashable, listing: Listing) -> int:
    """The data version of the store ``identity`` whose files are ``listing`` (module docs)."""
    stable = settled(listing)
    with _versions_lock:
        seen = _versions.get(identity)
        if seen is not None and seen[0] == listing and seen[2] and stable:
            return seen[1]
        version = next(_version_numbers)
        _versions.pop(identity, None)
        _versions[identity] = (listing, version, stable)
        while len(_versions) > 256:  # stores come and go in long test runs
            _versions.pop(next(iter(_versions)))
        return version


class SparkStore(Store):
    """Canonical tables read by Spark; the inherited DuckDB file keeps the web accounts.

    Caching (the KPI engine's and the web app's): with Parquet paths only, the store is known by
    its location, tables and settings (:meth:`cache_identity`) and its version by its files'
    listing (module docstring): a rewritten, added or removed file is a new version at once,
    and a file written in the last :data:`SETTLE_S` seconds is not cached at all, so no answer
    from older files is ever served. :meth:`cache_fingerprint` is that listing, which lets the
    engine answer a repeated question without asking Spark. With a catalog table the KPI
    engine computes every answer afresh.
    """

    def __init__(self, source: SparkSource, *, label: str, accounts: Path) -> None:
        super().__init__(accounts)
        self.source = source
        self.label = label
        self._guard = threading.Lock()
        self._session: Any = None
        self._backend: Any = None
        self._registered: int | None = None
        self._reps: tuple[int, pa.Table] | None = None
        self._local = threading.local()  # the listing the open ibis() block was registered at
        self._identity = self._make_identity()

    @classmethod
    def from_url(cls, url: str) -> SparkStore:
        """``spark:///folder`` or ``spark:///settings.toml`` (``spark:relative/path`` too)."""
        path = Path(url[len(SCHEME) :].removeprefix("//")).expanduser()
        if path.is_dir():
            source = SparkSource.from_folder(path)
            accounts = path / "pantau-accounts.duckdb"
        elif path.suffix == ".toml" and path.is_file():
            source = SparkSource.from_toml(path)
            doc = tomllib.loads(path.read_text("utf-8"))
            accounts = path.parent / str(doc.get("accounts", "pantau-accounts.duckdb"))
        else:
            raise StoreError(f"{url}: expected a folder of Parquet files or a .toml settings file")
        return cls(source, label=f"spark://{path}", accounts=accounts)

    def __repr__(self) -> str:
        return f"SparkStore({self.label!r})"

    # -- data version and caching ----------------------------------------------------------------
    def _make_identity(self) -> tuple[Any, ...] | None:
        tables = self.source.tables
        if not all(_is_path(where) for where in tables.values()):
            return None  # a catalog table: no cheap way to see it change
        where = tuple(sorted((name, os.path.realpath(path)) for name, path in tables.items()))
        folder = None if self.source.folder is None else os.path.realpath(self.source.folder)
        return (
            "spark",
            folder,
            where,
            tuple(sorted(self.settings().items())),
            tuple(sorted(self.source.conf.items())),
        )

    def cache_identity(self) -> tuple[Any, ...] | None:
        """Where the tables are, and the settings and Spark configuration they are read with
        (two stores that could answer differently never share one); None with catalog tables."""
        return self._identity

    def cache_fingerprint(self) -> Listing | None:
        """The files' listing (inside an :meth:`ibis` block: the one its tables were registered
        at, so it is never newer than the version read there); None while unsettled."""
        if self._identity is None:
            return None
        listing = getattr(self._local, "listing", None)
        if listing is None:
            listing = self._listing()
        return listing if settled(listing) else None

    def _listing(self) -> Listing:
        """Every data file of the store, sorted (the web accounts' DuckDB files excepted)."""
        roots = (
            [self.source.folder]
            if self.source.folder is not None
            else [Path(where) for where in self.source.tables.values()]
        )
        accounts = str(self.path)
        entries: list[Entry] = []
        for root in roots:
            if not root.is_dir():
                entries.append(_entry(root))
                continue
            for path in root.rglob("*"):
                if not path.is_dir() and not str(path).startswith(accounts):
                    entries.append(_entry(path))
        return tuple(sorted(entries, key=lambda e: e[0]))

    def _version(self) -> tuple[int, Listing | None]:
        if self._identity is None:
            return int(time.time() // CATALOG_VERSION_S), None
        listing = self._listing()
        return listing_version(self._identity, listing), listing

    def data_version(self) -> int:
        """Changes when a Parquet file changes (module docstring; catalog tables: every
        minute)."""
        return self._version()[0]

    @contextmanager
    def ibis(self) -> Iterator[Any]:
        """An Ibis PySpark backend whose tables are the store's canonical tables."""
        with self._guard:
            version, listing = self._version()
            if self._backend is None or self._registered != version:
                self._backend = self._connect(version)
                self._registered = version
            backend = self._backend
        outer = getattr(self._local, "listing", None)
        self._local.listing = listing
        try:
            yield backend
        finally:
            self._local.listing = outer

    def _connect(self, version: int) -> Any:
        if self._session is None:
            self._session = spark_session(self.source.conf)
        session = self._session
        for name in RECORD_TYPES:  # the data first: a reader never sees the version before it
            self._frame(session, name).createOrReplaceTempView(name)
        meta = {"data_version": str(version)}
        for table, pairs in (("settings", self.settings()), ("pantau_meta", meta)):
            rows = sorted(pairs.items())
            session.createDataFrame(rows, "key string, value string").createOrReplaceTempView(table)
        for name in META_TABLES:
            _empty(session, self._meta_schema(name)).createOrReplaceTempView(name)
        return _backend_class()().connect(session)

    def _frame(self, session: Any, name: str) -> Any:
        """Record type ``name`` with exactly the canonical columns and types."""
        from ibis.backends.pyspark.datatypes import PySparkSchema

        from pantau.store.canonical import canonical_schema  # Ibis: only when reading

        schema = canonical_schema(name)
        where = self.source.tables.get(name)
        if where is None:
            return _empty(session, schema)
        spark_schema = PySparkSchema.from_ibis(schema)
        is_path = _is_path(where)
        if is_path and _is_canonical_file(where, schema):  # skip Spark's schema inference
            return session.read.schema(spark_schema).parquet(where)
        frame = session.read.parquet(where) if is_path else session.table(where)
        missing = sorted(set(schema.names) - set(frame.columns))
        if missing:
            raise StoreError(f"{where} ({name}) lacks the columns {', '.join(missing)}")
        return frame.select(*(frame[f.name].cast(f.dataType).alias(f.name) for f in spark_schema))

    def _meta_schema(self, name: str) -> Any:
        import ibis

        with super().read() as con:
            arrow = con.sql(f"SELECT * FROM {name} LIMIT 0").to_arrow_table()
        return ibis.Schema.from_pyarrow(arrow.schema)

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        return dict(DEFAULT_SETTINGS, **self.source.settings)

    def set_setting(self, key: str, value: str) -> None:
        raise StoreError(f"{READ_ONLY}; settings come from settings.json or the settings file")

    # -- the accounts file, with reps and the data version from the Spark side -----------------
    @contextmanager
    def read(self) -> Iterator[Any]:
        """The accounts file (read-only); ``reps`` and ``pantau_meta.data_version`` as Spark
        sees them."""
        import pyarrow as pa  # here, not at import: every CLI command imports this module

        with super().read() as con:
            meta = dict(con.execute("SELECT key, value FROM pantau_meta").fetchall())
            meta["data_version"] = str(self.data_version())
            con.register("pantau_meta", pa.table({"key": list(meta), "value": list(meta.values())}))
            con.register("reps", self._rep_rows())
            yield con

    def _rep_rows(self) -> pa.Table:
        version = self.data_version()
        if self._reps is None or self._reps[0] != version:
            with self.ibis() as backend:
                self._reps = (version, backend.to_pyarrow(backend.table("reps")))
        return self._reps[1]


def _is_canonical_file(where: str, schema: Any) -> bool:
    """Whether ``where`` is one Parquet file with exactly the canonical columns and types."""
    import pyarrow.parquet as pq

    if not os.path.isfile(where):
        return False
    found = pq.read_schema(where)
    wanted = schema.to_pyarrow()
    return [(f.name, f.type) for f in found] == [(f.name, f.type) for f in wanted]


def _empty(session: Any, schema: Any) -> Any:
    from ibis.backends.pyspark.datatypes import PySparkSchema

    return session.createDataFrame([], PySparkSchema.from_ibis(schema))


def _backend_class() -> type:
    """Ibis's PySpark backend, with the engine gaps Pantau meets closed (docs/engines.md).

    - ``count(where=…)`` compiles to ``SUM(CAST(cond AS BIGINT))``, which is NULL, not 0, over
      no rows; here it is ``COUNT(IF(cond, 1, NULL))``, 0 over no rows as on every other engine.
    """
    global _spark_backend
    if _spark_backend is None:
        import ibis
        from ibis.backends.pyspark import Backend
        from ibis.backends.sql.compilers.base import NULL
        from ibis.backends.sql.compilers.pyspark import PySparkCompiler

        class Compiler(PySparkCompiler):
            def visit_CountStar(self, op: Any, *, arg: Any, where: Any) -> Any:
                if where is None:
                    return super().visit_CountStar(op, arg=arg, where=where)
                return self.f.count(self.if_(where, 1, NULL))

        class PantauSpark(Backend):
            compiler = Compiler()

        _spark_backend = PantauSpark
        assert ibis.pyspark is not None  # loading the backend registers its options
    return _spark_backend


_spark_backend: type | None = None
