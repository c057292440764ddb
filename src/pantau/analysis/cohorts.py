"""Retention cohorts: customers by the month of their first purchase, and who bought again.

A *purchase* follows the revenue basis of kpis.md: when the store holds any ``order_lines``, an
order line that counts (``status`` ≠ ``cancelled``) with ``quantity`` > 0, in the month of its
``order_date``; otherwise a won opportunity, in the month of its ``closed_at``. Records without a
``customer_id`` are left out. A customer's *first* purchase month is decided over all history —
before the period, and from any rep, whatever the scope.

Cohort ``c`` holds the customers whose first purchase month is ``c`` and who have a (visible)
purchase in it; for each ``k`` the view counts the cohort's customers with a visible purchase in
month ``c + k`` (``k = 0`` is the whole cohort, 100 %). Months are observed up to the end of the
period: later cells are not shown, rather than shown as 0.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from pantau.analysis.common import (
    CachedTables,
    current_month,
    fetch,
    month_index,
    month_label,
    norm,
    ratio,
    resolve_lang,
    resolve_window,
    scalar,
    visible_rows,
)
from pantau.analysis.stages import stage_kinds
from pantau.i18n import gettext as _
from pantau.store import Store

if TYPE_CHECKING:
    from pantau.metrics import Scope


def compute_cohorts(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    scope: Scope | None = None,
    lang: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Cohorts of first-purchase months from ``start`` to ``end`` (``YYYY-MM``, inclusive).

    Without a period: the last 12 complete months with purchases. Returns a JSON-able dict with
    the basis used, one entry per cohort month (size and, for each ``k``, customers and share)
    and the size-weighted average share per ``k``.
    """
    settings = store.settings()
    lang = resolve_lang(lang, settings)
    with store.ibis() as raw:
        backend = CachedTables(raw)
        basis = "order" if scalar(backend.table("order_lines").count()) else "deal"
        purchases = purchase_months(backend, basis)
        visible = purchase_months(backend, basis, scope)
        first, last = resolve_window(
            start,
            end,
            last_data=scalar(visible.month.max()),
            current=current_month(settings["timezone"], today),
        )
        cells = fetch(_cells(purchases, visible, first, last))
    counts = {(int(r["cohort"]), int(r["k"])): int(r["n"]) for r in cells}
    cohorts = [_cohort(c, last, counts) for c in range(first, last + 1)]
    return {
        "view": "cohorts",
        "title": _("Retention cohorts", lang),
        "lang": lang,
        "start": month_label(first),
        "end": month_label(last),
        "basis": basis,
        "max_k": last - first,
        "cohorts": cohorts,
        "average": _average(cohorts, last - first),
        "notes": _notes(basis, lang),
    }


def purchase_months(backend: Any, basis: str, scope: Scope | None = None) -> ir.Table:
    """Every purchase (that ``scope`` may see) as (customer, month index), over all history."""
    if basis == "order":
        lines = visible_rows(backend, "order_lines", scope)
        assert lines is not None
        counts = norm(lines.status.fill_null("confirmed")) != "cancelled"
        lines = lines.filter(counts & (lines.quantity > 0) & lines.customer_id.notnull())
        return lines.select(customer=lines.customer_id, month=month_index(lines.order_date_local))
    opps = visible_rows(backend, "opportunities", scope)
    assert opps is not None
    won = stage_kinds(backend).kind_of(opps.stage) == "won"
    opps = opps.filter(won & opps.closed_at_local.notnull() & opps.customer_id.notnull())
    return opps.select(customer=opps.customer_id, month=month_index(opps.closed_at_local))


def _cells(purchases: ir.Table, visible: ir.Table, first: int, last: int) -> ir.Table:
    """Customers per (cohort month, k) — only customers with a visible purchase at k = 0."""
    firsts = purchases.group_by(fc_customer=purchases.customer).aggregate(
        cohort=purchases.month.min()
    )
    seen = visible.select("customer", "month").distinct()
    joined = seen.join(firsts, seen.customer == firsts.fc_customer)
    joined = joined.mutate(k=joined.month - joined.cohort)
    joined = joined.filter(joined.cohort.between(first, last) & (joined.month <= last))
    members = joined.filter(joined.k == 0).select(m_customer="customer")
    kept = joined.join(members, joined.customer == members.m_customer)
    return kept.group_by(["cohort", "k"]).aggregate(n=kept.customer.nunique())


def _cohort(cohort: int, last: int, counts: dict[tuple[int, int], int]) -> dict[str, Any]:
    size = counts.get((cohort, 0), 0)
    months = []
    for k in range(0, last - cohort + 1):
        n = counts.get((cohort, k), 0)
        months.append({"k": k, "customers": n, "share": ratio(n, size)})
    return {"cohort": month_label(cohort), "size": size, "months": months}


def _average(cohorts: list[dict[str, Any]], max_k: int) -> list[dict[str, Any]]:
    """Per ``k``: returning customers ÷ customers, over the cohorts observed at ``k``."""
    out = []
    for k in range(0, max_k + 1):
        observed = [c for c in cohorts if len(c["months"]) > k]
        customers = sum(c["months"][k]["customers"] for c in observed)
        size = sum(c["size"] for c in observed)
        out.append(
            {"k": k, "customers": customers, "cohort_size": size, "share": ratio(customers, size)}
        )
    return out


def _notes(basis: str, lang: str) -> list[str]:
    if basis == "order":
        first = _(
            "Order basis: a purchase is an order line that is not cancelled, with a positive "
            "quantity.",
            lang,
        )
    else:
        first = _(
            "Deal basis (no order lines loaded): a purchase is a won opportunity, in the month "
            "it closed.",
            lang,
        )
    second = _(
        "A customer's first purchase is decided over all history, also before the period.", lang
    )
    return [first, second]
