"""The KPI workbook: a cover sheet, one sheet per KPI group and the definitions.

Every number is stored as a number with a display format (Rupiah, percent, count), never as
text, so the workbook can be filtered, summed and charted. A null KPI (a ratio with a zero
denominator, a median over nothing) is an empty cell, never 0. Text that comes from user data is
written with ``write_string`` — never a formula — and risky text (see
:mod:`pantau.reports.csvsafe`) gets Excel's quote-prefix flag as well.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pantau.i18n import check_lang, gettext
from pantau.metrics.periods import check_grain
from pantau.metrics.query import check_by
from pantau.reports.context import (
    KEY_COLUMNS,
    N_,
    ReportMeta,
    build_meta,
    check_month,
    direction_name,
    group_name,
    key_header,
    kpi_catalogue,
    kpis_by_group,
    rep_directory,
    unit_name,
)
from pantau.reports.csvsafe import is_risky

if TYPE_CHECKING:
    from pantau.metrics import Scope
    from pantau.store import Store

Target = str | os.PathLike[str] | IO[bytes]

_WIDTH_MIN, _WIDTH_MAX, _KPI_WIDTH = 10, 40, 18


class Styles:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook, currency: str) -> None:
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 16})
        self.label = add({"bold": True})
        self.header = add(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F1", "border": 1}
        )
        self.text = add({})
        self.quoted = add({"quote_prefix": True})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.note = add({"italic": True, "font_color": "#555555"})
        self.good = add({"bg_color": "#C6EFCE", "font_color": "#006100"})
        self.bad = add({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        money = '"Rp"#,##0' if currency == "IDR" else f'"{currency} "#,##0.00'
        self.units = {
            "amount": add({"num_format": money}),
            "ratio": add({"num_format": "0.0%"}),
            "count": add({"num_format": "#,##0"}),
            "minutes": add({"num_format": "#,##0.0"}),
            "days": add({"num_format": "#,##0.0"}),
        }
        self.percent = self.units["ratio"]


def write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Format, styles: Styles) -> None:
    """Write ``text`` as a string, never a formula; risky text gets the quote prefix."""
    ws.write_string(row, col, text, styles.quoted if is_risky(text) else fmt)


def write_number(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    """A number with ``fmt``; ``None`` stays an empty (but formatted) cell."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


@dataclass(frozen=True)
class Column:
    """One column of a KPI sheet: header, where its value comes from, how it is shown."""

    header: str
    kpi: str
    part: str  # "value", "target", "attainment" or "met"
    unit: str


def write_excel(
    store: Store,
    path: Target,
    *,
    start: str | None = None,
    end: str | None = None,
    grain: str = "month",
    by: str | None = None,
    scope: Scope | None = None,
    lang: str = "id",
    generated_by: str | None = None,
) -> None:
    """Write the KPI workbook for ``start``–``end`` (``YYYY-MM``) to ``path`` (file or stream)."""
    from pantau.metrics import KpiQuery, compute_kpis

    lang = check_lang(lang)
    grain, by = check_grain(grain), check_by(by)
    start, end = check_month(start, "--from"), check_month(end, "--to")
    query = KpiQuery(start=start, end=end, grain=grain, by=by, scope=scope)
    result = compute_kpis(store, query)
    start, end = _covered(result, start, end)
    meta = build_meta(
        store,
        lang=lang,
        start=start,
        end=end,
        grain=grain,
        by=by,
        basis=result["basis"],
        scope=scope,
        generated_by=generated_by,
    )
    names = rep_directory(store) if by == "rep" else {}
    build_workbook(path, result, meta, kpi_catalogue(), by=by, rep_names=names)


def _covered(
    result: dict[str, Any], start: str | None, end: str | None
) -> tuple[str | None, str | None]:
    """The periods the export covers: as asked, else (or at a coarser grain) as returned."""
    periods = [str(r["period"]) for r in result["rows"]]
    first, last = min(periods, default=None), max(periods, default=None)
    if result["grain"] != "month":
        return first, last
    return start or first, end or last


