"""Compiled SQL, cached: Ibis expressions are built and compiled once per query shape.

Building a KPI query as an Ibis expression and compiling it costs tens of milliseconds per source
table, more than running it on a small store. :class:`SqlCache` keeps, per (backend dialect,
query shape), the syntax tree that the backend's own compiler (``backend.compiler``, sqlglot
underneath) produced, so the SQL stays that of the engine it runs on.

Integer parameters (period bounds, a month cap, an import id) are not part of the shape: the
expression is built once with *sentinel* integers in their place. Only Python ``int`` values are
accepted; strings (scope ids) stay part of the shape and are quoted by the compiler like any
literal. A shape whose sentinels do not survive compilation as plain literals is compiled afresh
for each use (correct, just not cached). Then, depending on the engine:

- engines whose driver binds positional parameters (:data:`BINDING`: DuckDB) get the sentinels
  replaced by parameters ``$1``, ``$2``… in the syntax tree, and run that one text with the values
  bound (:meth:`SqlCache.statement`). That text is also kept on disk
  (:mod:`pantau.metrics.sqldisk`), so another process runs it without building, compiling or even
  importing Ibis;
- the others (PostgreSQL through psycopg, whose ``%`` placeholders clash with SQL's modulo, and
  Spark) get the real values substituted into the syntax tree (never into SQL text) and the SQL
  rendered per value (:meth:`SqlCache.sql`), per process.

:func:`fetch` runs SQL through the backend's DB-API cursor and returns plain Python rows, which
avoids the Arrow/pandas conversion (and the pandas import) of ``backend.to_pyarrow``.
:class:`Runner` runs statements over one open store, with the Ibis backend made only when a shape
must be compiled.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from pantau.metrics.cache import LruCache
from pantau.metrics.sqldisk import SqlDisk

if TYPE_CHECKING:
    import sqlglot.expressions as sge

    from pantau.metrics.sources.common import Tables

#: stand-ins for integer parameters while compiling a shape (far outside any period ordinal)
SENTINELS: tuple[int, ...] = tuple(9_176_500_001 + i * 1_000_003 for i in range(8))
#: literals this close to a sentinel but not one mean the builder did arithmetic on a parameter
#: in Python (the template would keep a wrong constant): no template for such a shape
_NEAR = 100_000_000
#: dialects whose DB-API driver binds positional parameters ``$1``, ``$2``… (see the module doc)
BINDING = frozenset({"duckdb"})
#: the column of a union of statements that tells which statement a row comes from
#: (:meth:`Runner.execute_all`)
UNION_TAG = "_pantau_statement"
#: run the statements of :meth:`Runner.execute_all` one by one (``PANTAU_UNION=0``; measuring)
UNION = os.environ.get("PANTAU_UNION", "1") != "0"

Builder = Callable[[Sequence[int]], Any]  # parameter values -> Ibis expression


class Statement(NamedTuple):
    """SQL and the values of its parameters (``$1``…; none when the values are in the SQL)."""

    sql: str
    params: tuple[int, ...] = ()


def _dialect(backend: Any) -> str:
    return str(getattr(backend, "name", type(backend).__name__))


def _check_params(params: Sequence[int]) -> tuple[int, ...]:
    if len(params) > len(SENTINELS):
        raise ValueError(f"at most {len(SENTINELS)} parameters")
    for value in params:
        if type(value) is not int:
            raise TypeError(f"SQL parameters must be int, got {type(value).__name__}")
        if value in SENTINELS:
            raise ValueError(f"{value} is reserved")
    return tuple(params)


def _render(backend: Any, tree: sge.Expression) -> str:
    import sqlglot as sg

    return tree.sql(dialect=backend.dialect, unsupported_level=sg.ErrorLevel.RAISE)


def _usable(tree: sge.Expression, n: int) -> bool:
    """Whether each of the first ``n`` sentinels survived compilation as a literal, and no other
    literal was derived from one."""
    import sqlglot.expressions as sge

    wanted = {str(s) for s in SENTINELS[:n]}
    found: set[str] = set()
    for node in tree.find_all(sge.Literal):
        if node.is_string:
            continue
        if node.this in wanted:
            found.add(node.this)
            continue
        try:
            value = float(node.this)
        except ValueError:
            continue
        if SENTINELS[0] - _NEAR <= abs(value) <= SENTINELS[-1] + _NEAR:
            return False
    return found == wanted


def substitute(tree: sge.Expression, params: Sequence[int]) -> sge.Expression:
    """A copy of ``tree`` with each sentinel literal replaced by its parameter value."""
    import sqlglot.expressions as sge

    values = {str(s): v for s, v in zip(SENTINELS, params, strict=False)}

    def swap(node: sge.Expression) -> sge.Expression:
        if isinstance(node, sge.Literal) and not node.is_string and node.this in values:
            return sge.Literal.number(values[node.this])
        return node

    return tree.transform(swap, copy=True)


def parametrize(tree: sge.Expression, n: int) -> sge.Expression:
    """A copy of ``tree`` with the ``i``-th sentinel literal replaced by the parameter ``$i``."""
    import sqlglot.expressions as sge

    numbers = {str(s): str(i + 1) for i, s in enumerate(SENTINELS[:n])}

    def swap(node: sge.Expression) -> sge.Expression:
        if isinstance(node, sge.Literal) and not node.is_string and node.this in numbers:
            return sge.Placeholder(this=numbers[node.this])
        return node

    return tree.transform(swap, copy=True)


class Source:
    """Where SQL comes from and runs: a dialect, and the Ibis backend (made when first needed)."""

    dialect: str

    @property
    def backend(self) -> Any:
        raise NotImplementedError


class SqlCache:
    """SQL per (dialect, shape, parameters), from templates per (dialect, shape); for binding
    engines one text per (dialect, shape), also kept on disk (``disk``; None: not)."""

    def __init__(
        self, max_templates: int = 512, max_texts: int = 2048, disk: SqlDisk | None = None
    ) -> None:
        self._templates: LruCache[Hashable, sge.Expression | None] = LruCache(max_templates)
        self._texts: LruCache[Hashable, str] = LruCache(max_texts)
        self._bound: LruCache[Hashable, str | None] = LruCache(max_templates)
        self._lock = threading.Lock()
        self.disk = disk
        self.compiles = 0  # expressions built and compiled (for tests and benchmarks)

    def clear(self) -> None:
        self._templates.clear()
        self._texts.clear()
        self._bound.clear()
        self.compiles = 0
        if self.disk is not None:
            self.disk.reset_counters()

    def _compile(self, backend: Any, expr: Any) -> sge.Expression:
        with self._lock:
            self.compiles += 1
        return backend.compiler.to_sqlglot(expr)

    def sql(self, backend: Any, shape: Hashable, build: Builder, params: Sequence[int] = ()) -> str:
        """The SQL of ``build(params)`` on ``backend``, values included; ``shape`` must determine
        the expression up to ``params`` (same shape, same expression with other integers)."""
        values = _check_params(params)
        dialect = _dialect(backend)
        exact = (dialect, shape, values)
        text = self._texts.get(exact)
        if text is not None:
            return text
        key = (dialect, shape, len(values))
        found, template = self._templates.lookup(key)
        if not found:
            tree = self._compile(backend, build(SENTINELS[: len(values)]))
            template = tree if _usable(tree, len(values)) else None
            self._templates.put(key, template)
        if template is None:  # parameters folded away: compile with the real values
            text = _render(backend, self._compile(backend, build(values)))
        else:
            text = _render(backend, substitute(template, values) if values else template)
        self._texts.put(exact, text)
        return text

    def _bound_text(self, source: Source, shape: Hashable, build: Builder, n: int) -> str | None:
        """The SQL of a shape with parameters ``$1``… (None: the shape has no template)."""
        key = (source.dialect, shape, n)
        found, text = self._bound.lookup(key)
        if found:
            return text
        disk_key = None if self.disk is None else self.disk.key(source.dialect, shape, n)
        text = None if self.disk is None else self.disk.get(disk_key)
        if text is None:
            backend = source.backend
            tree = self._compile(backend, build(SENTINELS[:n]))
            if _usable(tree, n):
                text = _render(backend, parametrize(tree, n))
                if any(str(s) in text for s in SENTINELS):  # a sentinel left over, somehow
                    text = None
                elif self.disk is not None:
                    self.disk.put(disk_key, text)
        self._bound.put(key, text)
        return text

    def statement(
        self, source: Source, shape: Hashable, build: Builder, params: Sequence[int] = ()
    ) -> Statement:
        """What to run for ``build(params)`` on ``source``: for a binding engine the shape's one
        text and the values to bind; else the SQL with the values (:meth:`sql`)."""
        values = _check_params(params)
        if source.dialect in BINDING:
            text = self._bound_text(source, shape, build, len(values))
            if text is not None:
                return Statement(text, values)
        return Statement(self.sql(source.backend, shape, build, values))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):  # e.g. PostgreSQL's EXTRACT and numeric sums
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _plain_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    odd = [i for i, v in enumerate(rows[0]) if isinstance(v, Decimal)] if rows else []
    if odd:
        rows = [tuple(_plain(v) for v in row) for row in rows]
    return rows


def fetch_tuples(backend: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` on ``backend``: its column names and rows (tuples of plain Python values).

    DB-API backends (DuckDB, PostgreSQL) are read through their cursor; others through Ibis.
    """
    cursor = backend.raw_sql(sql)
    try:
        description = getattr(cursor, "description", None)
        if description is None or not hasattr(cursor, "fetchall"):
            table = backend.sql(sql).to_pyarrow()
            return list(table.column_names), [tuple(r.values()) for r in table.to_pylist()]
        names = [d[0] for d in description]
        rows = cursor.fetchall()
    finally:
        # DuckDB's raw_sql hands back the backend's own connection: never close that one
        if cursor is not getattr(backend, "con", None) and hasattr(cursor, "close"):
            cursor.close()
    return names, _plain_rows(rows)


