"""Pipedrive: what its exports need beyond a mapping.

- Deals: a won or lost deal keeps the stage it was in; its "Status" (open / won / lost) says how
  it ended, so a won deal's stage becomes ``won`` and a lost one's ``lost``. The close date is
  "Deal closed on" (or the won / lost time) and only for closed deals.
- Activities: "Due time", when exported, is added to "Due date".
"""

from __future__ import annotations

from dataclasses import replace

from pantau.ingest.header import Field
from pantau.ingest.presets import FileColumns, Hooks
from pantau.ingest.presets.expressions import closed_only, is_closed, mapped

STATUS = ("Deal - Status", "Status")


def deals(cols: FileColumns) -> dict[str, Field]:
    out: dict[str, Field] = {}
    status = cols.sql(*STATUS)
    stage = cols.fields.get("stage")
    if stage is not None and status is not None:
        ended = f"lower({status}) IN ('won', 'lost')"
        out["stage"] = mapped(stage, f"CASE WHEN {ended} THEN lower({status}) ELSE {stage.sql} END")
    closed = _closed_at(cols)
    if closed is not None and "stage" in out:
        out["closed_at"] = closed_only(closed, is_closed(out["stage"].sql))
    return out


def _closed_at(cols: FileColumns) -> Field | None:
    """ "Deal closed on", else the won or the lost time."""
    dates = [
        cols.fields.get("closed_at"),
        cols.find("Deal - Won time", "Won time"),
        cols.find("Deal - Lost time", "Lost time"),
    ]
    present = [d for d in dates if d is not None]
    if not present:
        return None
    return replace(present[0], sql=f"coalesce({', '.join(d.sql for d in present)})")


def activities(cols: FileColumns) -> dict[str, Field]:
    due = cols.fields.get("occurred_at")
    time = cols.sql("Activity - Due time", "Due time")
    if due is None or time is None:
        return {}
    sql = f"CASE WHEN {time} IS NOT NULL THEN {due.sql} || ' ' || {time} ELSE {due.sql} END"
    return {"occurred_at": mapped(due, sql)}


HOOKS = {"deals": Hooks(derive=deals), "activities": Hooks(derive=activities)}
