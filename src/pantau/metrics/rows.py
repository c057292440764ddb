"""Result rows: KPI values, parts and targets from the aggregated parts of each (period, key)."""

from __future__ import annotations

from dataclasses import dataclass
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


def _targets(
    request: Request,
    p: int,
    key: str | None,
    actuals: dict[str, Any],
    book: TargetBook,
    kpis: tuple[KpiDef, ...],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not book.values:
        return out
    scope = row_scope(request.by, key, request.scope)
    if scope is None:
        return out
    ids = book.kpis_of(scope)
    if not ids:
        return out
    grain = request.grain
    for kpi in kpis:
        if kpi.id not in ids:
            continue
        target = book.target(kpi, scope, grain, p)
        if target is not None:
            out[kpi.id] = judge(kpi, actuals[kpi.id], target)
    return out


def _row(
    request: Request,
    cells: list[Cell],
    p: int,
    key: str | None,
    values: Values,
    period_values: Values,
    book: TargetBook,
) -> dict[str, Any]:
    row: dict[str, Any] = {"period": label(p, request.grain)}
    if request.by is not None:
        row[KEY_COLUMNS[request.by]] = key
    for cell in cells:
        row[cell.kpi.id] = cell.value(values, period_values)
    row["targets"] = _targets(request, p, key, row, book, request.kpis)
    if request.include_parts:
        row["parts"] = {cell.kpi.id: cell.parts(values, period_values) for cell in cells}
    return row


def _order(item: tuple[int, str | None]) -> tuple[int, bool, str]:
    p, key = item
    return p, key is None, key or ""


def assemble(
    request: Request,
    keyed: dict[Any, Values],
    unkeyed: dict[int, Values],
    book: TargetBook,
) -> list[dict[str, Any]]:
    """The result rows, sorted by period then key (nulls last); a row exists where some
    requested KPI has records behind it."""
    cells = [Cell.of(kpi, request) for kpi in request.kpis]
    counted = [cell for cell in cells if cell.n_names]
    return [
        _row(request, cells, p, key, keyed[(p, key)], unkeyed.get(p, {}), book)
        for p, key in sorted(keyed, key=_order)
        if any(cell.records(keyed[(p, key)]) for cell in counted)
    ]
