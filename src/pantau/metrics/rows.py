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
    when the breakdown does not apply) and whether the store lacks what it needs."""

    kpi: KpiDef
    formula: Formula | None
    unknown: bool  # e.g. speed to lead in a store without any first-contact information

    @classmethod
    def of(cls, kpi: KpiDef, request: Request) -> Cell:
        applies = kpi.applies(request.by, request.basis)
        formula = kpi.formula_for(request.basis) if applies else None
        return cls(kpi, formula, kpi.needs_contact_info and not request.ctx.has_contact_info)

    def records(self, values: Values) -> int:
        """Number of records behind the KPI in one group."""
        if self.formula is None:
            return 0
        return sum(int(values.get(part.name) or 0) for part in self.formula.n)

    def _known(self, period_values: Values) -> bool:
        when = self.kpi.known_when
        return not self.unknown and (when is None or bool(period_values.get(when.name)))

    def value(self, values: Values, period_values: Values) -> float | int | None:
        f = self.formula
        if f is None or not self._known(period_values):
            return None
        return f.value(
            _get(f.numerator, values, period_values), _get(f.denominator, values, period_values)
        )

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
    request: Request, p: int, key: str | None, actuals: dict[str, Any], book: TargetBook
) -> dict[str, Any]:
    scope = row_scope(request.by, key, request.scope)
    out: dict[str, Any] = {}
    if scope is None or not book.values:
        return out
    for kpi in request.kpis:
        target = book.target(kpi, scope, request.grain, p)
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
    row["targets"] = _targets(request, p, key, row, book)
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
    return [
        _row(request, cells, p, key, keyed[(p, key)], unkeyed.get(p, {}), book)
        for p, key in sorted(keyed, key=_order)
        if any(cell.records(keyed[(p, key)]) for cell in cells)
    ]
