"""Analysis views over the canonical tables: stage funnel, retention cohorts, data quality.

Each view is one function that returns a JSON-able dict (the web API returns it as is; the CLI
renders it): :func:`pantau.analysis.funnel.compute_funnel`,
:func:`pantau.analysis.cohorts.compute_cohorts` and
:func:`pantau.analysis.quality.compute_quality`. They are also importable from this package;
the submodules (and Ibis) load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_FUNCTIONS = {
    "compute_funnel": "pantau.analysis.funnel",
    "compute_cohorts": "pantau.analysis.cohorts",
    "compute_quality": "pantau.analysis.quality",
}

__all__ = sorted(_FUNCTIONS)


def __getattr__(name: str) -> Any:
    if name in _FUNCTIONS:
        return getattr(import_module(_FUNCTIONS[name]), name)
    raise AttributeError(f"module 'pantau.analysis' has no attribute {name!r}")
