"""The compiled row loop (``rows._row_code``) against the reference methods it writes out.

``Cell.value`` / ``Formula.value`` define a KPI's value from its parts and ``Cell.records`` the
records behind it; the generated ``make`` / ``counted`` must give exactly the same, for every
KPI of the catalogue, on both bases, with and without contact information, over parts that are
missing, null, zero, negative, integer or fractional.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.metrics.catalogue import CATALOGUE
from pantau.metrics.context import StoreContext
from pantau.metrics.engine import Request, needed_parts, resolve
from pantau.metrics.query import KpiQuery
from pantau.metrics.rows import Cell, Gathered, _row_code, assemble
from pantau.metrics.targets import TargetBook

TODAY = dt.date(2026, 11, 30)

PART_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=50),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
)


def _request(basis: str, contact: bool, by: str | None) -> Request:
    ctx = StoreContext(
        has_order_lines=basis == "orders",
        has_stages=True,
        has_contact_info=contact,
        data_end=24320,
    )
    return resolve(KpiQuery(start="2026-01", end="2026-03", by=by), ctx, TODAY)


def _names(request: Request) -> tuple[tuple[str, ...], tuple[str, ...]]:
    keyed: list[str] = []
    unkeyed: list[str] = []
    for (_source, is_keyed), parts in needed_parts(request).items():
        (keyed if is_keyed else unkeyed).extend(p.name for p in parts)
    return tuple(keyed), tuple(unkeyed)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("basis", ["orders", "deals"])
@pytest.mark.parametrize("contact", [True, False])
@pytest.mark.parametrize("by", [None, "rep", "source"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_compiled_rows_equal_the_reference(
    basis: str, contact: bool, by: str | None, data: st.DataObject
) -> None:
    request = _request(basis, contact, by)
    keyed_names, unkeyed_names = _names(request)
    # a part a source did not compute is left out of the layout (looked up as None)
    keyed_names = tuple(data.draw(st.lists(st.sampled_from(keyed_names), unique=True)))
    v = [data.draw(PART_VALUES) for _ in keyed_names]
    u = [data.draw(PART_VALUES) for _ in unkeyed_names]
    cells = tuple(Cell.of(kpi, request) for kpi in request.kpis)
    key_column = {"rep": "rep_id", "source": "source"}.get(by or "")
    make, counted = _row_code(cells, key_column, keyed_names, unkeyed_names)

    values = dict(zip(keyed_names, v, strict=True))
    period_values = dict(zip(unkeyed_names, u, strict=True))
    row = make(v, u, "2026-01", "r1")
    assert row["period"] == "2026-01"
    if key_column is not None:
        assert row[key_column] == "r1"
    assert len(row) == len(cells) + 1 + (key_column is not None)
    for cell in cells:
        expected = cell.value(values, period_values)
        assert _same(row[cell.kpi.id], expected), (cell.kpi.id, row[cell.kpi.id], expected)
    assert counted(v) == any(cell.records(values) for cell in cells if cell.n_names)


def test_assemble_orders_rows_and_drops_groups_without_records() -> None:
    request = _request("orders", True, "rep")
    keyed_names, unkeyed_names = _names(request)
    at = {n: i for i, n in enumerate(keyed_names)}

    def parts(**given: Any) -> list[Any]:
        out: list[Any] = [None] * len(keyed_names)
        for name, value in given.items():
            out[at[name]] = value
        return out

    gathered = Gathered(
        keyed_names,
        unkeyed_names,
        {
            (24313, "b"): parts(ord_lines=2, ord_net=300.0),
            (24312, None): parts(ord_lines=1, ord_net=5.0),
            (24312, "a"): parts(ord_lines=1, ord_net=10.0),
            (24312, "z"): parts(),  # no records behind any KPI: no row
        },
        {},
    )
    rows = assemble(request, gathered, TargetBook({}))
    assert [(r["period"], r["rep_id"]) for r in rows] == [
        ("2026-01", "a"),
        ("2026-01", None),
        ("2026-02", "b"),
    ]
    assert [r["sales_volume"] for r in rows] == [10.0, 5.0, 300.0]
    assert all(r["targets"] == {} for r in rows)


def test_catalogue_ids_are_identifiers() -> None:
    # the row loop writes KPI ids into code as dict keys; only identifiers are accepted
    assert all(kpi.id.isidentifier() for kpi in CATALOGUE)


def test_only_identifiers_are_written_into_code() -> None:
    request = _request("orders", True, None)
    odd = replace(request.kpis[0], id="win_rate']); import os; (['")
    cells = (Cell.of(odd, replace(request, kpis=(odd,))),)
    with pytest.raises(ValueError, match="not an identifier"):
        _row_code(cells, None, (), ())
    with pytest.raises(ValueError, match="not an identifier"):
        _row_code((), "rep id", (), ())


@pytest.mark.parametrize("basis", ["orders", "deals"])
@pytest.mark.parametrize("by", [None, "rep", "team", "region", "source", "product", "segment"])
def test_part_names_are_unique_across_sources(basis: str, by: str | None) -> None:
    # _gather lays the parts of all slabs side by side by name (and the source queries run as
    # one union by name): a name computed by two sources would be ambiguous there
    from pantau.metrics.engine import catalogue_parts

    names = [p.name for parts in catalogue_parts(basis, by).values() for p in parts]
    assert len(names) == len(set(names))
