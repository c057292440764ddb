"""Ibis, imported on first use.

The modules that build KPI expressions refer to ``ibis`` at call time only, so importing
:mod:`pantau.metrics` does not import Ibis (nor sqlglot underneath): a process whose compiled SQL
is all on disk (:mod:`pantau.metrics.sqldisk`) never needs them. Those modules write::

    if TYPE_CHECKING:
        import ibis
    else:
        from pantau.metrics.lazy import ibis

so type checkers see the real module.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for module ``name``; imports it at the first attribute looked up."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


ibis: Any = LazyModule("ibis")
