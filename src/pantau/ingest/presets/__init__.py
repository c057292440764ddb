"""Presets: mappings shipped with Pantau for the exports people have, plus the code a mapping
cannot express.

Each preset (``hubspot``, ``salesforce``, ``pipedrive``, ``odoo``, ``zoho``) is a folder of
mapping files under ``mappings/`` — one per export and record type, each with a ``[preset]``
table — and a module of the same name whose ``HOOKS`` add what needs code: a stage derived from
status flags, a close date kept only for closed deals, ids cleaned of a prefix, a deals export
unpivoted into stage history. ``[preset]`` keys:

- ``title``: what the export is; ``detect``: headers that identify it (each a header or a list of
  alternatives; all must be present); ``primary``: the variant picked when no record type is given;
- ``changes_only = true``: stage history keeps a row only where the stage changed.

Every header is a list of the wordings seen in real exports (labels, API names, older variants):
the first one present in the file is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import duckdb

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest.files import fail
from pantau.ingest.header import Field, normalise
from pantau.ingest.layout import HeaderHint
from pantau.ingest.mapping import Mapping, find_header, parse_mapping
from pantau.ingest.messages import N_
from pantau.ingest.readers import Source
from pantau.model.records import RecordType, record_type

NAMES = ("hubspot", "salesforce", "pipedrive", "odoo", "zoho")
PRESET_KEYS = ("title", "detect", "primary", "changes_only")


@dataclass(frozen=True)
class FileColumns:
    """The file's headers, for hooks: a header's SQL by its wording alternatives."""

    headers: list[str]
    fields: dict[str, Field]  # what the mapping resolved
    used: set[int] = field(default_factory=set)  # columns the hooks read

    def find(self, *alternatives: str) -> Field | None:
        index = find_header(alternatives, self.headers)
        if index is None:
            return None
        self.used.add(index)
        return Field.of(index, self.headers[index].strip())

    def sql(self, *alternatives: str) -> str | None:
        found = self.find(*alternatives)
        return None if found is None else found.sql


Derive = Callable[[FileColumns], dict[str, Field]]
Reshape = Callable[[duckdb.DuckDBPyConnection, Source, str], Source]


@dataclass(frozen=True)
class Hooks:
    """A variant's code: ``reshape`` the source before mapping, ``derive`` fields after."""

    reshape: Reshape | None = None
    derive: Derive | None = None


@dataclass(frozen=True)
class Variant:
    """One export of a preset, read as one record type."""

    preset: str
    name: str
    mapping: Mapping
    title: str
    detect: tuple[tuple[str, ...], ...]
    primary: bool = False
    changes_only: bool = False
    hooks: Hooks = field(default_factory=Hooks)

    @property
    def record_type(self) -> RecordType:
        assert self.mapping.record_type is not None
        return record_type(self.mapping.record_type)

    @property
    def label(self) -> str:
        return f"{self.preset}/{self.name}"

    def matches(self, headers: list[str]) -> bool:
        return all(find_header(group, headers) is not None for group in self.detect)

    def headers(self) -> set[str]:
        """Every header wording this variant knows (normalised)."""
        names = {normalise(h) for alts in self.mapping.columns.values() for h in alts}
        return names | {normalise(h) for group in self.detect for h in group}

    def check_required(self, fields: dict[str, Field], path: str, lang: str) -> None:
        """Stop, naming the export's headers, when a required column is not in the file."""
        rt = self.record_type
        missing = [c for c in rt.required if c not in fields]
        missing += [g[0] for g in rt.one_of if not any(c in fields for c in g)]
        if missing:
            wanted = "; ".join(" / ".join(self.mapping.columns.get(c, (c,))[:3]) for c in missing)
            fail(
                path,
                "required column(s) missing for {type}: {columns}",
                N_("add them to the {title}: {headers}"),
                lang=lang,
                type=rt.name,
                columns=", ".join(missing),
                title=self.title,
                headers=wanted,
            )

    def fields(self, headers: list[str], lang: str) -> tuple[dict[str, Field], set[int]]:
        """The mapped fields of a file, with the hooks' derived fields on top; the columns the
        hooks read besides."""
        fields = self.mapping.fields(headers, lang, strict=False)
        cols = FileColumns(headers, fields)
        if self.hooks.derive is not None:
            fields.update(self.hooks.derive(cols))
        return fields, cols.used


