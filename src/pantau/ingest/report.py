"""What an import did: :class:`ImportReport` and its :class:`Issue` list, as JSON or as text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pantau.i18n import gettext as _
from pantau.ingest.formats import Question

Level = Literal["error", "warning"]

#: how many issues of one kind are kept (in the report and in ``import_issues``); counts stay exact
ISSUE_CAP = 1000
#: how many issues of each level the text rendering shows
SHOWN = 50


@dataclass
class Issue:
    """One problem found in a file: a bad cell (error) or a suspicious value (warning)."""

    level: Level
    kind: str
    row: int | None  # 1-based data row (the header is not a row)
    line: int | None  # line number in the file (CSV) or row number in the sheet (Excel)
    column: str | None
    value: str | None
    message: str  # translated
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    """The result of :func:`pantau.ingest.import_file` (also carried by ``ImportRejected``)."""

    import_id: int | None
    record_type: str
    file: str  # file name
    path: str
    checksum: str
    lang: str
    status: Literal["ok", "rejected"] = "ok"
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0  # number of bad rows
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)  # exact, per kind
    warning_counts: dict[str, int] = field(default_factory=dict)  # exact, per kind
    columns: dict[str, str] = field(default_factory=dict)  # file header → template column
    ignored_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)  # template columns not in the file
    via: str = ""  # "mapping m.toml" or "preset hubspot/deals" (empty: the template headers)
    formats: dict[str, str] = field(default_factory=dict)  # file header → how it was read
    questions: list[Question] = field(default_factory=list)  # what the user must decide
    notes: list[str] = field(default_factory=list)  # title rows skipped, footer left out …
    user: str = ""
    started_at: str = ""  # ISO, UTC
    finished_at: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def warning_total(self) -> int:
        return sum(self.warning_counts.values())

    @property
    def error_total(self) -> int:
        return sum(self.error_counts.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (issues as dicts)."""
        out = asdict(self)
        out["warning_total"] = self.warning_total
        out["error_total"] = self.error_total
        return out

    def summary(self, lang: str | None = None) -> str:
        """One line: what happened."""
        lang = lang or self.lang
        if not self.ok:
            return _(
                "{file}: rejected — {bad} of {rows} rows have errors; nothing was imported",
                lang,
                file=self.file,
                bad=self.rejected,
                rows=self.rows_read,
            )
        return _(
            "{file}: {rows} rows of {type} imported ({inserted} new, {updated} updated), "
            "{warnings} warnings (import #{id})",
            lang,
            file=self.file,
            rows=self.rows_read,
            type=self.record_type,
            inserted=self.inserted,
            updated=self.updated,
            warnings=self.warning_total,
            id=self.import_id,
        )

    def render(self, lang: str | None = None) -> RenderableType:
        """A Rich renderable: summary, how the file was read, questions, then the issue tables."""
        lang = lang or self.lang
        style = "bold green" if self.ok else "bold red"
        parts: list[RenderableType] = [Text(self.summary(lang), style=style)]
        parts += [Text(line) for line in self._reading(lang)]
        if self.questions:
            parts.append(Text(_("Questions", lang), style="bold yellow"))
            for q in self.questions:
                parts.append(Text(f"• {q.column}: {q.message} — {q.suggestion}"))
        for title, issues, total in (
            (_("Errors", lang), self.errors, self.error_total),
            (_("Warnings", lang), self.warnings, self.warning_total),
        ):
            if issues:
                parts.append(_issue_table(title, issues, total, lang))
        if not self.ok:
            parts.append(Text(_("Fix these rows and import the file again.", lang)))
        return Group(*parts)

    def _reading(self, lang: str) -> list[str]:
        """Lines on how the file was read: mapping or preset, formats, skipped lines."""
        out = []
        if self.via:
            out.append(_("Read with {via}", lang, via=self.via))
        if self.formats:
            read = "; ".join(f"{h}: {d}" for h, d in self.formats.items())
            out.append(_("Values read as: {formats}", lang, formats=read))
        out += self.notes
        if len(self.warning_counts) > 1:
            counts = ", ".join(f"{k}: {n}" for k, n in sorted(self.warning_counts.items()))
            out.append(_("Warnings by kind: {counts}", lang, counts=counts))
        if self.ignored_columns:
            out.append(_("Ignored columns: {cols}", lang, cols=", ".join(self.ignored_columns)))
        return out

    def to_text(self, lang: str | None = None, width: int = 120) -> str:
        """The rendering as plain text (no colours)."""
        from rich.console import Console

        console = Console(width=width, no_color=True, highlight=False, record=True)
        with console.capture() as cap:
            console.print(self.render(lang))
        return cap.get()


def _issue_table(title: str, issues: list[Issue], total: int, lang: str) -> Table:
    table = Table(title=f"{title} ({total})", title_justify="left", show_lines=False)
    for head in (_("row", lang), _("line", lang), _("column", lang), _("value", lang)):
        table.add_column(head, overflow="fold")
    table.add_column(_("problem", lang), overflow="fold", ratio=1)
    for issue in issues[:SHOWN]:
        table.add_row(
            _cell(issue.row),
            _cell(issue.line),
            issue.column or "",
            _short(issue.value),
            _problem(issue),
        )
    hidden = total - min(len(issues), SHOWN)
    if hidden > 0:
        table.caption = _("… and {n} more (see --format json)", lang, n=hidden)
    return table


def _problem(issue: Issue) -> str:
    if issue.level == "error" and issue.suggestion:
        return f"{issue.message} — {issue.suggestion}"
    return issue.message


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)


def _short(value: str | None, limit: int = 40) -> str:
    if value is None:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"
