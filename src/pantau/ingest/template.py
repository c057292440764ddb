"""Empty import templates: a CSV or XLSX file whose header row is exactly the template columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pantau.i18n import gettext as _
from pantau.ingest.messages import N_
from pantau.model.records import Column, RecordType

HINTS: dict[str, str] = {
    "id": N_("id (text; leading zeros are kept)"),
    "text": N_("text"),
    "enum": N_("one of: {choices}"),
    "label": N_("a word such as {choices}"),
    "timestamp": N_("date/time: YYYY-MM-DD or YYYY-MM-DD HH:MM (business time zone)"),
    "date": N_("date: YYYY-MM-DD"),
    "month": N_("month: YYYY-MM"),
    "period": N_("period: YYYY-MM, YYYY-Qn or YYYY"),
    "number": N_("number, e.g. 1250000.50"),
    "integer": N_("whole number"),
    "fraction": N_("0.2 or 20%"),
    "bool": N_("true/false, 1/0, yes/no, ya/tidak"),
}


def template_columns(rt: RecordType) -> list[str]:
    """The header row of ``rt``'s template."""
    return list(rt.column_names)


def template_csv(rt: RecordType) -> str:
    """The CSV template as text (one header line)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(template_columns(rt))
    return buffer.getvalue()


def column_hint(col: Column, lang: str) -> str:
    """What a column holds, for the XLSX template's cell notes."""
    choices = ", ".join(col.choices) or "call, email, meeting"
    text = _(HINTS[col.kind], lang, choices=choices)
    if col.required:
        text = _("required", lang) + "; " + text
    if col.default:
        text += "; " + _("default {value}", lang, value=col.default)
    return text


def write_template(
    rt: RecordType, path: str | Path, *, xlsx: bool = False, lang: str = "en"
) -> Path:
    """Write the empty template of ``rt`` to ``path`` (CSV, or XLSX with notes per column)."""
    target = Path(path)
    if not xlsx:
        target.write_text(template_csv(rt), encoding="utf-8")
        return target
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet(rt.name[:31])
    plain = book.add_format({"bold": True})
    required = book.add_format({"bold": True, "bg_color": "#FFE699"})
    for i, col in enumerate(rt.columns):
        sheet.write_string(0, i, col.name, required if col.required else plain)
        sheet.write_comment(0, i, column_hint(col, lang))
        sheet.set_column(i, i, max(12, len(col.name) + 2))
    sheet.freeze_panes(1, 0)
    book.close()
    return target