def check_name(name: str, lang: str) -> str:
    key = name.strip().lower()
    if key not in NAMES:
        raise UsageError(
            _(
                N_("unknown preset '{name}'; use one of: {known}"),
                lang,
                name=name,
                known=", ".join(NAMES),
            )
        )
    return key


@cache
def variants(name: str) -> tuple[Variant, ...]:
    """The variants of preset ``name`` (its mapping files, in name order)."""
    module = importlib.import_module(f"pantau.ingest.presets.{name}")
    hooks: dict[str, Hooks] = getattr(module, "HOOKS", {})
    folder = resources.files("pantau.ingest.presets").joinpath("mappings", name)
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            stem = entry.name.removesuffix(".toml")
            mapping = parse_mapping(
                entry.read_text(encoding="utf-8"), f"{name}/{entry.name}", preset=True
            )
            out.append(_variant(name, stem, mapping, hooks.get(stem, Hooks())))
    return tuple(out)


def _variant(preset: str, name: str, mapping: Mapping, hooks: Hooks) -> Variant:
    extra = mapping.extra
    unknown = set(extra) - set(PRESET_KEYS)
    if unknown or mapping.record_type is None:
        raise ValueError(f"preset {preset}/{name}: bad [preset] keys {sorted(unknown)} or no type")
    detect = tuple((g,) if isinstance(g, str) else tuple(g) for g in extra.get("detect", []))
    return Variant(
        preset,
        name,
        mapping,
        str(extra.get("title", name)),
        detect,
        bool(extra.get("primary", False)),
        bool(extra.get("changes_only", False)),
        hooks,
    )


def header_hint(name: str, rt: RecordType | None, skip_rows: int | None) -> HeaderHint:
    """How to find the header row of an export of preset ``name``."""
    known: set[str] = set()
    for variant in variants(name):
        if rt is None or variant.record_type.name == rt.name:
            known |= variant.headers()
    return HeaderHint(skip_rows, frozenset(known))


def select(name: str, rt: RecordType | None, headers: list[str], path: str, lang: str) -> Variant:
    """The variant of preset ``name`` that reads a file with ``headers`` (as ``rt``, if given)."""
    candidates = [v for v in variants(name) if rt is None or v.record_type.name == rt.name]
    matching = [v for v in candidates if v.matches(headers)]
    if rt is None:
        primary = [v for v in matching if v.primary]
        matching = primary or matching
    if len(matching) == 1:
        return matching[0]
    if not matching:
        _no_variant(name, rt, candidates, path, lang)
    raise UsageError(
        _(
            N_(
                "the file fits several {preset} exports ({variants}); give the record type: {types}"
            ),
            lang,
            preset=name,
            variants=", ".join(v.title for v in matching),
            types=", ".join(sorted({v.record_type.name for v in matching})),
        )
    )


def _no_variant(
    name: str, rt: RecordType | None, candidates: list[Variant], path: str, lang: str
) -> None:
    if not candidates:
        assert rt is not None
        raise UsageError(
            _(N_("the {preset} preset has no export of {type}"), lang, preset=name, type=rt.name)
        )
    expected = "; ".join(f"{v.title}: {', '.join(g[0] for g in v.detect)}" for v in candidates)
    fail(
        path,
        N_("does not look like a {preset} export"),
        N_("expected the headers of one of: {expected}"),
        lang=lang,
        preset=name,
        expected=expected,
    )


def describe() -> list[tuple[str, str, str, str]]:
    """(preset, variant, record type, title) of every shipped variant."""
    return [
        (v.preset, v.name, v.record_type.name, v.title) for name in NAMES for v in variants(name)
    ]
