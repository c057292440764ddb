"""The examples in the reports' docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["csvsafe", "context", "sections", "digest"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"pantau.reports.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
