"""Salesforce: what its exports need beyond a mapping.

- Opportunities: the "Won" / "Closed" flags (``IsWon`` / ``IsClosed``) decide won and lost when
  present — custom closed stages have their own names; the close date counts only for closed
  opportunities (for open ones it is the expected date).
- Leads: "Converted" (``IsConverted``) makes a lead converted whatever its status.
- Activities: the type defaults to "task"; "Completed" is done, any other status planned; a
  ``WhatId`` is an opportunity only if it starts with ``006`` (an account: ``001``), a ``WhoId`` a
  lead only if it starts with ``00Q`` — the key prefixes of those objects.
- Report footers ("Grand Totals", "Confidential Information - Do Not Distribute", the copyright
  line) are left out by the importer for every file (:mod:`pantau.ingest.layout`).
"""

from __future__ import annotations

from pantau.ingest.header import Field
from pantau.ingest.presets import FileColumns, Hooks
from pantau.ingest.presets.expressions import (
    closed_only,
    is_closed,
    mapped,
    stage_from_flags,
    truthy,
    with_prefix,
)

OPPORTUNITY, ACCOUNT, LEAD = "006", "001", "00Q"


def opportunities(cols: FileColumns) -> dict[str, Field]:
    out: dict[str, Field] = {}
    stage = cols.fields.get("stage")
    if stage is None:
        return out
    won = cols.sql("Won", "IsWon")
    closed = cols.sql("Closed", "IsClosed")
    lost = None if closed is None else f"({truthy(closed)} AND NOT {truthy(won)})"
    out["stage"] = stage_from_flags(stage, won and truthy(won), lost)
    if "closed_at" in cols.fields:
        out["closed_at"] = closed_only(cols.fields["closed_at"], is_closed(out["stage"].sql))
    return out


def leads(cols: FileColumns) -> dict[str, Field]:
    status = cols.fields.get("status")
    converted = cols.sql("Converted", "IsConverted")
    if status is None or converted is None:
        return {}
    return {
        "status": mapped(
            status, f"CASE WHEN {truthy(converted)} THEN 'converted' ELSE {status.sql} END"
        )
    }


def activities(cols: FileColumns) -> dict[str, Field]:
    out: dict[str, Field] = {}
    fields = cols.fields
    if "type" in fields:
        out["type"] = mapped(fields["type"], f"coalesce(lower({fields['type'].sql}), 'task')")
    if "status" in fields:
        status = fields["status"].sql
        done = f"lower({status}) IN ('completed', 'complete', 'done')"
        sql = f"CASE WHEN {done} THEN 'done' WHEN {status} IS NOT NULL THEN 'planned' END"
        out["status"] = mapped(fields["status"], sql)
    for column, prefix in (("opportunity_id", OPPORTUNITY), ("lead_id", LEAD)):
        if column in fields and fields[column].header in ("WhatId", "WhoId", "Related To ID"):
            out[column] = mapped(fields[column], with_prefix(fields[column].sql, prefix))
    what = cols.find("WhatId", "Related To ID")
    if "customer_id" not in fields and what is not None:
        out["customer_id"] = mapped(what, with_prefix(what.sql, ACCOUNT))
    return out


HOOKS = {
    "opportunities": Hooks(derive=opportunities),
    "leads": Hooks(derive=leads),
    "activities": Hooks(derive=activities),
}
