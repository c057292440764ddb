"""``import_file``: read → match headers → parse and check in SQL → upsert, all or nothing."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import duckdb

from pantau.errors import ImportRejected
from pantau.i18n import check_lang
from pantau.i18n import gettext as _
from pantau.ingest import checks, formats, stage, validate
from pantau.ingest.csvtext import line_numbers
from pantau.ingest.dryrun import DryRun
from pantau.ingest.files import SourceFile, fail, inspect
from pantau.ingest.formats import Given, Question
from pantau.ingest.mapping import Mapping
from pantau.ingest.messages import AMBIGUOUS, N_
from pantau.ingest.presets.reshape import keep_stage_changes
from pantau.ingest.readers import Source, open_source
from pantau.ingest.recipe import Reading, Recipe
from pantau.ingest.report import ImportReport, Issue
from pantau.ingest.targets import Target, open_target
from pantau.store import Store

Progress = Callable[[str, float], None]
MEMORY_LIMIT = os.environ.get("PANTAU_IMPORT_MEMORY", "1GB")
#: DuckDB errors of the generated SQL itself (bugs), never of a file's text
NOT_CSV = (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException)


def import_file(
    store: Store,
    record_type: str | None,
    path: str | Path,
    *,
    sheet: str | None = None,
    lang: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    mapping: Mapping | str | Path | None = None,
    preset: str | None = None,
    date_format: str | None = None,
    decimal: str | None = None,
    skip_rows: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import one file of ``record_type`` into ``store``; all rows or none.

    ``mapping`` (a :class:`~pantau.ingest.mapping.Mapping` or a mapping file) or ``preset`` (a
    CRM export, ``pantau.ingest.presets.NAMES``) say which header is which column; then
    ``record_type`` may be ``None`` (the mapping's ``type``, the preset's guess). ``date_format``
    and ``decimal`` decide what the values of a column cannot; ``skip_rows`` counts the lines
    above the header (otherwise found).

    Raises ``UnknownRecordType`` for a bad type, ``UsageError`` for bad options, ``MappingError``
    for a bad mapping, ``InputFileError`` when the file cannot be read as a table, and
    ``ImportRejected`` (carrying the report) when any row is bad or a column is ambiguous.
    ``dry_run``: check everything, write nothing (:mod:`pantau.ingest.dryrun`).
    """
    notify: Progress = progress or (lambda _stage, _fraction: None)
    settings = store.settings()
    lang = check_lang(lang or settings["language"])
    started = _now()
    recipe = Recipe.build(
        record_type,
        mapping=mapping,
        preset=preset,
        given=Given(date_format, decimal),
        skip_rows=skip_rows,
        sheet=sheet,
        lang=lang,
    )
    notify("reading", 0.0)
    src = inspect(path, lang)
    with (
        tempfile.TemporaryDirectory(prefix="pantau-import-") as tmp,
        open_target(store, Path(tmp)) as (con, target),
    ):
        target = DryRun(target) if dry_run else target
        _configure(con, Path(tmp), settings["timezone"])
        with _csv_errors(src, lang):
            source = open_source(
                con,
                src,
                sheet=recipe.sheet_for(src.format),
                workdir=Path(tmp),
                lang=lang,
                progress=notify,
                hint=recipe.hint(),
            )
            reading = recipe.read(con, source, src.path, lang)
            decisions = _decide(con, reading, recipe, lang)
        plan = stage.Plan(
            reading.rt,
            reading.hmap,
            reading.source,
            settings["timezone"],
            decisions.formats,
            reading.skip,
        )
        report = _new_report(src, reading, decisions, lang, user, started)
        notify("checking", 0.4)
        with _csv_errors(src, lang):
            stage.build_parsed(con, plan)
        _check_rows(con, plan, src, report, lang, target)
        notify("writing", 0.6)
        target.prepare(con, plan.rt)
        _stage_and_write(con, plan, report, lang, notify, reading.changes_only, target)
    notify("done", 1.0)
    return report


def _decide(
    con: duckdb.DuckDBPyConnection, reading: Reading, recipe: Recipe, lang: str
) -> formats.Decisions:
    fields = reading.hmap.fields
    columns = [(c, fields[c.name]) for c in reading.rt.columns if c.name in fields]
    source = reading.source
    return formats.decide(
        con, source.relation, columns, recipe.given, lang, source.typed, source.cell_types
    )


def _new_report(
    src: SourceFile,
    reading: Reading,
    decisions: formats.Decisions,
    lang: str,
    user: str | None,
    started: str,
) -> ImportReport:
    report = ImportReport(
        import_id=None,
        record_type=reading.rt.name,
        file=src.name,
        path=str(src.path.resolve()),
        checksum=src.checksum,
        lang=lang,
        user=user or _os_user(),
        started_at=started,
        via=reading.via,
        columns=reading.hmap.columns(),
        ignored_columns=reading.hmap.ignored,
        missing_optional=reading.hmap.missing_optional,
        formats=decisions.notes,
        questions=decisions.questions,
    )
    source = reading.source
    if reading.folded:
        n, column = reading.folded
        message = N_("{n} rows repeated the {column} of an earlier row: the first one was kept")
        report.notes.append(_(message, lang, n=n, column=reading.hmap.header_of(column)))
    if source.skipped:
        report.notes.append(
            _(N_("{n} lines above the header were skipped"), lang, n=source.skipped)
        )
    if source.footer:
        report.notes.append(
            _(N_("footer lines left out: {lines}"), lang, lines=" | ".join(source.footer))
        )
    return report


def _configure(con: duckdb.DuckDBPyConnection, tmp: Path, tz: str) -> None:
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{tmp / 'spill'}'")
    con.execute("SET preserve_insertion_order = true")  # row numbers are the file's order
    con.execute(f"SET TimeZone = '{tz}'")  # offset-less timestamps are business-local time
    stage.attach_work(con, tmp)


