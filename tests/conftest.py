"""Shared fixtures: an isolated store per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pantau.store import Store

#: the ``engine`` fixture (duckdb / postgres / spark) for suites run on every engine
pytest_plugins = ("engines.fixtures",)

_CACHE_ENV = "PANTAU_CACHE_DIR"
_saved_cache_dir: list[str | None] = []


def pytest_configure(config: pytest.Config) -> None:
    """Pantau's cache folder (compiled SQL, pantau.metrics.sqldisk) is a temporary folder for
    the whole run, subprocesses included: tests never write to the user's ~/.cache."""
    _saved_cache_dir.append(os.environ.get(_CACHE_ENV))
    os.environ[_CACHE_ENV] = tempfile.mkdtemp(prefix="pantau-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.pop(_CACHE_ENV, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    if _saved_cache_dir and _saved_cache_dir[0] is not None:
        os.environ[_CACHE_ENV] = _saved_cache_dir[0]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh, empty store in a temporary folder."""
    return Store(tmp_path / "test.duckdb")
