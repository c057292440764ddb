"""How a file is read: its record type, and the template headers, a mapping or a preset.

:class:`Recipe` gathers what the caller said (``record_type``, ``mapping``, ``preset``,
``date_format``, ``decimal``, ``skip_rows``, ``sheet``); :meth:`Recipe.read` turns an opened
source into a :class:`Reading`: the record type and the :class:`~pantau.ingest.header.HeaderMap`
(reshaping the source first when a preset needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest import aliases, presets
from pantau.ingest.formats import Given, check_given
from pantau.ingest.header import HeaderMap, match_headers, normalise
from pantau.ingest.layout import HeaderHint
from pantau.ingest.mapping import Mapping, load_mapping, mapped_type
from pantau.ingest.messages import N_
from pantau.ingest.presets import reshape
from pantau.ingest.readers import Source
from pantau.model.records import RecordType


@dataclass(frozen=True)
class Reading:
    """A source as a record type: the (possibly reshaped) source and its header map."""

    rt: RecordType
    hmap: HeaderMap
    source: Source
    via: str  # "mapping m.toml", "preset hubspot/deals" or ""
    changes_only: bool = False
    skip: str | None = None  # SQL: the row is left out on purpose (a mapping's [skip])
    folded: tuple[int, str] | None = None  # (rows folded into an earlier one, by this column)


@dataclass(frozen=True)
class Recipe:
    """What the caller said about reading a file."""

    rt: RecordType | None
    mapping: Mapping | None
    preset: str | None
    given: Given
    skip_rows: int | None
    sheet: str | None

    @classmethod
    def build(
        cls,
        record_type_name: str | None,
        *,
        mapping: Mapping | str | Path | None,
        preset: str | None,
        given: Given,
        skip_rows: int | None,
        sheet: str | None,
        lang: str,
    ) -> Recipe:
        if mapping is not None and preset is not None:
            raise UsageError(_(N_("use either --mapping or --preset, not both"), lang))
        if skip_rows is not None and skip_rows < 0:
            raise UsageError(_(N_("--skip-rows must be 0 or more"), lang))
        loaded = (
            mapping
            if isinstance(mapping, Mapping) or mapping is None
            else load_mapping(mapping, lang)
        )
        if loaded is not None:
            given = Given(given.date_format or loaded.date_format, given.decimal or loaded.decimal)
        check_given(given, lang)
        rt = mapped_type(loaded, record_type_name, lang)
        if preset is not None:
            preset = presets.check_name(preset, lang)
        elif rt is None:
            raise UsageError(
                _(
                    N_(
                        "give the record type (pantau import TYPE FILE), or set type in the mapping"
                    ),
                    lang,
                )
            )
        if loaded is not None and rt is not None:
            loaded.check(rt, lang)
        return cls(rt, loaded, preset, given, skip_rows, sheet)

    def sheet_for(self, file_format: str) -> str | None:
        """The sheet to read: ``--sheet``, else the mapping's (for a workbook only)."""
        if self.sheet is not None or file_format != "excel" or self.mapping is None:
            return self.sheet
        return self.mapping.sheet

    def hint(self) -> HeaderHint:
        """How to find the header row (below any title rows)."""
        if self.preset is not None:
            return presets.header_hint(self.preset, self.rt, self.skip_rows)
        if self.mapping is not None:
            return self.mapping.header_hint(self.skip_rows)
        assert self.rt is not None
        known = {normalise(c) for c in self.rt.column_names} | aliases.known(self.rt.name)
        return HeaderHint(self.skip_rows, frozenset(known))

    def read(
        self, con: duckdb.DuckDBPyConnection, source: Source, path: Path, lang: str
    ) -> Reading:
        """The source as a record type, through the preset, the mapping or the template."""
        if self.preset is not None:
            return self._preset(con, source, path, lang)
        if self.mapping is not None:
            assert self.rt is not None
            hmap = self.mapping.resolve(self.rt, source.headers, lang)
            via = f"mapping {Path(self.mapping.source).name}"
            source, folded = _one_row_per(con, source, hmap, self.mapping)
            skip = self.mapping.skip_sql(hmap.fields)
            return Reading(self.rt, hmap, source, via, skip=skip, folded=folded)
        assert self.rt is not None
        return Reading(self.rt, match_headers(self.rt, source.headers, path, lang), source, "")

    def _preset(
        self, con: duckdb.DuckDBPyConnection, source: Source, path: Path, lang: str
    ) -> Reading:
        assert self.preset is not None
        variant = presets.select(self.preset, self.rt, source.headers, str(path), lang)
        rt = variant.record_type
        if variant.hooks.reshape is not None:
            source = variant.hooks.reshape(con, source, lang)
        fields, used = variant.fields(source.headers, lang)
        variant.check_required(fields, str(path), lang)
        hmap = variant.mapping.complete(rt, fields, source.headers, lang, used)
        source, folded = _one_row_per(con, source, hmap, variant.mapping)
        skip = variant.mapping.skip_sql(hmap.fields)
        via = f"preset {variant.label}"
        return Reading(rt, hmap, source, via, variant.changes_only, skip, folded)


def _one_row_per(
    con: duckdb.DuckDBPyConnection, source: Source, hmap: HeaderMap, mapping: Mapping
) -> tuple[Source, tuple[int, str] | None]:
    """The source folded to one row per value of the mapping's ``one_row_per`` column."""
    column = mapping.one_row_per
    if column is None or column not in hmap.fields:
        return source, None
    folded_source, folded = reshape.distinct(con, source, hmap.fields[column].sql)
    return folded_source, (folded, column) if folded else None
