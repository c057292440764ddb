"""Mapping files: which header of a file is which Pantau column, and how its values read.

A mapping is TOML (see ``docs/mapping.md``)::

    type = "order_lines"          # the record type (or give it on the command line)
    date_format = "%d/%m/%y"      # strptime pattern for every date column (else: decided)
    decimal = ","                 # decimal separator of every number column (else: decided)
    skip_rows = 0                 # lines above the header (else: found)
    sheet = "Orders"              # the sheet of a workbook (ignored for other files)
    one_row_per = "customer_id"   # the first row of each value (customers from order lines)
    [columns]                     # Pantau column = header in the file (or a list: the first found)
    order_id = "Order ID"
    [values.stage]                # per Pantau column: value in the file = Pantau value
    "Closed Won" = "won"
    [constants]                   # a Pantau column with the same value in every row
    status = "confirmed"
    [skip]                        # rows left out on purpose (counted in the report)
    stage = ["Prospecting", ""]   # where the file's value is one of these ("" = empty)

Every mistake — a TOML syntax error, an unknown key or column, a header the file lacks — is a
:class:`MappingError` naming the file and the line (``tomllib`` gives no positions, so
:mod:`pantau.ingest.tomlkeys` finds them in the text). The importer's presets are mappings too,
with a ``[preset]`` table of their own.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from pantau.errors import InputFileError, UnknownRecordType
from pantau.i18n import gettext as _
from pantau.ingest.header import Field, HeaderMap, complete, normalise
from pantau.ingest.layout import HeaderHint
from pantau.ingest.messages import N_
from pantau.ingest.readers import raw_name
from pantau.ingest.sqltext import literal, trimmed
from pantau.ingest.tomlkeys import Path as KeyPath
from pantau.ingest.tomlkeys import key_lines, line_of
from pantau.model.records import RecordType, record_type

KEYS = (
    "type", "date_format", "decimal", "skip_rows", "sheet", "one_row_per",
    "columns", "values", "constants", "skip",
)  # fmt: skip
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


class MappingError(InputFileError):
    """A mapping file that cannot be used; ``line`` is where the problem is (if known)."""

    def __init__(self, source: str, line: int | None, reason: str, hint: str = "") -> None:
        self.line = line
        super().__init__(f"{source}:{line}" if line else source, reason, hint)


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping: see the module documentation for the meaning of each part."""

    source: str  # the file (or preset) it came from, for messages
    record_type: str | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column → file values
    date_format: str | None = None
    decimal: str | None = None
    skip_rows: int | None = None
    sheet: str | None = None
    one_row_per: str | None = None
    lines: dict[KeyPath, int] = field(default_factory=dict, repr=False)
    extra: dict[str, Any] = field(default_factory=dict)  # a preset's [preset] table

    def line(self, *path: str) -> int | None:
        return line_of(self.lines, tuple(path))

    def fail(
        self, path: KeyPath, reason: str, hint: str = "", *, lang: str, **params: object
    ) -> NoReturn:
        raise MappingError(
            self.source,
            self.line(*path),
            _(reason, lang, **params),
            _(hint, lang, **params) if hint else "",
        )

    def check(self, rt: RecordType, lang: str) -> None:
        """Every Pantau column named in ``[columns]``, ``[values]`` and ``[constants]`` exists."""
        known = rt.column_names
        for table in ("columns", "values", "constants", "skip"):
            for column in getattr(self, table):
                if column not in known:
                    self.fail(
                        (table, column),
                        N_("unknown column '{column}' for {type}"),
                        N_("the columns of {type} are: {columns}"),
                        lang=lang,
                        column=column,
                        type=rt.name,
                        columns=", ".join(known),
                    )
        if self.one_row_per is not None and self.one_row_per not in self.columns:
            self.fail(
                ("one_row_per",),
                N_("one_row_per names {column}, which [columns] does not map"),
                N_("map {column} in [columns]"),
                lang=lang,
                column=self.one_row_per,
            )
        for table in ("values", "skip"):
            for column in getattr(self, table):
                if column not in self.columns:
                    self.fail(
                        (table, column),
                        N_("[{table}] names {column}, which [columns] does not map"),
                        N_("add {column} to [columns], or remove it from [{table}]"),
                        lang=lang,
                        column=column,
                        table=table,
                    )

    def header_hint(self, skip_rows: int | None = None) -> HeaderHint:
        """How to find the header row of a file this mapping reads: the row holding all its
        (single) headers."""
        known = frozenset(normalise(h) for alts in self.columns.values() for h in alts)
        wanted = frozenset(normalise(a[0]) for a in self.columns.values() if len(a) == 1)
        skip = skip_rows if skip_rows is not None else self.skip_rows
        return HeaderHint(skip, known, wanted)

    def resolve(self, rt: RecordType, headers: list[str], lang: str) -> HeaderMap:
        """The :class:`HeaderMap` of a file with ``headers`` (every mapped header must be there)."""
        return self.complete(rt, self.fields(headers, lang), headers, lang)

    def fields(self, headers: list[str], lang: str, *, strict: bool = True) -> dict[str, Field]:
        """The :class:`Field` of every mapped column and constant.

        ``strict``: a header missing from the file is an error (a preset lists alternatives
        that not every export has: it leaves such columns out).
        """
        fields: dict[str, Field] = {}
        for column, alternatives in self.columns.items():
            index = find_header(alternatives, headers)
            if index is None:
                if strict:
                    self._missing_header(column, alternatives, headers, lang)
                continue
            fields[column] = Field(
                self.value_map(column, trimmed(raw_name(index))), headers[index].strip(), index
            )
        for column, value in self.constants.items():
            fields[column] = Field(literal(value), f'{column} = "{value}"')
        return fields

    def complete(
        self,
        rt: RecordType,
        fields: dict[str, Field],
        headers: list[str],
        lang: str,
        read: set[int] | None = None,
    ) -> HeaderMap:
        """Check the required columns are among ``fields``; the :class:`HeaderMap`.

        ``read``: other columns the fields read (not "ignored").
        """
        used = {f.index for f in fields.values()} | (read or set())
        ignored = [h.strip() for i, h in enumerate(headers) if i not in used and h.strip()]
        return complete(
            rt,
            fields,
            headers,
            ignored,
            Path(self.source),
            lang,
            N_("map them in [columns] of the mapping (needed: {required})"),
        )

    def skip_sql(self, fields: dict[str, Field]) -> str | None:
        """SQL: the row is left out by ``[skip]`` (judged on the file's own values)."""
        conditions = []
        for column, values in self.skip.items():
            index = fields[column].index if column in fields else None
            if index is None:
                continue
            raw = trimmed(raw_name(index))
            words = [v.strip().lower() for v in values if v.strip()]
            parts = [f"{raw} IS NULL"] if any(not v.strip() for v in values) else []
            if words:
                parts.append(f"lower({raw}) IN ({', '.join(literal(w) for w in words)})")
            conditions.append("(" + " OR ".join(parts) + ")")
        return " OR ".join(conditions) or None

    def value_map(self, column: str, sql: str) -> str:
        """``sql`` with this mapping's ``[values.column]`` applied (case-insensitive)."""
        pairs = self.values.get(column)
        if not pairs:
            return sql
        cases = " ".join(
            f"WHEN {literal(k)} THEN {literal(v) if v is not None else 'NULL'}"
            for k, v in pairs.items()
        )
        return f"CASE lower({sql}) {cases} ELSE {sql} END"

    def _missing_header(
        self, column: str, alternatives: tuple[str, ...], headers: list[str], lang: str
    ) -> NoReturn:
        present = [h.strip() for h in headers if h.strip()]
        close = difflib.get_close_matches(alternatives[0], present, n=1, cutoff=0.6)
        hint = N_("did you mean '{best}'?") if close else N_("the file's headers are: {headers}")
        self.fail(
            ("columns", column),
            N_("header '{header}' (for {column}) is not in the file"),
            hint,
            lang=lang,
            header="' / '".join(alternatives),
            column=column,
            best=close[0] if close else "",
            headers=", ".join(present),
        )


