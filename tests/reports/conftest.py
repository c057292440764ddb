"""Fixtures of the report tests: the small company of :mod:`.company`, loaded once per module."""

from __future__ import annotations

import pytest

from pantau.store import Store

from .company import load_company


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The small company, one store per test module (the tests only read it)."""
    folder = tmp_path_factory.mktemp("company")
    return load_company(Store(folder / "company.duckdb"), folder)
