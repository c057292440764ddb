"""How the web import reads an uploaded file: a look at it, a guessed mapping, the user's choice.

:func:`look_at` opens the file as the importer does (same readers, title rows and footers found the
same way) and returns its headers and first rows. :func:`first_choice` is what the page proposes:
the mapping confirmed before for the same set of headers (:func:`remembered`, keyed by
:func:`header_hash`), else a CRM preset whose export the headers identify, else the guess of
:func:`pantau.ingest.suggest.suggest_mapping` (template names, English and Indonesian aliases,
the presets' wordings). A :class:`Choice` — what the user confirmed — becomes the arguments of
:func:`pantau.ingest.import_file` (:meth:`Choice.import_args`): with template headers no mapping at
all, exactly as ``pantau import TYPE FILE``; else a mapping, as ``pantau import FILE --mapping``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping as AnyMapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pantau.auth.users import utcnow
from pantau.ingest import aliases, presets
from pantau.ingest.files import looks_like_html
from pantau.ingest.header import normalise
from pantau.ingest.layout import HeaderHint
from pantau.ingest.mapping import Mapping
from pantau.ingest.profile import opened
from pantau.ingest.suggest import Suggestion, suggest_mapping
from pantau.model.records import RECORD_TYPES
from pantau.store import Store

PREVIEW_ROWS = 8
DECIMALS = (",", ".")


@dataclass(frozen=True)
class Look:
    """An uploaded file at a glance: headers, first rows, title rows and footer left out."""

    headers: list[str]
    rows: list[list[str | None]]
    skipped: int = 0
    footer: tuple[str, ...] = ()
    sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PresetOption:
    """A CRM export the headers identify: ``value`` is ``preset/variant``."""

    value: str
    preset: str
    record_type: str
    title: str


@dataclass(frozen=True)
class Choice:
    """How to read a file: a record type and either a preset or the columns (Pantau column →
    file header), with the date pattern and decimal separator when the user gave them."""

    record_type: str
    columns: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    sheet: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Choice | None:
        try:
            data = json.loads(text)
            choice = cls(**data)
        except (ValueError, TypeError):
            return None
        return choice if choice.record_type in RECORD_TYPES else None

    @property
    def complete(self) -> bool:
        """Every required column is mapped."""
        return all(c in self.columns for c in RECORD_TYPES[self.record_type].required)

    def template_like(self, headers: list[str]) -> bool:
        """The columns are what the template headers give: no mapping is needed."""
        known = set(RECORD_TYPES[self.record_type].column_names)
        by_name = {normalise(h): h.strip() for h in headers if normalise(h) in known}
        return self.columns == by_name

    def import_args(self, headers: list[str]) -> dict[str, Any]:
        """Keyword arguments of :func:`pantau.ingest.import_file` (besides store and path)."""
        args: dict[str, Any] = {
            "record_type": self.record_type,
            "date_format": self.date_format,
            "decimal": self.decimal,
            "sheet": self.sheet,
        }
        if self.preset:
            args["preset"] = self.preset
        elif not self.template_like(headers):
            args["mapping"] = Mapping(
                source="web",
                record_type=self.record_type,
                columns={c: (h,) for c, h in self.columns.items()},
            )
        return args

    def to_toml(self, headers: list[str], file_name: str) -> str:
        """The choice as a mapping file for ``pantau import FILE --mapping``."""
        used = set(self.columns.values())
        unused = [h.strip() for h in headers if h.strip() and h.strip() not in used]
        required = RECORD_TYPES[self.record_type].required
        missing = [c for c in required if c not in self.columns]
        text = Suggestion(self.record_type, self.columns, unused, missing).to_toml(
            file_name=file_name
        )
        extra = [f"{k} = {json.dumps(v)}" for k, v in self._options().items()]
        if not extra:
            return text
        head, _sep, rest = text.partition("\n\n[columns]")
        return head + "\n" + "\n".join(extra) + "\n\n[columns]" + rest

    def _options(self) -> dict[str, str]:
        options = {"date_format": self.date_format, "decimal": self.decimal, "sheet": self.sheet}
        return {k: v for k, v in options.items() if v}


# -- looking at a file ---------------------------------------------------------------------------
def look_at(path: Path, *, sheet: str | None, lang: str) -> Look:
    """Headers and the first rows of the file (the header row found as the importer finds it)."""
    known = frozenset(n for name in RECORD_TYPES for n in aliases.known(name))
    with opened(path, HeaderHint(None, known), sheet, lang) as (con, source):
        columns = ", ".join(f"c{i}" for i in range(len(source.headers)))
        rows = con.execute(
            f"SELECT {columns} FROM {source.relation} LIMIT {PREVIEW_ROWS}"
        ).fetchall()
        return Look(
            [h.strip() for h in source.headers],
            [list(r) for r in rows],
            source.skipped,
            source.footer,
            sheet_names(path),
        )


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook (none for a CSV file or an HTML table saved as .xls)."""
    if path.suffix.lower() == ".csv":
        return []
    with open(path, "rb") as fh:
        if looks_like_html(fh.read(65536)):
            return []
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def header_hash(headers: list[str]) -> str:
    """The key a mapping is remembered under: the set of normalised headers."""
    names = sorted({normalise(h) for h in headers if normalise(h)})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def preset_options(headers: list[str]) -> list[PresetOption]:
    """The CRM exports whose identifying headers the file has (primary variants first)."""
    found = []
    for name in presets.NAMES:
        for variant in presets.variants(name):
            if variant.detect and variant.matches(headers):
                found.append((not variant.primary, variant))
    found.sort(key=lambda item: (item[0], item[1].label))
    return [PresetOption(v.label, v.preset, v.record_type.name, v.title) for _primary, v in found]