def find_header(alternatives: tuple[str, ...], headers: list[str]) -> int | None:
    """Index of the first of ``alternatives`` in ``headers`` (exact, else by ``normalise``)."""
    stripped = [h.replace("\ufeff", "").strip() for h in headers]
    normal = [normalise(h) for h in headers]
    for alternative in alternatives:
        if alternative.strip() in stripped:
            return stripped.index(alternative.strip())
        matches = [i for i, n in enumerate(normal) if n and n == normalise(alternative)]
        if len(matches) == 1:
            return matches[0]
    return None


# -- reading a mapping file ---------------------------------------------------------------------
def load_mapping(path: str | Path, lang: str = "en") -> Mapping:
    """Read and check the mapping file ``path`` (raises :class:`MappingError`)."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(
            str(p), None, _("file not found", lang), _("check the path and the file name", lang)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(str(p), None, _("cannot be read: {err}", lang, err=exc)) from None
    return parse_mapping(text, str(p), lang)


def parse_mapping(text: str, source: str, lang: str = "en", *, preset: bool = False) -> Mapping:
    """Parse mapping ``text`` (``source`` names it in messages); ``preset`` allows ``[preset]``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        raise MappingError(
            source,
            int(found.group(1)) if found else None,
            _(N_("this is not valid TOML: {err}"), lang, err=_TOML_LINE.sub("", str(exc)).strip()),
            _(N_('write key = "value" lines; see `pantau mapping suggest FILE`'), lang),
        ) from None
    reader = _Reader(source, key_lines(text), lang)
    allowed = (*KEYS, "preset") if preset else KEYS
    reader.known_keys(data, (), allowed)
    return Mapping(
        source=source,
        record_type=reader.text(data, "type"),
        columns=reader.columns(data.get("columns", {})),
        values=reader.values(data.get("values", {})),
        constants=reader.constants(data.get("constants", {})),
        skip=reader.skip(data.get("skip", {})),
        date_format=reader.text(data, "date_format"),
        decimal=reader.decimal(data),
        skip_rows=reader.count(data, "skip_rows"),
        sheet=reader.text(data, "sheet"),
        one_row_per=reader.text(data, "one_row_per"),
        lines=reader.lines,
        extra=reader.table(data, "preset") if preset else {},
    )


