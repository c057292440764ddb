"""Guessing a mapping from a file's headers: which record type, and which header is which column.

Each header is compared (:func:`~pantau.ingest.header.normalise`) with every name of every
column (:mod:`pantau.ingest.aliases`: the template name, English and Indonesian aliases, the
presets' wordings). Required columns choose first, then the best-ranked name wins; each header is
used once. The result renders as a mapping file ready to edit (:meth:`Suggestion.to_toml`); the
web import page uses the same functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pantau.ingest import aliases
from pantau.ingest.header import normalise
from pantau.model.records import RECORD_TYPES, RecordType, record_type


@dataclass(frozen=True)
class Suggestion:
    """A guessed mapping of a file's headers onto a record type."""

    record_type: str
    columns: dict[str, str]  # Pantau column → header
    unused: list[str]  # headers no column takes
    missing_required: list[str]
    others: list[str] = field(default_factory=list)  # other record types that fit

    @property
    def complete(self) -> bool:
        return not self.missing_required

    def to_toml(self, *, file_name: str | None = None, comments: list[str] | None = None) -> str:
        """The suggestion as a mapping file: mapped columns, the rest commented out."""
        rt = RECORD_TYPES[self.record_type]
        lines = [f"# Pantau mapping, guessed from the headers of {file_name or 'the file'}."]
        lines += ["# Check every line, then: pantau import FILE --mapping THIS_FILE", ""]
        lines.append(f"type = {_quote(self.record_type)}")
        if self.others:
            lines.append(f"# the headers also fit: {', '.join(self.others)}")
        lines += [f"# {c}" for c in comments or []]
        lines += ["", "[columns]"]
        for col in rt.columns:
            if col.name in self.columns:
                lines.append(f"{col.name} = {_quote(self.columns[col.name])}")
            else:
                need = "  # REQUIRED: no header found" if col.required else ""
                lines.append(f'# {col.name} = ""{need}')
        if self.unused:
            lines += ["", "# headers not used: " + ", ".join(_quote(h) for h in self.unused)]
        return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def suggest_mapping(headers: list[str], record_type_name: str | None = None) -> Suggestion:
    """The best mapping of ``headers`` onto ``record_type_name`` (guessed when ``None``)."""
    ranked = rank_record_types(headers)
    name = record_type(record_type_name).name if record_type_name else ranked[0][0]
    columns = match_columns(RECORD_TYPES[name], headers)
    used = set(columns.values())
    unused = [h.strip() for h in headers if h.strip() and h.strip() not in used]
    missing = [c for c in RECORD_TYPES[name].required if c not in columns]
    others = [n for n, _score, complete in ranked if complete and n != name]
    return Suggestion(name, columns, unused, missing, others)


def guess_record_type(headers: list[str]) -> str | None:
    """The record type ``headers`` belong to, if one fits clearly better than the others."""
    ranked = rank_record_types(headers)
    best = ranked[0]
    if not best[2] or (len(ranked) > 1 and ranked[1][2] and ranked[1][1] >= best[1]):
        return None
    return best[0]


def rank_record_types(headers: list[str]) -> list[tuple[str, float, bool]]:
    """(record type, score, all required columns found) for every type, best first."""
    out = []
    for name, rt in RECORD_TYPES.items():
        found = match_columns(rt, headers)
        required = sum(1 for c in rt.required if c in found)
        complete = required == len(rt.required) and all(
            any(c in found for c in group) for group in rt.one_of
        )
        score = 2 * required + (len(found) - required) - 2 * (len(rt.required) - required)
        out.append((name, score / len(rt.columns) + score, complete))
    return sorted(out, key=lambda item: (not item[2], -item[1]))


def match_columns(rt: RecordType, headers: list[str]) -> dict[str, str]:
    """Pantau column → header of ``rt`` found among ``headers`` (each header used once)."""
    names = aliases.for_type(rt.name)
    normal = [normalise(h) for h in headers]
    candidates = []
    for col in rt.columns:
        for rank, alias in enumerate(names[col.name]):
            key = normalise(alias)
            for i, header in enumerate(normal):
                if header and header == key:
                    candidates.append((not col.required, rank, i, col.name))
    chosen: dict[str, str] = {}
    taken: set[int] = set()
    for _optional, _rank, i, column in sorted(candidates):
        if column not in chosen and i not in taken:
            chosen[column] = headers[i].strip()
            taken.add(i)
    return {c.name: chosen[c.name] for c in rt.columns if c.name in chosen}
