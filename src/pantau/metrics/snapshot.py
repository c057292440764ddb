"""What one version of a store looks like to the engine: settings, targets, import log position.

A :class:`Snapshot` is read once per (store, data version) and kept: its settings, its targets
(:class:`TargetBook`), the id of its last import (where the import log stands, for the
aggregate layer's incremental refresh) and, per month cap, its :class:`StoreContext`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pantau.metrics.compiled import Runner
from pantau.metrics.context import (
    StoreContext,
    after_cap,
    context_expr,
    context_from_rows,
    shape_expr,
    shape_from_rows,
)
from pantau.metrics.targets import TargetBook
from pantau.store.schema import DEFAULT_SETTINGS

TARGET_COLUMNS = ("kpi", "period", "target", "scope", "scope_id")


def _meta(runner: Runner) -> Any:
    meta, imports = runner.con.table("pantau_meta"), runner.con.table("imports")
    version = meta.filter(meta.key == "data_version").aggregate(
        data_version=meta.value.cast("int64").max()
    )
    return version.cross_join(imports.aggregate(last_import=imports.import_id.max()))


def read_meta(runner: Runner) -> tuple[int, int]:
    """``(data_version, id of the last import)`` of the store (0 when none)."""
    row = runner.rows(("meta",), lambda _p: _meta(runner))[0]
    return int(row["data_version"] or 0), int(row["last_import"] or 0)


def read_context(runner: Runner, cap: int) -> StoreContext:
    """The store context with data ends capped at month ordinal ``cap``."""

    def build(params: Sequence[int]) -> Any:
        return context_expr(runner.con, runner.literal(params[0]), runner.literal(params[1]))

    return context_from_rows(runner.rows(("context",), build, after_cap(cap)))


def read_shape(runner: Runner) -> StoreContext:
    """The store context without its data end (``data_end`` None): all a query with an end
    month needs (a cheaper statement: no scan for the latest records)."""
    return shape_from_rows(runner.rows(("context-shape",), lambda _p: shape_expr(runner.con)))


@dataclass
class Snapshot:
    """One version of one store, as far as the engine needs it."""

    version: int
    last_import: int
    settings: dict[str, str]
    book: TargetBook
    _contexts: dict[int, StoreContext] = field(default_factory=dict)
    _shape: StoreContext | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def key_activity_type(self) -> str:
        return self.settings["key_activity_type"].strip().lower()

    def context(self, cap: int, need_end: bool = True) -> StoreContext | None:
        """The context for month cap ``cap`` if known; ``need_end=False``: a query that names
        its end month, for which the shape (``data_end`` None) is enough."""
        with self._lock:
            found = self._contexts.get(cap)
            if found is None and not need_end:
                found = self._shape
            return found

    def remember_context(self, cap: int, ctx: StoreContext) -> None:
        with self._lock:
            if len(self._contexts) > 16:  # a long-running process crosses a month boundary
                self._contexts.clear()
            self._contexts[cap] = ctx
            if self._shape is None:
                self._shape = replace(ctx, data_end=None)

    def remember_shape(self, shape: StoreContext) -> None:
        with self._lock:
            self._shape = replace(shape, data_end=None)


def load_snapshot(runner: Runner, version: int, last_import: int) -> Snapshot:
    """Read settings and targets of the store version open in ``runner``."""
    settings = dict(DEFAULT_SETTINGS)
    rows = runner.rows(("table", "settings"), lambda _p: runner.con.table("settings"))
    settings.update({r["key"]: r["value"] for r in rows})
    names, targets = runner.table(
        ("targets",), lambda _p: runner.con.table("targets").select(*TARGET_COLUMNS)
    )
    return Snapshot(version, last_import, settings, TargetBook.from_table(names, targets))
