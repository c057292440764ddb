"""The data-quality view: the importer's warnings, recomputed over what the store holds now.

Each warning kind of docs/architecture.md is one or more *checks* (``unknown_reference`` and
``unknown_stage`` one per record type and column) with a count and up to ``limit`` example
records (their natural keys). ``duplicate_key`` can only be seen while a file is read, so it comes
from the ``import_issues`` history. The second part, *KPIs made unreliable*, is in
:mod:`pantau.analysis.reliability`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from pantau.analysis.common import (
    count_many,
    fetch,
    is_restricted,
    norm,
    resolve_lang,
)
from pantau.analysis.queries import Context, leads_with_contact, opportunities
from pantau.analysis.reliability import indicators
from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.i18n import number
from pantau.model.records import ID_COLUMN, RECORD_TYPES
from pantau.store import Store

if TYPE_CHECKING:
    from pantau.metrics import Scope

KINDS = (
    "unknown_reference",
    "duplicate_key",
    "unknown_stage",
    "close_before_create",
    "short_cycle",
    "contact_before_creation",
    "won_without_amount",
    "closed_without_date",
)

MESSAGES = {
    "unknown_reference": "{record_type}.{column}: {count} values not found in {target}",
    "duplicate_key": "{count} rows repeated a key given earlier in the same file "
    "(the later row won)",
    "unknown_stage": "{record_type}: {count} rows with a stage that is not in the loaded "
    "stages (treated as open)",
    "close_before_create": "{count} opportunities were closed before they were created",
    "short_cycle": "{count} won opportunities were closed less than one day after creation",
    "contact_before_creation": "{count} leads were contacted before they were created",
    "won_without_amount": "{count} won opportunities have no amount",
    "closed_without_date": "{count} won or lost opportunities have no close date",
}


@dataclass(frozen=True)
class Check:
    """One warning check: the offending rows of one record type."""

    kind: str
    record_type: str
    rows: ir.Table
    show: tuple[str, ...] = ()  # columns shown with each example, besides its key
    column: str | None = None
    target: str | None = None


@dataclass
class Findings:
    warnings: list[dict[str, Any]] = field(default_factory=list)
    unchecked: list[dict[str, str]] = field(default_factory=list)


def compute_quality(
    store: Store, *, scope: Scope | None = None, limit: int = 50, lang: str | None = None
) -> dict[str, Any]:
    """Data-quality warnings and the KPIs they make unreliable, over the current store.

    ``limit`` caps the example records per check. With a restricted ``scope`` only the records
    the scope may see are checked; record types that belong to no rep (customers) and the import
    history (``duplicate_key``) are then left out. Returns a JSON-able dict.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise UsageError(f"limit must be a whole number ≥ 0, not {limit!r}")
    lang = resolve_lang(lang, store.settings())
    with store.ibis() as backend:
        ctx = Context.open(backend, scope)
        found = Findings()
        checks = _checks(ctx, found)
        counts = count_many([check.rows for check in checks])
        examples = _examples(checks, counts, limit)
        for i, (check, count) in enumerate(zip(checks, counts, strict=True)):
            found.warnings.append(_finding(check, count, examples.get(i, []), lang))
        found.warnings.extend(_duplicate_keys(ctx, limit, lang))
        unreliable = indicators(ctx, lang)
    return {
        "view": "quality",
        "title": _("Data quality", lang),
        "lang": lang,
        "basis": ctx.basis,
        "scoped": is_restricted(scope),
        "limit": limit,
        "totals": _totals(found.warnings),
        "warnings": found.warnings,
        "unchecked": found.unchecked,
        "unreliable_kpis": unreliable,
        "notes": _notes(ctx, found, lang),
    }


# -- checks -----------------------------------------------------------------------------------
def _checks(ctx: Context, found: Findings) -> list[Check]:
    return [
        *_reference_checks(ctx, found),
        *_stage_checks(ctx),
        *_opportunity_checks(ctx),
        _contact_check(ctx),
    ]