def presets_for(headers: list[str]) -> list[PresetOption]:
    """The presets to offer: none for a file with a template's headers (the loose wordings of a
    preset's detection would match them too)."""
    plain = guessed(headers)
    if plain.template_like(headers) and plain.complete:
        return []
    return preset_options(headers)


def guessed(headers: list[str], record_type: str | None = None) -> Choice:
    """The guessed mapping of ``headers`` (onto ``record_type`` when given)."""
    suggestion = suggest_mapping(headers, record_type)
    return Choice(suggestion.record_type, dict(suggestion.columns))


def first_choice(
    store: Store, look: Look, *, record_type: str | None, sheet: str | None
) -> tuple[Choice, str]:
    """What the page proposes, and why: ``remembered``, ``template`` (the headers are Pantau's
    template), ``preset`` or ``guessed``."""
    saved = remembered(store, look.headers)
    if saved is not None and record_type in (None, saved.record_type):
        return replace(saved, sheet=sheet), "remembered"
    plain = replace(guessed(look.headers, record_type), sheet=sheet)
    if plain.template_like(look.headers) and plain.complete:
        return plain, "template"
    options = preset_options(look.headers)
    options = [o for o in options if record_type in (None, o.record_type)]
    if options:
        choice = guessed(look.headers, options[0].record_type)
        return replace(choice, preset=options[0].preset, sheet=sheet), "preset"
    return plain, "guessed"


def choice_from_form(form: AnyMapping[str, str], look: Look) -> Choice:
    """The choice a mapping form posted (unknown columns, headers and presets are left out).

    A preset reads the file as its own record type.
    """
    record_type = form.get("type", "")
    preset = next((o for o in preset_options(look.headers) if o.value == form.get("preset")), None)
    if preset is not None:
        record_type = preset.record_type
    if record_type not in RECORD_TYPES:
        record_type = guessed(look.headers).record_type
    names = RECORD_TYPES[record_type].column_names
    present = {h for h in look.headers if h}
    columns = {c: form[f"col_{c}"] for c in names if form.get(f"col_{c}") in present}
    decimal = form.get("decimal") or None
    sheet = form.get("sheet") or None
    return Choice(
        record_type,
        columns,
        preset.preset if preset is not None else None,
        (form.get("date_format") or "").strip() or None,
        decimal if decimal in DECIMALS else None,
        sheet if sheet in look.sheets else None,
    )


def answer(choice: Choice, option: str) -> Choice:
    """``choice`` with a question's option (``--date-format '%d/%m/%Y'``, ``--decimal ,``)."""
    flag, _sep, value = option.partition(" ")
    value = value.strip().strip("'")
    if flag == "--date-format" and value:
        return replace(choice, date_format=value)
    if flag == "--decimal" and value in DECIMALS:
        return replace(choice, decimal=value)
    return choice


# -- remembered mappings ---------------------------------------------------------------------
def remembered(store: Store, headers: list[str]) -> Choice | None:
    """The choice last confirmed for a file with these headers, if any."""
    with store.read() as con:
        row = con.execute(
            "SELECT choice FROM import_mappings WHERE header_hash = ?", [header_hash(headers)]
        ).fetchone()
    return Choice.from_json(str(row[0])) if row else None


def remember(store: Store, headers: list[str], choice: Choice, user: str) -> None:
    """Keep ``choice`` for the next file with these headers (the sheet is not kept)."""
    key = header_hash(headers)
    kept = replace(choice, sheet=None)
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM import_mappings WHERE header_hash = ?", [key])
        con.execute(
            "INSERT INTO import_mappings VALUES (?, ?, ?, ?, ?)",
            [key, kept.record_type, kept.to_json(), user, utcnow()],
        )
        con.execute("COMMIT")
