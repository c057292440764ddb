"""*KPIs made unreliable*: how much of the data a KPI rests on is missing or suspect.

Each indicator is a share: affected records ÷ the records the KPI is computed over, with the KPI
ids it affects (which depend on the revenue basis) and a severity. The severity follows the
share: none (0 or nothing to compute over), low (< 5 %), medium (< 20 %), high (≥ 20 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from pantau.analysis.common import ratio, stack
from pantau.analysis.queries import (
    Context,
    counting_lines,
    leads_with_contact,
    opportunities,
    with_product_prices,
)
from pantau.i18n import gettext as _

#: share thresholds: below LOW is "low", below MEDIUM is "medium", else "high"
LOW, MEDIUM = 0.05, 0.20

#: sales KPIs computed from won opportunities on the deal basis
DEAL_SALES = ("sales_volume", "gross_margin", "price_realization", "discount_rate")
WON_DEAL_KPIS = ("deal_value_held", "avg_deal_size")

LABELS = {
    "won_without_amount": "Won opportunities without an amount",
    "closed_without_date": "Won or lost opportunities without a close date",
    "unknown_stage": "Opportunities in a stage that is not loaded (counted as open)",
    "negative_sales_cycle": "Won opportunities closed before they were created",
    "won_without_quote": "Won opportunities without a quoted amount",
    "leads_without_contact": "Leads without any first-contact information",
    "contact_before_creation": "Leads contacted before they were created",
    "lines_without_cost": "Order lines without any cost",
    "lines_without_list_price": "Order lines without any list price",
    "deals_without_cost": "Won opportunities whose product has no unit cost",
    "deals_without_list_price": "Won opportunities without a list amount",
    "purchases_without_customer": "Purchases without a customer",
}


@dataclass(frozen=True)
class Indicator:
    """Affected records (``condition``) among the records a KPI is computed over."""

    id: str
    kpis: tuple[str, ...]
    population: ir.Table
    condition: ir.BooleanValue


def severity(share: float | None) -> str:
    """none / low / medium / high for the share of affected records."""
    if not share:
        return "none"
    return "low" if share < LOW else "medium" if share < MEDIUM else "high"


def indicators(ctx: Context, lang: str) -> list[dict[str, Any]]:
    """Every indicator that applies to the store's basis, as JSON-able dicts."""
    items = _opportunity_indicators(ctx) + _lead_indicators(ctx)
    items += _order_indicators(ctx) if ctx.basis == "order" else _deal_indicators(ctx)
    rows = stack([_aggregate(item) for item in items])
    return [_result(item, row, lang) for item, row in zip(items, rows, strict=True)]


def _aggregate(item: Indicator) -> ir.Table:
    pop = item.population
    # count(where=…), not a sum of booleans cast to int64: PostgreSQL cannot cast boolean to bigint
    return pop.aggregate(total=pop.count(), count=pop.count(where=item.condition))


def _result(item: Indicator, row: dict[str, Any], lang: str) -> dict[str, Any]:
    count, total = int(row["count"]), int(row["total"])
    share = ratio(count, total)
    return {
        "id": item.id,
        "label": _(LABELS[item.id], lang),
        "kpis": list(item.kpis),
        "count": count,
        "total": total,
        "share": share,
        "severity": severity(share),
    }


def _opportunity_indicators(ctx: Context) -> list[Indicator]:
    opps = opportunities(ctx)
    won = opps.filter(opps.stage_kind == "won")
    closed = opps.filter(opps.stage_kind.isin(["won", "lost"]))
    dated = won.filter(won.closed_at.notnull())
    valued = won.filter(won.amount.notnull())
    deal_sales = DEAL_SALES if ctx.basis == "deal" else ()
    closing = ("win_rate", "sales_cycle_days", *WON_DEAL_KPIS, *deal_sales)
    items = [
        Indicator("won_without_amount", (*deal_sales, *WON_DEAL_KPIS), won, won.amount.isnull()),
        Indicator("closed_without_date", closing, closed, closed.closed_at.isnull()),
        Indicator(
            "negative_sales_cycle", ("sales_cycle_days",), dated, dated.closed_at < dated.created_at
        ),
        Indicator(
            "won_without_quote", ("deal_value_held",), valued, _not_positive(valued.quoted_amount)
        ),
    ]
    if ctx.stages.loaded:
        items.insert(2, Indicator("unknown_stage", closing, opps, ~opps.stage_known))
    return items


def _lead_indicators(ctx: Context) -> list[Indicator]:
    leads = leads_with_contact(ctx)
    contacted = leads.filter(leads.first_contact.notnull())
    kpis = ("speed_to_lead", "response_time_median_min")
    return [
        Indicator("leads_without_contact", kpis, leads, leads.first_contact.isnull()),
        Indicator(
            "contact_before_creation",
            kpis,
            contacted,
            contacted.first_contact < contacted.created_at,
        ),
    ]


def _order_indicators(ctx: Context) -> list[Indicator]:
    lines = counting_lines(ctx)
    purchases = lines.filter(lines.quantity > 0)
    no_cost = lines.line_cost_amount.isnull() & lines.p_unit_cost.isnull()
    no_list = lines.line_list_amount.isnull() & _not_positive(lines.p_list_price)
    return [
        Indicator("lines_without_cost", ("gross_margin",), lines, no_cost),
        Indicator(
            "lines_without_list_price", ("price_realization", "discount_rate"), lines, no_list
        ),
        Indicator(
            "purchases_without_customer",
            ("repeat_customer_rate",),
            purchases,
            purchases.customer_id.isnull(),
        ),
    ]


def _deal_indicators(ctx: Context) -> list[Indicator]:
    opps = opportunities(ctx)
    won = opps.filter(opps.stage_kind == "won")
    valued = with_product_prices(ctx, won.filter(won.amount.notnull()))
    list_amount = ibis.coalesce(
        valued.list_amount, valued.p_list_price * valued.quantity.fill_null(1.0)
    )
    return [
        Indicator("deals_without_cost", ("gross_margin",), valued, valued.p_unit_cost.isnull()),
        Indicator(
            "deals_without_list_price",
            ("price_realization", "discount_rate"),
            valued,
            _not_positive(list_amount),
        ),
        Indicator(
            "purchases_without_customer", ("repeat_customer_rate",), won, won.customer_id.isnull()
        ),
    ]


def _not_positive(value: ir.NumericValue) -> ir.BooleanValue:
    """True when a number is missing or not above 0."""
    return ~(value > 0).fill_null(False)
