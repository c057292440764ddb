"""The shape of a KPI definition (:class:`KpiDef`) and of the catalogue's groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pantau.metrics.parts import Formula, Part

Group = Literal["peluang", "keefektifan", "holistik"]
Unit = Literal["count", "amount", "ratio", "minutes", "days"]
Direction = Literal["higher", "lower"]

#: group → (Indonesian heading, English heading), in spec order
GROUPS: dict[str, tuple[str, str]] = {
    "peluang": ("Peluang", "Opportunities"),
    "keefektifan": ("Keefektifan penjualan", "Sales effectiveness"),
    "holistik": ("Penjualan holistik", "Holistic sales"),
}


@dataclass(frozen=True)
class KpiDef:
    """One KPI of ``kpis.md``: its texts, unit, anchor, breakdowns and Ibis formula(s).

    ``formula`` is used on the order basis (and on both when ``deal_formula`` is None);
    ``deal_formula`` on the deal basis. ``additive``: a quarter's or year's target may be
    summed from its months'. ``needs_contact_info``: null when the store holds no first-contact
    information at all. ``known_when``: an unkeyed part; the value is null in periods where it
    is 0 (cost of sales without any cost rows).
    """

    id: str
    group: Group
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    unit: Unit
    direction: Direction
    anchor: str
    breakdowns: tuple[str, ...]
    formula: Formula
    deal_formula: Formula | None = None
    deal_only_breakdowns: tuple[str, ...] = ()
    additive: bool = False
    needs_contact_info: bool = False
    known_when: Part | None = None
    example_id: str = ""
    example_en: str = ""
    edge_cases: tuple[tuple[str, str], ...] = ()  # (Indonesian, English)

    def formula_for(self, basis: str) -> Formula:
        """The formula on ``basis`` ('orders' or 'deals')."""
        if basis == "deals" and self.deal_formula is not None:
            return self.deal_formula
        return self.formula

    def applies(self, by: str | None, basis: str) -> bool:
        """Whether the KPI is defined under breakdown ``by`` on ``basis``."""
        if by is None:
            return True
        if by in self.deal_only_breakdowns and basis != "deals":
            return False
        return by in self.breakdowns

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_id

    @property
    def has_attainment(self) -> bool:
        """Targets of counts and amounts where higher is better give an attainment (÷)."""
        return self.unit in ("count", "amount") and self.direction == "higher"

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every part of every basis (for explain and docs)."""
        deal = self.deal_formula.parts if self.deal_formula else ()
        return tuple(dict.fromkeys((*self.formula.parts, *deal)))
