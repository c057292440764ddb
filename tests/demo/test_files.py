"""The demo files are valid Pantau template files: headers, values, keys and references."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta

import pytest

from pantau.demo import IMPORT_ORDER, DemoFiles
from pantau.model.records import ID_COLUMN, RECORD_TYPES, Column

BOOLS = {"true", "false", "1", "0", "yes", "no", "ya", "tidak"}
WIB = timedelta(hours=7)


def _valid(col: Column, value: str) -> bool:
    kind = col.kind
    if kind == "enum":
        return value.lower() in col.choices
    if kind == "timestamp":
        parsed = datetime.fromisoformat(value)
        return parsed.utcoffset() in (None, WIB)
    if kind == "date":
        return bool(date.fromisoformat(value))
    if kind == "month":
        return re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) is not None
    if kind == "period":
        return re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?", value) is not None
    if kind == "number":
        return float(value) == float(value)
    if kind == "integer":
        return str(int(value)) == value
    if kind == "fraction":
        return 0 <= float(value.removesuffix("%")) <= (100 if value.endswith("%") else 1)
    if kind == "bool":
        return value.lower() in BOOLS
    return value == value.strip() and "\n" not in value


def test_every_record_type_is_written(demo: DemoFiles) -> None:
    assert set(demo.paths) == set(RECORD_TYPES) == set(IMPORT_ORDER)
    assert all(demo.rows[name] > 0 for name in RECORD_TYPES)


@pytest.mark.parametrize("record_type", sorted(RECORD_TYPES))
def test_header_is_the_template(demo: DemoFiles, record_type: str) -> None:
    with demo.paths[record_type].open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == RECORD_TYPES[record_type].column_names


@pytest.mark.parametrize("record_type", sorted(RECORD_TYPES))
def test_values_are_valid(tables: dict[str, list[dict[str, str]]], record_type: str) -> None:
    rt = RECORD_TYPES[record_type]
    rows = tables[record_type]
    for col in rt.columns:
        values = [r[col.name] for r in rows]
        if col.required:
            assert all(values), f"{record_type}.{col.name}: empty required value"
        bad = [v for v in values if v and not _valid(col, v)]
        assert not bad, f"{record_type}.{col.name}: {bad[:5]}"
    for group in rt.one_of:
        assert all(any(r[c] for c in group) for r in rows)


@pytest.mark.parametrize("record_type", sorted(RECORD_TYPES))
def test_keys_are_unique(tables: dict[str, list[dict[str, str]]], record_type: str) -> None:
    rt = RECORD_TYPES[record_type]
    keys = [tuple(r[k] for k in rt.key) for r in tables[record_type]]
    assert len(keys) == len(set(keys))


def test_references_resolve(tables: dict[str, list[dict[str, str]]]) -> None:
    known = {t: {r[c] for r in tables[t]} for t, c in ID_COLUMN.items()}
    for name, rt in RECORD_TYPES.items():
        for col in rt.columns:
            if col.ref:
                unknown = {r[col.name] for r in tables[name]} - known[col.ref] - {""}
                assert not unknown, f"{name}.{col.name}: {sorted(unknown)[:5]}"


def test_stage_names_are_known(tables: dict[str, list[dict[str, str]]]) -> None:
    stages = {r["stage"] for r in tables["stages"]}
    assert {r["stage"] for r in tables["opportunities"]} <= stages
    assert {r["stage"] for r in tables["stage_history"]} <= stages


def test_nothing_happens_after_the_period(tables: dict[str, list[dict[str, str]]]) -> None:
    end = date(2026, 11, 1)
    for name, rt in RECORD_TYPES.items():
        for col in rt.columns:
            if col.kind not in ("timestamp", "date") or col.name in ("active_from", "active_to"):
                continue
            late = [
                r
                for r in tables[name]
                if r[col.name] and date.fromisoformat(r[col.name][:10]) >= end
            ]
            if name == "activities":  # only planned ones lie ahead
                assert all(r["status"] == "planned" for r in late)
            else:
                assert not late, f"{name}.{col.name}: {late[:2]}"