def fetch(backend: Any, sql: str) -> list[dict[str, Any]]:
    """Run ``sql`` on ``backend``; its rows as dicts of plain Python values."""
    names, rows = fetch_tuples(backend, sql)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _fetch_bound(connection: Any, statement: Statement) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``statement`` on a DuckDB connection (or cursor), parameters bound."""
    result = connection.execute(statement.sql, list(statement.params) or None)
    names = [d[0] for d in result.description]
    return names, _plain_rows(result.fetchall())


#: the session settings Ibis gives a DuckDB connection (``_post_connect`` of its DuckDB backend),
#: so that SQL runs alike whether or not Ibis made the connection (a cursor starts without them)
DUCKDB_SESSION = ("SET TimeZone = 'UTC'", "SET python_enable_replacements = false")


def duckdb_session(connection: Any) -> None:
    """Apply :data:`DUCKDB_SESSION` to a DuckDB connection or cursor."""
    for sql in DUCKDB_SESSION:
        connection.execute(sql)


def _duckdb_backend(connection: Any) -> Any:
    from pantau.metrics.lazy import ibis

    return ibis.duckdb.from_connection(connection)


class Runner(Source):
    """One open store: cached compiled SQL, run on it.

    Made from an Ibis backend (``Runner(backend, sqls)``), or from a DuckDB connection
    (``Runner.over_duckdb``), in which case the Ibis backend is made only if some shape has to
    be compiled."""

    def __init__(self, backend: Any, sqls: SqlCache) -> None:
        self._backend = backend
        self._make_backend: Callable[[], Any] | None = None
        self.sqls = sqls
        self.dialect = _dialect(backend) if backend is not None else "duckdb"
        self.connection: Any = None  # the DuckDB connection, when the store is DuckDB
        if self.dialect == "duckdb" and backend is not None:
            self.connection = getattr(backend, "con", None)
        self._con: Tables | None = None

    @classmethod
    def over_duckdb(cls, connection: Any, sqls: SqlCache) -> Runner:
        runner = cls(None, sqls)
        duckdb_session(connection)
        runner.connection = connection
        runner._make_backend = lambda: _duckdb_backend(connection)
        return runner

    @property
    def backend(self) -> Any:
        if self._backend is None:
            assert self._make_backend is not None
            self._backend = self._make_backend()
        return self._backend

    @property
    def con(self) -> Tables:
        """The store's tables, for building expressions."""
        if self._con is None:
            from pantau.metrics.sources.common import Tables

            self._con = Tables(self.backend)
        return self._con

    def statement(self, shape: Hashable, build: Builder, params: Sequence[int] = ()) -> Statement:
        return self.sqls.statement(self, shape, build, params)

    def execute(self, statement: Statement) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows (tuples) of ``statement``."""
        if self.connection is not None and self.dialect in BINDING:
            return _fetch_bound(self.connection, statement)
        assert not statement.params, "values are bound only on binding engines"
        return fetch_tuples(self.backend, statement.sql)

    def execute_all(
        self, statements: Sequence[Statement]
    ) -> list[tuple[list[str], list[tuple[Any, ...]]]]:
        """Column names and rows of each statement.

        On DuckDB, the statements that bind the same values run as *one* statement, their
        ``UNION ALL BY NAME``: DuckDB then spreads all of their work over its threads at once,
        where one small query after another leaves a core idle in each query's start and end
        (the eight source queries of a refresh at demo scale 10: about a quarter less time;
        docs/performance.md). The names and rows given for such a statement are the union's:
        every statement's columns (NULL in those that are not its own) and :data:`UNION_TAG`,
        so read its columns by name."""
        if not UNION or self.connection is None or self.dialect != "duckdb":
            return [self.execute(s) for s in statements]
        groups: dict[tuple[int, ...], list[int]] = {}
        for i, statement in enumerate(statements):
            groups.setdefault(statement.params, []).append(i)
        out: list[tuple[list[str], list[tuple[Any, ...]]]] = [([], [])] * len(statements)
        for params, members in groups.items():
            if len(members) == 1:
                out[members[0]] = self.execute(statements[members[0]])
                continue
            sql = " UNION ALL BY NAME ".join(
                f'SELECT {n} AS "{UNION_TAG}", * FROM ({statements[i].sql})'
                for n, i in enumerate(members)
            )
            names, rows = _fetch_bound(self.connection, Statement(sql, params))
            tag = names.index(UNION_TAG)
            split: list[list[tuple[Any, ...]]] = [[] for _ in members]
            for rec in rows:
                split[rec[tag]].append(rec)
            for n, i in enumerate(members):
                out[i] = (names, split[n])
        return out

    def rows(
        self, shape: Hashable, build: Builder, params: Sequence[int] = ()
    ) -> list[dict[str, Any]]:
        """The rows of the query ``build(params)`` (see :meth:`SqlCache.statement`)."""
        names, rows = self.table(shape, build, params)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def table(
        self, shape: Hashable, build: Builder, params: Sequence[int] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows (tuples) of the query ``build(params)``."""
        return self.execute(self.statement(shape, build, params))

    @staticmethod
    def literal(value: int) -> Any:
        """An integer parameter as an Ibis value (``int64``, whatever its size)."""
        from pantau.metrics.lazy import ibis

        return ibis.literal(value, type="int64")
