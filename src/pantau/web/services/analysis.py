"""Funnel, retention cohorts and data quality for a grant (the analysis engines do the work)."""

from __future__ import annotations

from typing import Any

from pantau.analysis.cohorts import compute_cohorts
from pantau.analysis.funnel import compute_funnel
from pantau.analysis.quality import compute_quality
from pantau.auth import Grant
from pantau.web.context import WebContext
from pantau.web.services.kpis import clean


def funnel(
    ctx: WebContext, grant: Grant, *, start: str | None, end: str | None, by: str | None, lang: str
) -> dict[str, Any]:
    """Stage funnel of the opportunities created from ``start`` to ``end``."""
    grant.check_by(by)
    key = ("funnel", grant.key, start, end, by, lang)
    return ctx.cached(
        key,
        lambda: clean(
            compute_funnel(ctx.store, start=start, end=end, by=by, scope=grant.scope(), lang=lang)
        ),
    )


def cohorts(
    ctx: WebContext, grant: Grant, *, start: str | None, end: str | None, lang: str
) -> dict[str, Any]:
    """Retention cohorts by month of first purchase."""
    key = ("cohorts", grant.key, start, end, lang)
    return ctx.cached(
        key,
        lambda: clean(
            compute_cohorts(ctx.store, start=start, end=end, scope=grant.scope(), lang=lang)
        ),
    )


def quality(ctx: WebContext, grant: Grant, *, limit: int, lang: str) -> dict[str, Any]:
    """Data-quality findings on the records the grant may see (company totals: counts only,
    since the examples name other reps' records)."""
    limit = 0 if grant.totals_only else limit
    key = ("quality", grant.key, limit, lang)
    return ctx.cached(
        key, lambda: clean(compute_quality(ctx.store, scope=grant.scope(), limit=limit, lang=lang))
    )
