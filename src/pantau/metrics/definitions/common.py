"""Values several KPI definitions share."""

from __future__ import annotations

from pantau.metrics.query import BREAKDOWNS

LEAD_BREAKDOWNS = ("rep", "team", "region", "source")
REP_BREAKDOWNS = ("rep", "team", "region")
ALL_BREAKDOWNS = BREAKDOWNS
SALES_ANCHOR = "order_lines.order_date (order basis) / opportunities.closed_at (deal basis)"