def _reference_checks(ctx: Context, found: Findings) -> list[Check]:
    """``unknown_reference``: one check per referring column whose target type has rows."""
    targets = sorted({c.ref for rt in RECORD_TYPES.values() for c in rt.columns if c.ref})
    sizes = dict(zip(targets, count_many([ctx.backend.table(t) for t in targets]), strict=True))
    checks = []
    for rt in RECORD_TYPES.values():
        rows = ctx.rows(rt.name)
        for col in rt.columns:
            if col.ref is None or rows is None:
                continue
            target = ctx.backend.table(col.ref)
            if not sizes[col.ref]:
                found.unchecked.append(
                    {"record_type": rt.name, "column": col.name, "target": col.ref}
                )
                continue
            ids = target.select(rf_id=target[ID_COLUMN[col.ref]])
            bad = rows.filter(rows[col.name].notnull()).anti_join(ids, rows[col.name] == ids.rf_id)
            checks.append(Check("unknown_reference", rt.name, bad, (col.name,), col.name, col.ref))
    return checks


def _stage_checks(ctx: Context) -> list[Check]:
    """``unknown_stage``: stage names missing from the loaded stages (none without stages)."""
    if not ctx.stages.loaded:
        return []
    checks = []
    for name in ("opportunities", "stage_history"):
        rows = ctx.table(name)
        bad = rows.filter(~ctx.stages.known(rows.stage))
        checks.append(Check("unknown_stage", name, bad, ("stage",), "stage"))
    return checks


def _opportunity_checks(ctx: Context) -> list[Check]:
    opps = opportunities(ctx)
    won = opps.filter(opps.stage_kind == "won")
    closed = opps.filter(opps.stage_kind.isin(["won", "lost"]))
    dates = ("created_at_local", "closed_at_local")
    short = (won.closed_at >= won.created_at) & (
        won.closed_at < won.created_at + ibis.interval(days=1)
    )
    return [
        Check(
            "close_before_create",
            "opportunities",
            opps.filter(opps.closed_at < opps.created_at),
            dates,
        ),
        Check("short_cycle", "opportunities", won.filter(short), dates),
        Check("won_without_amount", "opportunities", won.filter(won.amount.isnull()), ("stage",)),
        Check(
            "closed_without_date",
            "opportunities",
            closed.filter(closed.closed_at.isnull()),
            ("stage",),
        ),
    ]


def _contact_check(ctx: Context) -> Check:
    """``contact_before_creation``: a lead's first contact (own column or a done activity
    naming it) before its ``created_at``."""
    leads = leads_with_contact(ctx)
    bad = leads.filter(leads.first_contact < leads.created_at)
    return Check(
        "contact_before_creation", "leads", bad, ("created_at_local", "first_contact_local")
    )


# -- results ----------------------------------------------------------------------------------
def _finding(check: Check, count: int, examples: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    return {
        "kind": check.kind,
        "record_type": check.record_type,
        "column": check.column,
        "count": count,
        "examples": examples,
        "message": _message(check.kind, lang, count, check.record_type, check.column, check.target),
    }


def _id_columns(record_type: str) -> tuple[str, ...]:
    """The natural key of a record type, timestamps as local wall-clock time."""
    rt = RECORD_TYPES[record_type]
    return tuple(k + "_local" if rt.column(k).kind == "timestamp" else k for k in rt.key)


#: example rows are fetched in one query, as text: key parts k0…k2, shown columns v0…v1
KEY_SLOTS, SHOW_SLOTS = 3, 2


def _as_text(value: ir.Value) -> ir.StringValue:
    if value.type().is_timestamp():
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.cast("string")


def _slots(table: ir.Table, prefix: str, columns: tuple[str, ...], size: int) -> dict[str, Any]:
    return {
        f"{prefix}{j}": _as_text(table[columns[j]]) if j < len(columns) else ibis.null("string")
        for j in range(size)
    }


def _example_part(part: int, check: Check, limit: int) -> ir.Table:
    """The first ``limit`` offending rows of a check (by natural key) in the shared shape."""
    key = _id_columns(check.record_type)
    ranked = check.rows.mutate(rn=ibis.row_number().over(order_by=[check.rows[k] for k in key]))
    ranked = ranked.filter(ranked.rn < limit)
    return ranked.select(
        part=ibis.literal(part, "int64"),
        rn=ranked.rn.cast("int64"),
        **_slots(ranked, "k", key, KEY_SLOTS),
        **_slots(ranked, "v", check.show, SHOW_SLOTS),
    )


def _examples(
    checks: list[Check], counts: list[int], limit: int
) -> dict[int, list[dict[str, Any]]]:
    """Up to ``limit`` examples of every check that found something, fetched in one query."""
    found = [i for i, n in enumerate(counts) if n and limit]
    parts = [_example_part(i, checks[i], limit) for i in found]
    if not parts:
        return {}
    rows = fetch(ibis.union(*parts) if len(parts) > 1 else parts[0])
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["part"], r["rn"])):
        check = checks[row["part"]]
        size = len(RECORD_TYPES[check.record_type].key)
        ident = " / ".join(row[f"k{j}"] or "" for j in range(size))
        shown = {c: row[f"v{j}"] for j, c in enumerate(check.show)}
        out[row["part"]].append({"id": ident, **shown})
    return out