@contextmanager
def _csv_errors(src: SourceFile, lang: str) -> Iterator[None]:
    """DuckDB's CSV reader errors (wherever the file is scanned) as one clear message."""
    try:
        yield
    except duckdb.Error as exc:
        if src.format != "csv" or isinstance(exc, NOT_CSV):
            raise
        _csv_failure(src, exc, lang)


def _check_rows(
    con: duckdb.DuckDBPyConnection,
    plan: stage.Plan,
    src: SourceFile,
    report: ImportReport,
    lang: str,
    target: Target,
) -> None:
    report.rows_read = validate.count_rows(con)
    skipped = validate.count_skipped(con) if plan.skip else 0
    if skipped:
        report.notes.append(_(N_("{n} rows left out by [skip] of the mapping"), lang, n=skipped))
    if not report.rows_read:
        fail(src.path, "no rows: the file has a header but no data", lang=lang)
    if not validate.count_bad(con):
        return
    with _csv_errors(src, lang):
        stage.build_checked(con, plan)  # every bad cell's error code and text, for the report
    scan = validate.collect_errors(con, plan, lang)
    report.status = "rejected"
    report.rejected = scan.bad_rows
    report.errors = scan.issues
    report.error_counts = dict(scan.counts)
    _ask(report.errors, report.questions, lang)
    _add_lines(con, plan, report.errors)
    report.finished_at = _now()
    target.write_rejected(con, report)
    raise ImportRejected(report, report.summary())


_TWO_WAYS = {
    "date_order": re.compile(r"\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b.*"),
    "decimal": re.compile(r".*\d[.,]\d.*"),
}


def _ask(errors: list[Issue], questions: list[Question], lang: str) -> None:
    """Bad cells of a column in question say so: the cell reads two ways (not "not a date")."""
    asked = {q.column: q for q in questions}
    for issue in errors:
        question = asked.get(issue.column or "")
        if question is None or issue.value is None or not issue.kind.startswith("bad_"):
            continue
        if _TWO_WAYS[question.kind].fullmatch(issue.value):
            issue.message = _(AMBIGUOUS[question.kind], lang, value=issue.value)
            issue.suggestion = question.suggestion


def _stage_and_write(
    con: duckdb.DuckDBPyConnection,
    plan: stage.Plan,
    report: ImportReport,
    lang: str,
    notify: Progress,
    changes_only: bool,
    target: Target,
) -> None:
    stage.build_stage(con, plan)
    if changes_only:
        dropped = keep_stage_changes(con, stage.STAGE)
        if dropped:
            report.notes.append(
                _(N_("{n} history rows were no stage change and were left out"), lang, n=dropped)
            )
    warnings = checks.WarningScan()
    duplicates = stage.find_duplicates(con, plan.rt)
    if duplicates:
        checks.duplicate_warnings(con, plan.rt, warnings, duplicates, lang)
        stage.drop_duplicates(con)
    checks.collect_warnings(con, plan, warnings, lang)
    report.warnings = sorted(warnings.issues, key=lambda i: (i.row or 0, i.kind))
    report.warning_counts = dict(warnings.counts)
    _add_lines(con, plan, report.warnings)
    report.finished_at = _now()
    notify("writing", 0.8)
    target.write_import(con, plan.rt, report)


def _add_lines(con: duckdb.DuckDBPyConnection, plan: stage.Plan, issues: list[Issue]) -> None:
    """Fill ``Issue.line``: sheet row for Excel, file line for CSV (one streaming pass)."""
    rows = sorted({i.row for i in issues if i.row is not None})
    if not rows:
        return
    lines: dict[int, int] = {}
    source: Source = plan.source
    if source.has_line:
        row = plan.row_sql
        found = con.execute(
            f"SELECT {row}, _line FROM {stage.PARSED} WHERE {row} IN (SELECT unnest(?))",
            [rows],
        ).fetchall()
        lines = {int(r): int(line) for r, line in found}
    elif source.csv is not None:
        records = None  # rows of a reshaped source are not the file's
        if not source.has_row:
            records = int(con.execute(f"SELECT count(*) FROM {stage.PARSED}").fetchall()[0][0])
        lines = line_numbers(source.csv, rows, records)
    for issue in issues:
        if issue.row is not None:
            issue.line = lines.get(issue.row)


_CSV_LINE = re.compile(r"Line:\s*(\d+)")


def _csv_failure(src: SourceFile, exc: duckdb.Error, lang: str) -> NoReturn:
    """Turn DuckDB's CSV reader error into one clear ``InputFileError``."""
    text = str(exc)
    found = _CSV_LINE.search(text)
    where = found.group(1) if found else "?"
    columns = re.search(r"Expected Number of Columns:\s*(\d+)\s*Found:\s*(\d+)", text)
    if columns:
        fail(
            src.path,
            "line {line} has {found} cells, but the header has {expected} columns",
            "check the delimiter and the quotes on that line",
            lang=lang,
            line=where,
            found=columns.group(2),
            expected=columns.group(1),
        )
    if "Maximum line size" in text:
        fail(
            src.path,
            "line {line} is longer than the 2 MB a CSV line may have",
            "check that quotes are closed and the file really is a CSV table",
            lang=lang,
            line=where,
        )
    if "unterminated quote" in text:
        fail(
            src.path,
            'line {line}: a quote (") is opened and never closed',
            'close the quote, or double quotes inside a quoted value ("")',
            lang=lang,
            line=where,
        )
    fail(
        src.path,
        "cannot be read as CSV (near line {line}): {err}",
        lang=lang,
        line=where,
        err=text.strip().splitlines()[0],
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "")
