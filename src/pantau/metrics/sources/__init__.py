"""Facts builders, one per source table: Ibis tables with a period ordinal ``p``, the attribution
columns (``rep_id``, ``team``, ``region`` and, where a breakdown applies, ``source``,
``product_id``, ``segment``) and the per-record values the KPI parts aggregate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pantau.metrics.sources import activities, collateral, costs, leads, opportunities, orders
from pantau.metrics.sources.common import FactsEnv

FACTS: dict[str, Callable[[FactsEnv], Any]] = {
    leads.SOURCE: leads.facts,
    activities.SOURCE: activities.facts,
    opportunities.SOURCE: opportunities.facts,
    orders.SOURCE: orders.facts,
    costs.SOURCE: costs.facts,
    collateral.USAGE: collateral.usage_facts,
    collateral.AVAILABILITY: collateral.availability_facts,
}

_ATTRIBUTION = {"rep_id": "string", "team": "string", "region": "string"}

#: the columns of each source's facts besides ``p`` (the names and types its builder produces;
#: a test checks them): what the engine builds a query over first, to see which columns (and
#: so which joins) the query needs
FACT_COLUMNS: dict[str, dict[str, str]] = {
    leads.SOURCE: {
        **_ATTRIBUTION,
        "source": "string",
        "has_contact": "boolean",
        "within_hour": "boolean",
        "minutes": "float64",
        "qualified": "boolean",
    },
    activities.SOURCE: {**_ATTRIBUTION, "is_key": "boolean"},
    opportunities.SOURCE: {
        **_ATTRIBUTION,
        "source": "string",
        "product_id": "string",
        "segment": "string",
        "customer_id": "string",
        "won": "boolean",
        "amount": "float64",
        "quoted": "float64",
        "list_amount": "float64",
        "cost": "float64",
        "cycle_days": "float64",
        "repeat": "boolean",
    },
    orders.SOURCE: {
        **_ATTRIBUTION,
        "product_id": "string",
        "segment": "string",
        "customer_id": "string",
        "quantity": "float64",
        "net": "float64",
        "list_amount": "float64",
        "cost": "float64",
        "repeat": "boolean",
    },
    costs.SOURCE: {**_ATTRIBUTION, "amount": "float64"},
    collateral.USAGE: {**_ATTRIBUTION, "collateral_id": "string"},
    collateral.AVAILABILITY: {"collateral_id": "string"},
}

__all__ = ["FACTS", "FACT_COLUMNS", "FactsEnv"]
