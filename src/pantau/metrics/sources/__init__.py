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

__all__ = ["FACTS", "FactsEnv"]
