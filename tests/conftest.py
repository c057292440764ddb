"""Shared fixtures: an isolated store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh, empty store in a temporary folder."""
    return Store(tmp_path / "test.duckdb")
