"""Building blocks for the data-quality view: the canonical records, scoped, with derived columns.

Each function returns an Ibis table over the canonical tables with the attribution columns of
:func:`pantau.analysis.common.attributed`, restricted to what the scope may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from pantau.analysis.common import CachedTables, norm, scalar, visible_rows
from pantau.analysis.stages import StageSet, stage_kinds

if TYPE_CHECKING:
    from pantau.metrics import Scope


@dataclass(frozen=True)
class Context:
    """What every quality check needs: the engine, the scope and the store's conventions."""

    backend: Any
    scope: Scope | None
    stages: StageSet
    basis: str  # "order" when the store holds any order lines, else "deal"

    @classmethod
    def open(cls, backend: Any, scope: Scope | None) -> Context:
        backend = CachedTables(backend)
        has_lines = bool(scalar(backend.table("order_lines").count()))
        return cls(backend, scope, stage_kinds(backend), "order" if has_lines else "deal")

    def rows(self, name: str) -> ir.Table | None:
        """The visible rows of record type ``name`` (see :func:`visible_rows`)."""
        return visible_rows(self.backend, name, self.scope)

    def table(self, name: str) -> ir.Table:
        """The visible rows of an attributable record type."""
        table = self.rows(name)
        assert table is not None
        return table


def earliest(a: ir.Value, b: ir.Value) -> ir.Value:
    """The earlier of two timestamps, ignoring nulls (null only when both are)."""
    return ibis.cases((a.isnull(), b), (b.isnull(), a), (a <= b, a), else_=b)


def opportunities(ctx: Context) -> ir.Table:
    """Visible opportunities with ``stage_kind`` (open/won/lost) and ``stage_known``."""
    opps = ctx.table("opportunities")
    return opps.mutate(
        stage_kind=ctx.stages.kind_of(opps.stage), stage_known=ctx.stages.known(opps.stage)
    )


def leads_with_contact(ctx: Context) -> ir.Table:
    """Visible leads with ``first_contact`` (UTC) and ``first_contact_local``: the earliest of
    ``first_contact_at`` and the ``occurred_at`` of the done activities naming the lead."""
    leads = ctx.table("leads")
    acts = ctx.backend.table("activities")
    done = acts.filter((norm(acts.status.fill_null("done")) == "done") & acts.lead_id.notnull())
    firsts = done.group_by(aj_lead=done.lead_id).aggregate(
        aj_first=done.occurred_at.min(), aj_first_local=done.occurred_at_local.min()
    )
    joined = leads.left_join(firsts, leads.lead_id == firsts.aj_lead)
    return joined.mutate(
        first_contact=earliest(joined.first_contact_at, joined.aj_first),
        first_contact_local=earliest(joined.first_contact_at_local, joined.aj_first_local),
    ).drop("aj_lead", "aj_first", "aj_first_local")


def with_product_prices(ctx: Context, table: ir.Table) -> ir.Table:
    """Add the product's ``p_list_price`` and ``p_unit_cost`` (null for no or unknown product)."""
    products = ctx.backend.table("products")
    lookup = products.select(
        pj_id=products.product_id, p_list_price=products.list_price, p_unit_cost=products.unit_cost
    )
    return table.left_join(lookup, table.product_id == lookup.pj_id).drop("pj_id")


def counting_lines(ctx: Context) -> ir.Table:
    """Visible order lines that count (``status`` ≠ cancelled), with product prices."""
    lines = ctx.table("order_lines")
    lines = lines.filter(norm(lines.status.fill_null("confirmed")) != "cancelled")
    return with_product_prices(ctx, lines)
