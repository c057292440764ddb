"""Fixtures of the analysis tests: a store per test, or one per module, and ``add``."""

from __future__ import annotations

from typing import Any

import pytest

from pantau.store import Store

from .helpers import Insert, insert


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One store for a whole test module (the analysis views only read it)."""
    return Store(tmp_path_factory.mktemp("analysis") / "shared.duckdb")


@pytest.fixture
def add(store: Store) -> Insert:
    """``add("opportunities", {...}, {...})`` writes canonical rows into the test store."""

    def _add(table: str, *rows: dict[str, Any]) -> None:
        insert(store, table, *rows)

    return _add
