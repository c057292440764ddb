"""Odoo: what its exports need beyond a mapping.

- crm.lead: Odoo has no "lost" stage — a lost lead keeps its stage, gets a lost reason and is
  archived (``Active`` false); Odoo 17+ also exports "Is Won" (won / lost / pending). Any of these
  makes the stage ``lost`` (or ``won``); the close date counts only for closed leads.
- sale.order.line: "Discount (%)" is a percentage (``10`` = 10 %), so it is read as ``10%``.
"""

from __future__ import annotations

from pantau.ingest.header import Field
from pantau.ingest.presets import FileColumns, Hooks
from pantau.ingest.presets.expressions import closed_only, is_closed, mapped, truthy


def crm_lead(cols: FileColumns) -> dict[str, Field]:
    stage = cols.fields.get("stage")
    if stage is None:
        return {}
    outcome = cols.sql("Is Won", "won_status")
    active = cols.sql("Active", "active")
    reason = cols.fields.get("lost_reason")
    lost = [f"lower({outcome}) = 'lost'" if outcome else None]
    lost.append(f"{reason.sql} IS NOT NULL" if reason else None)
    lost.append(f"({active} IS NOT NULL AND NOT {truthy(active)})" if active else None)
    conditions = " OR ".join(c for c in lost if c) or "false"
    won = f"lower({outcome}) = 'won'" if outcome else "false"
    sql = f"CASE WHEN {won} THEN 'won' WHEN {conditions} THEN 'lost' ELSE {stage.sql} END"
    out = {"stage": mapped(stage, sql)}
    if "closed_at" in cols.fields:
        out["closed_at"] = closed_only(cols.fields["closed_at"], is_closed(sql))
    return out


def sale_order_line(cols: FileColumns) -> dict[str, Field]:
    discount = cols.fields.get("discount")
    if discount is None:
        return {}
    return {
        "discount": mapped(
            discount, f"CASE WHEN {discount.sql} IS NOT NULL THEN {discount.sql} || '%' END"
        )
    }


HOOKS = {"crm_lead": Hooks(derive=crm_lead), "sale_order_line": Hooks(derive=sale_order_line)}
