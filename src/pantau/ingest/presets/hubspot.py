"""HubSpot: what its exports need beyond a mapping.

- Deals: the "Is Closed Won" / "Is closed lost" flags decide won/lost when present (a custom
  pipeline's closed stages have their own names); the close date counts only for closed deals
  (for open ones HubSpot's "Close Date" is the expected date); association cells list ids
  separated by ``;`` — the first one is taken.
- Deal stages: a deals export with ``Date entered "<stage> (<pipeline>)"`` columns becomes one
  stage-history row per filled cell; errors name the cell's own column.
- Contacts: a lead status "Unqualified" makes the lead disqualified.
"""

from __future__ import annotations

import re
from dataclasses import replace

import duckdb

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest.header import Field
from pantau.ingest.mapping import find_header
from pantau.ingest.messages import N_
from pantau.ingest.presets import FileColumns, Hooks
from pantau.ingest.presets.expressions import (
    closed_only,
    first_item,
    is_closed,
    mapped,
    stage_from_flags,
    truthy,
)
from pantau.ingest.presets.reshape import unpivot
from pantau.ingest.readers import Source

ID = ("Record ID", "Deal ID", "hs_object_id")
#: 'Date entered "Closed Won (Sales Pipeline)"' (newer exports quote with ')
DATE_ENTERED = re.compile(r"""Date entered\s*(["'])(.+?)(?: \(([^()]*)\))?\1""")
ASSOCIATIONS = ("customer_id", "lead_id", "opportunity_id")


def first_items(fields: dict[str, Field]) -> dict[str, Field]:
    """Association columns: the first id of each list."""
    return {c: mapped(fields[c], first_item(fields[c].sql)) for c in ASSOCIATIONS if c in fields}


def deals(cols: FileColumns) -> dict[str, Field]:
    out = first_items(cols.fields)
    if "stage" in cols.fields:
        won = cols.sql("Is Closed Won", "hs_is_closed_won")
        lost = cols.sql("Is closed lost", "Is Closed Lost", "hs_is_closed_lost")
        out["stage"] = stage_from_flags(
            cols.fields["stage"], won and truthy(won), lost and truthy(lost)
        )
        if "closed_at" in cols.fields:
            flag = truthy(cols.sql("Is Deal Closed?", "hs_is_closed"))
            closed = f"({is_closed(out['stage'].sql)} OR {flag})"
            out["closed_at"] = closed_only(cols.fields["closed_at"], closed)
    return out


def stage_entries(con: duckdb.DuckDBPyConnection, source: Source, lang: str) -> Source:
    """One row per filled ``Date entered "<stage>"`` cell: id, stage, date, header."""
    key = find_header(ID, source.headers)
    spread = []
    for i, header in enumerate(source.headers):
        found = DATE_ENTERED.fullmatch(header.strip())
        if found:
            spread.append((i, found.group(2)))
    if key is None or not spread:
        raise UsageError(
            _(
                N_(
                    "the export has no 'Date entered \"<stage>\"' columns: "
                    'add them to the export (deal properties "Date entered …")'
                ),
                lang,
            )
        )
    return unpivot(con, source, key, spread, (source.headers[key], "Stage entered", "Date entered"))


def entered(cols: FileColumns) -> dict[str, Field]:
    """Errors in a date name the cell's own 'Date entered' column."""
    if "entered_at" not in cols.fields:
        return {}
    return {"entered_at": replace(cols.fields["entered_at"], header_sql="c3")}


def contacts(cols: FileColumns) -> dict[str, Field]:
    out = first_items(cols.fields)
    status = cols.fields.get("status")
    unqualified = cols.sql("Lead Status", "hs_lead_status")
    if status is not None and unqualified is not None:
        no = f"lower({unqualified}) = 'unqualified'"
        out["status"] = mapped(status, f"CASE WHEN {no} THEN 'disqualified' ELSE {status.sql} END")
    return out


def activities(cols: FileColumns) -> dict[str, Field]:
    return first_items(cols.fields)


HOOKS = {
    "deals": Hooks(derive=deals),
    "deal_stages": Hooks(reshape=stage_entries, derive=entered),
    "contacts": Hooks(derive=contacts),
    "calls": Hooks(derive=activities),
    "meetings": Hooks(derive=activities),
}
