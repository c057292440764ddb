"""The building blocks of a KPI: aggregate *parts* over a source's facts and a *formula*.

A :class:`Part` is one named aggregate (a count, a sum, a distinct count, a median) over the facts
table of one source (leads, activities, opportunities, order lines, sales costs, collateral use).
The engine groups every part of a source into one aggregate query per (period, key). A
:class:`Formula` says how a KPI's value follows from its parts, so that a ratio is always
recomputed from its numerator and denominator at whatever grain is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

FormulaKind = Literal["count", "sum", "ratio", "complement", "median"]


@dataclass(frozen=True)
class Part:
    """One aggregate over the facts of ``source``.

    ``keyed`` parts are grouped by (period, breakdown key) and filtered by the caller's scope;
    the others are per period over the whole store (e.g. the collateral items available).
    """

    name: str
    source: str
    build: Callable[[Any], Any]  # facts table → Ibis scalar aggregate
    keyed: bool = True


@dataclass(frozen=True)
class Formula:
    """How a KPI's value follows from its parts.

    - ``count`` / ``sum``: the numerator (0 over no records);
    - ``ratio``: numerator ÷ denominator, ``None`` when the denominator is 0;
    - ``complement``: 1 − numerator ÷ denominator (discount rate = 1 − price realization);
    - ``median``: the numerator is a median (``None`` over no records).

    ``n`` are the parts counting the records behind the KPI (summed): a row exists where some
    requested KPI has records.
    """

    kind: FormulaKind
    numerator: Part
    n: tuple[Part, ...]
    denominator: Part | None = None

    @property
    def parts(self) -> tuple[Part, ...]:
        extra = (self.denominator,) if self.denominator is not None else ()
        return (self.numerator, *extra, *self.n)

    def value(self, num: Any, den: Any) -> float | int | None:
        """The KPI value from the aggregated numerator and denominator (None = no records)."""
        if self.kind == "count":
            return int(num or 0)
        if self.kind == "sum":
            return float(num or 0.0)
        if self.kind == "median":
            return None if num is None else float(num)
        if not den:
            return None
        ratio = float(num or 0.0) / float(den)
        return 1.0 - ratio if self.kind == "complement" else ratio
