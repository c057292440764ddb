"""Compiled SQL, cached: Ibis expressions are built and compiled once per query shape.

Building a KPI query as an Ibis expression and compiling it costs tens of milliseconds per source
table, more than running it on a small store. :class:`SqlCache` keeps, per (backend dialect,
query shape), the syntax tree that the backend's own compiler (``backend.compiler``, sqlglot
underneath) produced, so the SQL stays that of the engine it runs on.

Integer parameters (period bounds, a month cap, an import id) are not part of the shape: the
expression is built once with *sentinel* integers in their place, and each use substitutes the
real values into the syntax tree (never into SQL text) before rendering it in the backend's
dialect. Only Python ``int`` values are accepted; strings (scope ids) stay part of the shape and
are quoted by the compiler like any literal. A shape whose sentinels do not survive compilation
as plain literals is compiled afresh for each use (correct, just not cached).

:func:`fetch` runs SQL through the backend's DB-API cursor and returns plain Python rows, which
avoids the Arrow/pandas conversion (and the pandas import) of ``backend.to_pyarrow``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from typing import Any

import ibis
import sqlglot as sg
import sqlglot.expressions as sge

from pantau.metrics.cache import LruCache
from pantau.metrics.sources.common import Tables

#: stand-ins for integer parameters while compiling a shape (far outside any period ordinal)
SENTINELS: tuple[int, ...] = tuple(9_176_500_001 + i * 1_000_003 for i in range(8))
#: literals this close to a sentinel but not one mean the builder did arithmetic on a parameter
#: in Python (the template would keep a wrong constant): no template for such a shape
_NEAR = 100_000_000

Builder = Callable[[Sequence[int]], Any]  # parameter values -> Ibis expression


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
    return tree.sql(dialect=backend.dialect, unsupported_level=sg.ErrorLevel.RAISE)


def _usable(tree: sge.Expression, n: int) -> bool:
    """Whether each of the first ``n`` sentinels survived compilation as a literal, and no other
    literal was derived from one."""
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
    values = {str(s): v for s, v in zip(SENTINELS, params, strict=False)}

    def swap(node: sge.Expression) -> sge.Expression:
        if isinstance(node, sge.Literal) and not node.is_string and node.this in values:
            return sge.Literal.number(values[node.this])
        return node

    return tree.transform(swap, copy=True)


class SqlCache:
    """SQL per (dialect, shape, parameters), from templates per (dialect, shape)."""

    def __init__(self, max_templates: int = 512, max_texts: int = 2048) -> None:
        self._templates: LruCache[Hashable, sge.Expression | None] = LruCache(max_templates)
        self._texts: LruCache[Hashable, str] = LruCache(max_texts)
        self._lock = threading.Lock()
        self.compiles = 0  # expressions built and compiled (for tests and benchmarks)

    def clear(self) -> None:
        self._templates.clear()
        self._texts.clear()
        self.compiles = 0

    def _compile(self, backend: Any, expr: Any) -> sge.Expression:
        with self._lock:
            self.compiles += 1
        return backend.compiler.to_sqlglot(expr)

    def sql(self, backend: Any, shape: Hashable, build: Builder, params: Sequence[int] = ()) -> str:
        """The SQL of ``build(params)`` on ``backend``; ``shape`` must determine the expression
        up to ``params`` (same shape, same expression with other integers)."""
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


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):  # e.g. PostgreSQL's EXTRACT and numeric sums
        return int(value) if value == value.to_integral_value() else float(value)
    return value


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
    odd = [i for i, v in enumerate(rows[0]) if isinstance(v, Decimal)] if rows else []
    if odd:
        rows = [tuple(_plain(v) for v in row) for row in rows]
    return names, rows


def fetch(backend: Any, sql: str) -> list[dict[str, Any]]:
    """Run ``sql`` on ``backend``; its rows as dicts of plain Python values."""
    names, rows = fetch_tuples(backend, sql)
    return [dict(zip(names, row, strict=True)) for row in rows]


class Runner:
    """One open backend: its tables for building expressions, and cached compiled SQL."""

    def __init__(self, backend: Any, sqls: SqlCache) -> None:
        self.backend = backend
        self.con = Tables(backend)
        self.sqls = sqls

    def rows(
        self, shape: Hashable, build: Builder, params: Sequence[int] = ()
    ) -> list[dict[str, Any]]:
        """The rows of the query ``build(params)`` (see :meth:`SqlCache.sql`)."""
        return fetch(self.backend, self.sqls.sql(self.backend, shape, build, params))

    def table(
        self, shape: Hashable, build: Builder, params: Sequence[int] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows (tuples) of the query ``build(params)``."""
        return fetch_tuples(self.backend, self.sqls.sql(self.backend, shape, build, params))

    @staticmethod
    def literal(value: int) -> Any:
        """An integer parameter as an Ibis value (``int64``, whatever its size)."""
        return ibis.literal(value, type="int64")
