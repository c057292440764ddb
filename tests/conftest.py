"""Shared fixtures: an isolated store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.store import Store

#: the ``engine`` fixture (duckdb / postgres / spark) for suites run on every engine
pytest_plugins = ("engines.fixtures",)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh, empty store in a temporary folder."""
    return Store(tmp_path / "test.duckdb")
