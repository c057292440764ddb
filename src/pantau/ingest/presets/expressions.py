"""SQL pieces the presets' hooks combine: flags, first of a list, prefixes, closed-only dates.

Every piece takes and gives the SQL of a trimmed text (``NULL`` when empty), like a
:class:`~pantau.ingest.header.Field`'s ``sql``.
"""

from __future__ import annotations

from dataclasses import replace

from pantau.ingest.header import Field
from pantau.ingest.sqltext import literal

TRUE_WORDS = ("true", "1", "yes", "ya", "y", "won")
CLOSED = ("won", "lost")


def truthy(sql: str | None) -> str:
    """SQL: the flag cell says yes (``TRUE``/``1``/``yes``); false when there is no column."""
    if sql is None:
        return "false"
    words = ", ".join(literal(w) for w in TRUE_WORDS)
    return f"coalesce(lower({sql}) IN ({words}), false)"


def first_item(sql: str, separator: str = ";") -> str:
    """SQL: the first of a list cell (``123;456`` → ``123``)."""
    return f"NULLIF(trim(split_part({sql}, {literal(separator)}, 1)), '')"


def without_prefix(sql: str, prefix: str) -> str:
    """SQL: the cell without a leading ``prefix`` (Zoho's ``zcrm_``)."""
    rest = f"substr({sql}, {len(prefix) + 1})"
    return f"CASE WHEN starts_with({sql}, {literal(prefix)}) THEN {rest} ELSE {sql} END"


def with_prefix(sql: str, prefix: str) -> str:
    """SQL: the cell only when it starts with ``prefix`` (a Salesforce id of one object)."""
    return f"CASE WHEN starts_with({sql}, {literal(prefix)}) THEN {sql} END"


def is_closed(stage: str) -> str:
    """SQL: the (mapped) stage is won or lost."""
    return f"coalesce(lower({stage}) IN ('won', 'lost'), false)"


def stage_from_flags(stage: Field, won: str | None, lost: str | None) -> Field:
    """The stage, made ``won``/``lost`` where the conditions (SQL booleans) ``won`` and ``lost``
    hold; ``None``: the export has no such flag."""
    if won is None and lost is None:
        return stage
    sql = (
        f"CASE WHEN {won or 'false'} THEN 'won' WHEN {lost or 'false'} THEN 'lost' "
        f"ELSE {stage.sql} END"
    )
    return replace(stage, sql=sql)


def closed_only(date: Field, closed: str) -> Field:
    """The close date only where the deal is closed (elsewhere it is an expected date)."""
    return replace(date, sql=f"CASE WHEN {closed} THEN {date.sql} END")


def mapped(field: Field, sql: str) -> Field:
    """``field`` with its SQL replaced (the header it reports stays)."""
    return replace(field, sql=sql)