@dataclass
class _Reader:
    """Checks the shape of parsed TOML, raising :class:`MappingError` with the key's line."""

    source: str
    lines: dict[KeyPath, int]
    lang: str

    def fail(self, path: KeyPath, reason: str, hint: str = "", **params: object) -> NoReturn:
        raise MappingError(
            self.source,
            line_of(self.lines, path),
            _(reason, self.lang, **params),
            _(hint, self.lang, **params) if hint else "",
        )

    def known_keys(self, data: dict[str, Any], path: KeyPath, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                self.fail(
                    (*path, key),
                    N_("unknown key '{key}'"),
                    N_("the keys of a mapping are: {keys}"),
                    key=".".join((*path, key)),
                    keys=", ".join(allowed),
                )

    def wrong(self, path: KeyPath, what: str) -> NoReturn:
        self.fail(path, N_("'{key}' must be {what}"), key=".".join(path), what=_(what, self.lang))

    def text(self, data: dict[str, Any], key: str) -> str | None:
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.wrong((key,), N_("a text in quotes"))
        return value

    def decimal(self, data: dict[str, Any]) -> str | None:
        value = data.get("decimal")
        if value is not None and value not in (",", "."):
            self.wrong(("decimal",), N_('"," or "."'))
        return value

    def count(self, data: dict[str, Any], key: str) -> int | None:
        value = data.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            self.wrong((key,), N_("a whole number, 0 or more"))
        return value

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.wrong((key,), N_("a table such as [{key}]"))
        return value

    def columns(self, data: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(data, dict):
            self.wrong(("columns",), N_("a table such as [columns]"))
        out: dict[str, tuple[str, ...]] = {}
        for column, header in data.items():
            headers = [header] if isinstance(header, str) else header
            if (
                not isinstance(headers, list)
                or not headers
                or not all(isinstance(h, str) and h.strip() for h in headers)
            ):
                self.wrong(("columns", column), N_("a header in quotes, or a list of them"))
            out[column] = tuple(headers)
        return out

    def values(self, data: Any) -> dict[str, dict[str, str | None]]:
        if not isinstance(data, dict):
            self.wrong(("values",), N_("a table such as [values.stage]"))
        out: dict[str, dict[str, str | None]] = {}
        for column, pairs in data.items():
            if not isinstance(pairs, dict):
                self.wrong(("values", column), N_('a table of "value in the file" = "value"'))
            out[column] = {
                str(k).strip().lower(): self.scalar(("values", column, k), v) or None
                for k, v in pairs.items()
            }
        return out

    def constants(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict):
            self.wrong(("constants",), N_("a table such as [constants]"))
        return {c: self.scalar(("constants", c), v) for c, v in data.items()}

    def skip(self, data: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(data, dict):
            self.wrong(("skip",), N_("a table such as [skip]"))
        out: dict[str, tuple[str, ...]] = {}
        for column, values in data.items():
            items = values if isinstance(values, list) else [values]
            out[column] = tuple(self.scalar(("skip", column), v) for v in items)
        return out

    def scalar(self, path: KeyPath, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value).strip()
        self.wrong(path, N_("a text in quotes"))


def mapped_type(mapping: Mapping | None, given: str | None, lang: str) -> RecordType | None:
    """The record type: given on the command line, else the mapping's (they must agree)."""
    if mapping is None or mapping.record_type is None:
        return record_type(given) if given else None
    if given is not None and record_type(given).name != record_type(mapping.record_type).name:
        mapping.fail(
            ("type",),
            N_("the mapping is for {mapped}, but the command imports {type}"),
            N_("leave TYPE out of the command, or change type in the mapping"),
            lang=lang,
            mapped=mapping.record_type,
            type=given,
        )
    try:
        return record_type(mapping.record_type)
    except UnknownRecordType as exc:
        mapping.fail(
            ("type",),
            "unknown record type '{name}'; use one of: {known}",
            lang=lang,
            name=exc.name,
            known=", ".join(exc.known),
        )
