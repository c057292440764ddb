"""A small demo, generated once per test session (scale 0.2: ~2 000 opportunities)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from pantau.demo import DemoFiles, generate_demo

END = "2026-10"
SCALE = 0.2


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_demo(tmp_path_factory.mktemp("demo"), scale=SCALE, end_month=END)


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV file as dicts of text ('' for an empty cell)."""
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@pytest.fixture(scope="session")
def tables(demo: DemoFiles) -> dict[str, list[dict[str, str]]]:
    return {name: list(read_rows(path)) for name, path in demo.paths.items()}
