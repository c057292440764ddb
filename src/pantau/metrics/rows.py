"""Result rows: KPI values, parts and targets from the aggregated parts of each (period, key)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pantau.metrics.kpidef import KpiDef
from pantau.metrics.parts import Formula, Part
from pantau.metrics.periods import label
from pantau.metrics.query import KEY_COLUMNS
from pantau.metrics.targets import TargetBook, judge, row_scope

if TYPE_CHECKING:
    from pantau.metrics.engine import Request

Values = dict[str, Any]
NO_PARTS = {"numerator": None, "denominator": None, "n": None}


def _get(part: Part | None, values: Values, period_values: Values) -> Any:
    if part is None:
        return None
    return (values if part.keyed else period_values).get(part.name)


@dataclass(frozen=True)
class Cell:
    """A requested KPI as this request computes it: its formula on the store's basis (None
    when the breakdown does not apply) and whether the store lacks what it needs.

    The part names the row loop looks up are resolved once here (rows are many)."""

    kpi: KpiDef
    formula: Formula | None
    unknown: bool  # e.g. speed to lead in a store without any first-contact information
    n_names: tuple[str, ...] = ()
    known_when: str | None = None
    num: tuple[str, bool] | None = None  # (part name, keyed)
    den: tuple[str, bool] | None = None

    @classmethod
    def of(cls, kpi: KpiDef, request: Request) -> Cell:
        applies = kpi.applies(request.by, request.basis)
        formula = kpi.formula_for(request.basis) if applies else None
        unknown = kpi.needs_contact_info and not request.ctx.has_contact_info
        when = kpi.known_when.name if kpi.known_when is not None else None
        if formula is None:
            return cls(kpi, None, unknown, (), when)
        num = (formula.numerator.name, formula.numerator.keyed)
        den = formula.denominator
        return cls(
            kpi,
            formula,
            unknown,
            tuple(p.name for p in formula.n),
            when,
            num,
            (den.name, den.keyed) if den is not None else None,
        )

    def records(self, values: Values) -> int:
        """Number of records behind the KPI in one group."""
        return sum(int(values.get(name) or 0) for name in self.n_names)

    def value(self, values: Values, period_values: Values) -> float | int | None:
        f = self.formula
        if f is None or self.unknown:
            return None
        if self.known_when is not None and not period_values.get(self.known_when):
            return None
        assert self.num is not None  # set whenever the formula is
        name, keyed = self.num
        num = (values if keyed else period_values).get(name)
        den = None
        if self.den is not None:
            name, keyed = self.den
            den = (values if keyed else period_values).get(name)
        return f.value(num, den)

    def parts(self, values: Values, period_values: Values) -> dict[str, Any]:
        """``{"numerator", "denominator", "n"}`` behind the value (see docs/kpis.md)."""
        f = self.formula
        if f is None:
            return dict(NO_PARTS)
        num = _get(f.numerator, values, period_values)
        den = _get(f.denominator, values, period_values)
        if f.kind == "median":
            num = None
        elif f.denominator is not None:
            num, den = num or 0, den or 0
        else:
            num = f.value(num, None)
        return {"numerator": num, "denominator": den, "n": self.records(values)}


@dataclass
class Gathered:
    """The aggregated parts of a request, laid out for the row loop: per (period, key) one list
    of the keyed parts (in ``keyed_names`` order) and per period one list of the unkeyed parts
    (``unkeyed_names``); a part no source computed is ``None``."""

    keyed_names: tuple[str, ...]
    unkeyed_names: tuple[str, ...]
    keyed: dict[tuple[int, Any], list[Any]]
    unkeyed: dict[int, list[Any]]

    @classmethod
    def from_dicts(cls, keyed: Mapping[Any, Values], unkeyed: Mapping[int, Values]) -> Gathered:
        """From parts held by name (the direct computation)."""
        k_names = tuple(dict.fromkeys(n for values in keyed.values() for n in values))
        u_names = tuple(dict.fromkeys(n for values in unkeyed.values() for n in values))
        return cls(
            k_names,
            u_names,
            {g: [values.get(n) for n in k_names] for g, values in keyed.items()},
            {p: [values.get(n) for n in u_names] for p, values in unkeyed.items()},
        )

    def values(self, group: tuple[int, Any]) -> Values:
        """The keyed parts of one group, by name."""
        return dict(zip(self.keyed_names, self.keyed[group], strict=True))

    def period_values(self, p: int) -> Values:
        """The unkeyed parts of one period, by name."""
        found = self.unkeyed.get(p)
        return {} if found is None else dict(zip(self.unkeyed_names, found, strict=True))


# -- the row loop, compiled ------------------------------------------------------------------
#
# A result has thousands of rows of a dozen and more KPIs each, and the same few formulas are
# evaluated for every row. :func:`_row_code` writes them out, once per shape of request, as the
# body of two small Python functions over the part lists (no per-value call or name lookup);
# each expression is exactly the arithmetic of :meth:`Formula.value` / :meth:`Cell.value` /
# :meth:`Cell.records`, and the test suite compares the rows with those methods. Only KPI ids
# of the catalogue (identifiers), key column names, list positions and fixed operators are
# written into the code: nothing from a request or a store.


def _ref(name: str | None, keyed: bool, k_at: Mapping[str, int], u_at: Mapping[str, int]) -> str:
    if name is None:
        return "None"
    at = (k_at if keyed else u_at).get(name)
    return "None" if at is None else f"{'v' if keyed else 'u'}[{at}]"


def _value_code(i: int, cell: Cell, k_at: Mapping[str, int], u_at: Mapping[str, int]) -> str:
    f = cell.formula
    if f is None or cell.unknown or cell.num is None:
        return "None"
    num = _ref(*cell.num, k_at, u_at)
    den = _ref(*cell.den, k_at, u_at) if cell.den is not None else "None"
    if f.kind == "count":
        code = f"int({num} or 0)"
    elif f.kind == "sum":
        code = f"float({num} or 0.0)"
    elif f.kind == "median":
        code = f"(None if (m{i} := {num}) is None else float(m{i}))"
    elif f.kind in ("ratio", "complement"):
        ratio = f"float({num} or 0.0) / float(d{i})"
        if f.kind == "complement":
            ratio = f"1.0 - {ratio}"
        code = f"(None if not (d{i} := {den}) else {ratio})"
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(f"formula kind {f.kind!r}")
    if cell.known_when is not None:
        code = f"({code} if {_ref(cell.known_when, False, k_at, u_at)} else None)"
    return code


def _records_code(cell: Cell, k_at: Mapping[str, int]) -> str:
    terms = [f"int(v[{k_at[n]}] or 0)" for n in cell.n_names if n in k_at]
    return f"({' + '.join(terms)})" if terms else "0"


RowMaker = Callable[[list[Any], list[Any], str, Any], dict[str, Any]]
Counted = Callable[[list[Any]], bool]


@lru_cache(maxsize=256)
def _row_code(
    cells: tuple[Cell, ...],
    key_column: str | None,
    keyed_names: tuple[str, ...],
    unkeyed_names: tuple[str, ...],
) -> tuple[RowMaker, Counted]:
    """``make(v, u, period, key)``: the row's values; ``counted(v)``: whether some requested KPI
    has records in the group (see :func:`assemble`)."""
    k_at = {n: i for i, n in enumerate(keyed_names)}
    u_at = {n: i for i, n in enumerate(unkeyed_names)}
    written = [cell.kpi.id for cell in cells] + ([key_column] if key_column is not None else [])
    for name in written:  # (never fails for the catalogue: checked by the tests too)
        if not name.isidentifier():
            raise ValueError(f"not an identifier, not written into code: {name!r}")
    items = ['"period": period']
    if key_column is not None:
        items.append(f"{key_column!r}: key")
    for i, cell in enumerate(cells):
        items.append(f"{cell.kpi.id!r}: {_value_code(i, cell, k_at, u_at)}")
    counted = [_records_code(c, k_at) for c in cells if c.n_names]
    source = (
        "def make(v, u, period, key):\n"
        f"    return {{{', '.join(items)}}}\n"
        "def counted(v):\n"
        f"    return bool({' or '.join(counted) if counted else 'False'})\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<pantau.metrics.rows>", "exec"), {"__builtins__": _BUILTINS}, namespace)
    return namespace["make"], namespace["counted"]


_BUILTINS = {"int": int, "float": float, "bool": bool, "None": None}


class _Targets:
    """The targets of the rows of one request (rows of one key share their scope)."""

    def __init__(self, request: Request, book: TargetBook) -> None:
        self.request = request
        self.book = book
        self._kpis: dict[Any, tuple[tuple[str, str | None], tuple[KpiDef, ...]] | None] = {}

    def _of(self, key: Any) -> tuple[tuple[str, str | None], tuple[KpiDef, ...]] | None:
        if key in self._kpis:
            return self._kpis[key]
        request = self.request
        scope = row_scope(request.by, key, request.scope)
        found = None
        if scope is not None:
            ids = self.book.kpis_of(scope)
            kpis = tuple(k for k in request.kpis if k.id in ids)
            found = (scope, kpis) if kpis else None
        self._kpis[key] = found
        return found

    def __call__(self, p: int, key: Any, row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        found = self._of(key)
        if found is None:
            return out
        scope, kpis = found
        grain, book = self.request.grain, self.book
        given = book.values.get
        kind, scope_id = scope
        for kpi in kpis:
            # the period's own target first (the common case), else the book's rules
            target = given((kpi.id, kind, scope_id, grain, p))
            if target is None and grain != "month":
                target = book.target(kpi, scope, grain, p)
            if target is not None:
                out[kpi.id] = judge(kpi, row[kpi.id], target)
        return out


def _order(item: tuple[int, str | None]) -> tuple[int, bool, str]:
    p, key = item
    return p, key is None, key or ""


def assemble(request: Request, parts: Gathered, book: TargetBook) -> list[dict[str, Any]]:
    """The result rows, sorted by period then key (nulls last); a row exists where some
    requested KPI has records behind it."""
    cells = tuple(Cell.of(kpi, request) for kpi in request.kpis)
    key_column = KEY_COLUMNS[request.by] if request.by is not None else None
    make, counted = _row_code(cells, key_column, parts.keyed_names, parts.unkeyed_names)
    targets = _Targets(request, book) if book.values else None
    no_period: list[Any] = [None] * len(parts.unkeyed_names)
    labels: dict[int, str] = {}
    rows = []
    keyed, unkeyed = parts.keyed, parts.unkeyed
    for group in sorted(keyed, key=_order):
        v = keyed[group]
        if not counted(v):
            continue
        p, key = group
        period = labels.get(p)
        if period is None:
            period = labels[p] = label(p, request.grain)
        row = make(v, unkeyed.get(p, no_period), period, key)
        row["targets"] = {} if targets is None else targets(p, key, row)
        if request.include_parts:
            values, period_values = parts.values(group), parts.period_values(p)
            row["parts"] = {cell.kpi.id: cell.parts(values, period_values) for cell in cells}
        rows.append(row)
    return rows
