"""Zoho CRM: what its exports need beyond a mapping.

- Ids (the record, and the ".id" column of a lookup) may carry a ``zcrm_`` prefix: dropped, so
  the same record has the same id in every export.
- Deals: the close date ("Closing Date") counts only for closed deals (for open ones it is the
  expected date).
"""

from __future__ import annotations

from pantau.ingest.header import Field
from pantau.ingest.presets import FileColumns, Hooks
from pantau.ingest.presets.expressions import closed_only, is_closed, mapped, without_prefix

PREFIX = "zcrm_"
IDS = ("opportunity_id", "rep_id", "customer_id")


def ids(cols: FileColumns) -> dict[str, Field]:
    return {
        c: mapped(cols.fields[c], without_prefix(cols.fields[c].sql, PREFIX))
        for c in IDS
        if c in cols.fields
    }


def deals(cols: FileColumns) -> dict[str, Field]:
    out = ids(cols)
    if "stage" in cols.fields and "closed_at" in cols.fields:
        out["closed_at"] = closed_only(
            cols.fields["closed_at"], is_closed(cols.fields["stage"].sql)
        )
    return out


HOOKS = {"deals": Hooks(derive=deals), "owners": Hooks(derive=ids)}
