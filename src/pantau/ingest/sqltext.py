"""SQL text helpers: literals and identifiers (everything the importer runs is generated SQL)."""

from __future__ import annotations


def literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """``name`` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def string_list(items: list[str] | tuple[str, ...]) -> str:
    """A SQL list literal of strings: ``['a', 'b']``."""
    return "[" + ", ".join(literal(i) for i in items) + "]"


def trimmed(raw: str) -> str:
    """The cell text without surrounding spaces; ``NULL`` for an empty cell."""
    return f"NULLIF(trim({raw}), '')"