def build_workbook(
    path: Target,
    result: dict[str, Any],
    meta: ReportMeta,
    kpis: list[Any],
    *,
    by: str | None,
    rep_names: dict[str, tuple[str | None, str | None]],
) -> None:
    """Lay out a ``compute_kpis`` result as the workbook (no store access from here on)."""
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(path, options)
    title = gettext("Sales KPI report", meta.lang)
    workbook.set_properties({"title": title, "author": meta.generated_by, "subject": meta.period})
    styles = Styles(workbook, meta.currency)
    groups = kpis_by_group(kpis)
    _cover_sheet(workbook.add_worksheet(gettext("Cover", meta.lang)), meta, groups, styles)
    for group, members in groups:
        ws = workbook.add_worksheet(group_name(group, meta.lang)[:31])
        sheet = _KpiSheet(ws, styles, meta.lang, by, rep_names)
        sheet.write(result["rows"], members)
    _definitions_sheet(
        workbook.add_worksheet(gettext("Definitions", meta.lang)), kpis, meta, styles
    )
    workbook.close()


def _cover_sheet(
    ws: Worksheet, meta: ReportMeta, groups: list[tuple[str, list[Any]]], styles: Styles
) -> None:
    lang = meta.lang
    ws.write_string(0, 0, gettext("Sales KPI report", lang), styles.title)
    facts = [
        (N_("Period"), meta.period),
        (N_("Grain"), meta.grain),
        (N_("Breakdown"), meta.breakdown),
        (N_("Revenue basis"), meta.basis),
        (N_("Scope"), meta.scope),
        (N_("Currency"), meta.currency),
        (N_("Generated at"), meta.generated_at),
        (N_("Generated by"), meta.generated_by),
    ]
    for i, (label, value) in enumerate(facts, start=2):
        ws.write_string(i, 0, gettext(label, lang), styles.label)
        write_text(ws, i, 1, value, styles.text, styles)
    row = len(facts) + 3
    ws.write_string(row, 0, gettext("Sheets", lang), styles.label)
    for i, (group, _) in enumerate(groups, start=row):
        ws.write_string(i, 1, group_name(group, lang), styles.text)
    notes = [
        N_(
            "An empty cell means the KPI has no value there (for example a ratio whose "
            "denominator is 0): it is not zero."
        ),
        N_("Target columns appear for the KPIs that have a target in the period."),
    ]
    for i, note in enumerate(notes, start=row + len(groups) + 1):
        ws.write_string(i, 0, gettext(note, lang), styles.note)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 60)
    ws.hide_gridlines(2)