def _message(
    kind: str,
    lang: str,
    count: int | None,
    record_type: str | None,
    column: str | None,
    target: str | None = None,
) -> str:
    return _(
        MESSAGES[kind],
        lang,
        count=number(count, lang, digits=0),
        record_type=record_type or "",
        column=column or "",
        target=target or "",
    )


def _duplicate_keys(ctx: Context, limit: int, lang: str) -> list[dict[str, Any]]:
    """``duplicate_key`` from the import history, one entry per record type."""
    if is_restricted(ctx.scope):
        return [_duplicate_entry(None, None, [], lang)]
    issues = ctx.backend.table("import_issues")
    imports = ctx.backend.table("imports")
    dup = issues.filter(norm(issues.kind) == "duplicate_key")
    lookup = imports.select(
        ij_id=imports.import_id, record_type=imports.record_type, file=imports.file_name
    )
    dup = dup.left_join(lookup, dup.import_id == lookup.ij_id)
    rows = fetch(
        dup.select("record_type", "import_id", "file", "row_number", "value").order_by(
            ["record_type", "import_id", "row_number"]
        )
    )
    if not rows:
        return [_duplicate_entry(None, 0, [], lang)]
    per_type: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        per_type.setdefault(row["record_type"], []).append(row)
    return [
        _duplicate_entry(rt, len(items), [_duplicate_example(r) for r in items[:limit]], lang)
        for rt, items in per_type.items()
    ]


def _duplicate_example(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["value"],
        "import_id": row["import_id"],
        "file": row["file"],
        "row": row["row_number"],
    }


def _duplicate_entry(
    record_type: str | None, count: int | None, examples: list[dict[str, Any]], lang: str
) -> dict[str, Any]:
    message = _message("duplicate_key", lang, count, record_type, None) if count is not None else ""
    return {
        "kind": "duplicate_key",
        "record_type": record_type,
        "column": None,
        "count": count,
        "examples": examples,
        "message": message,
    }


def _totals(warnings: list[dict[str, Any]]) -> dict[str, int | None]:
    totals: dict[str, int | None] = {kind: 0 for kind in KINDS}
    for warning in warnings:
        if warning["count"] is None:
            totals[warning["kind"]] = None
        elif totals[warning["kind"]] is not None:
            totals[warning["kind"]] = (totals[warning["kind"]] or 0) + warning["count"]
    return totals


def _notes(ctx: Context, found: Findings, lang: str) -> list[str]:
    notes = []
    if found.unchecked:
        targets = sorted({u["target"] for u in found.unchecked})
        notes.append(
            _(
                "References to {targets} are not checked: none of them are loaded.",
                lang,
                targets=", ".join(targets),
            )
        )
    if not ctx.stages.loaded:
        notes.append(
            _(
                "No stages are loaded: stage names are not checked; won/lost are recognised "
                "by name.",
                lang,
            )
        )
    if is_restricted(ctx.scope):
        notes.append(
            _(
                "Only your records are checked; customers and the import history "
                "(duplicate keys) are shown to users who see all records.",
                lang,
            )
        )
    return notes