class _KpiSheet:
    """One KPI group's sheet: a row per period (and group key), a column per KPI part."""

    def __init__(
        self,
        ws: Worksheet,
        styles: Styles,
        lang: str,
        by: str | None,
        rep_names: dict[str, tuple[str | None, str | None]],
    ) -> None:
        self.ws, self.styles, self.lang, self.by, self.rep_names = ws, styles, lang, by, rep_names

    def key_headers(self) -> list[str]:
        headers = [gettext("Period", self.lang)]
        if self.by:
            headers.append(key_header(self.by, self.lang))
        if self.by == "rep":
            headers += [gettext("Name", self.lang), gettext("Team", self.lang)]
        return headers

    def key_cells(self, row: dict[str, Any]) -> list[str]:
        cells = [str(row["period"])]
        if self.by:
            key = row.get(KEY_COLUMNS[self.by])
            cells.append(gettext("(none)", self.lang) if key is None else str(key))
        if self.by == "rep":
            name, team = self.rep_names.get(str(row.get("rep_id")), (None, None))
            cells += [name or "", team or ""]
        return cells

    def columns(self, rows: list[dict[str, Any]], kpis: list[Any]) -> list[Column]:
        out = []
        for kpi in kpis:
            name = kpi.name(self.lang)
            out.append(Column(name, kpi.id, "value", kpi.unit))
            targets = [r.get("targets", {}).get(kpi.id) for r in rows]
            targets = [t for t in targets if t]
            if not targets:
                continue
            out.append(
                Column(f"{name}: {gettext('target', self.lang)}", kpi.id, "target", kpi.unit)
            )
            if any(t.get("attainment") is not None for t in targets):
                label = gettext("attainment", self.lang)
                out.append(Column(f"{name}: {label}", kpi.id, "attainment", "ratio"))
            out.append(Column(f"{name}: {gettext('met', self.lang)}", kpi.id, "met", "text"))
        return out

    def write(self, rows: list[dict[str, Any]], kpis: list[Any]) -> None:
        keys, columns = self.key_headers(), self.columns(rows, kpis)
        headers = keys + [c.header for c in columns]
        for col, header in enumerate(headers):
            self.ws.write_string(0, col, header, self.styles.header)
        widths = [len(h) for h in keys]
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(self.key_cells(row)):
                write_text(self.ws, r, c, text, self.styles.text, self.styles)
                widths[c] = max(widths[c], len(text))
            for c, column in enumerate(columns, start=len(keys)):
                self.write_part(r, c, row, column)
        self.finish(len(rows), keys, columns, widths)

    def yes_no(self, met: bool) -> str:
        return gettext("yes", self.lang) if met else gettext("no", self.lang)

    def write_part(self, r: int, c: int, row: dict[str, Any], column: Column) -> None:
        if column.part == "value":
            write_number(self.ws, r, c, row.get(column.kpi), self.styles.units[column.unit])
            return
        target = row.get("targets", {}).get(column.kpi) or {}
        if column.part == "met":
            met = target.get("met")
            if met is not None:
                self.ws.write_string(r, c, self.yes_no(met))
            return
        write_number(self.ws, r, c, target.get(column.part), self.styles.units[column.unit])

    def finish(
        self, n_rows: int, keys: list[str], columns: list[Column], widths: list[int]
    ) -> None:
        ws, last_col = self.ws, len(keys) + len(columns) - 1
        lines = max((math.ceil(len(c.header) / (_KPI_WIDTH - 2)) for c in columns), default=1)
        ws.set_row(0, 13 * max(lines, 2) + 4)
        ws.freeze_panes(1, len(keys))
        ws.autofilter(0, 0, max(n_rows, 1), last_col)
        for c, width in enumerate(widths):
            ws.set_column(c, c, min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX))
        ws.set_column(len(keys), last_col, _KPI_WIDTH)
        for c, column in enumerate(columns, start=len(keys)):
            if column.part == "met" and n_rows:
                self._colour_met(c, n_rows)

    def _colour_met(self, col: int, n_rows: int) -> None:
        for met, fmt in ((True, self.styles.good), (False, self.styles.bad)):
            self.ws.conditional_format(
                1,
                col,
                n_rows,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{self.yes_no(met)}"',
                    "format": fmt,
                },
            )


def _definitions_sheet(ws: Worksheet, kpis: list[Any], meta: ReportMeta, styles: Styles) -> None:
    lang = meta.lang
    headers = [
        N_("KPI id"),
        N_("Group"),
        N_("Name"),
        N_("Description"),
        N_("Unit"),
        N_("Direction"),
        N_("Anchor"),
    ]
    for col, header in enumerate(headers):
        ws.write_string(0, col, gettext(header, lang), styles.header)
    for r, kpi in enumerate(kpis, start=1):
        cells = [
            kpi.id,
            group_name(kpi.group, lang),
            kpi.name(lang),
            kpi.description(lang),
            unit_name(kpi.unit, lang),
            direction_name(kpi.direction, lang),
            str(kpi.anchor),
        ]
        for c, text in enumerate(cells):
            ws.write_string(r, c, text, styles.wrap)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(kpis), len(headers) - 1)
    for col, width in enumerate((26, 22, 34, 80, 18, 24, 28)):
        ws.set_column(col, col, width)
