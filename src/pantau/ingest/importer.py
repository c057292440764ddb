"""``import_file``: read → match headers → parse and check in SQL → upsert, all or nothing."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import duckdb

from pantau.errors import ImportRejected
from pantau.i18n import check_lang
from pantau.ingest import checks, stage, validate
from pantau.ingest.csvtext import line_numbers
from pantau.ingest.files import SourceFile, fail, inspect
from pantau.ingest.header import match_headers
from pantau.ingest.load import write_import, write_rejected
from pantau.ingest.readers import Source, open_source
from pantau.ingest.report import ImportReport, Issue
from pantau.model.records import record_type as find_record_type
from pantau.store import Store

Progress = Callable[[str, float], None]
MEMORY_LIMIT = os.environ.get("PANTAU_IMPORT_MEMORY", "1GB")


def import_file(
    store: Store,
    record_type: str,
    path: str | Path,
    *,
    sheet: str | None = None,
    lang: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file of ``record_type`` into ``store``; all rows or none.

    Raises ``UnknownRecordType`` for a bad type, ``InputFileError`` when the file cannot be read
    as a table, and ``ImportRejected`` (carrying the report) when any row is bad.
    """
    rt = find_record_type(record_type)
    notify: Progress = progress or (lambda _stage, _fraction: None)
    settings = store.settings()
    lang = check_lang(lang or settings["language"])
    started = _now()
    notify("reading", 0.0)
    src = inspect(path, lang)
    report = ImportReport(
        import_id=None,
        record_type=rt.name,
        file=src.name,
        path=str(src.path.resolve()),
        checksum=src.checksum,
        lang=lang,
        user=user or _os_user(),
        started_at=started,
    )
    with tempfile.TemporaryDirectory(prefix="pantau-import-") as tmp, store.write() as con:
        _configure(con, Path(tmp), settings["timezone"])
        source = open_source(con, src, sheet=sheet, workdir=Path(tmp), lang=lang, progress=notify)
        hmap = match_headers(rt, source.headers, src.path, lang)
        plan = stage.Plan(rt, hmap, source, settings["timezone"])
        report.columns = {hmap.headers[i].strip(): c for c, i in hmap.positions.items()}
        report.ignored_columns = hmap.ignored
        report.missing_optional = hmap.missing_optional
        notify("checking", 0.4)
        _parse(con, plan, src, lang)
        _check_rows(con, plan, src, report, lang)
        notify("writing", 0.6)
        _stage_and_write(con, plan, report, lang, notify)
    notify("done", 1.0)
    return report


def _configure(con: duckdb.DuckDBPyConnection, tmp: Path, tz: str) -> None:
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{tmp / 'spill'}'")
    con.execute("SET preserve_insertion_order = true")  # row numbers are the file's order
    con.execute(f"SET TimeZone = '{tz}'")  # offset-less timestamps are business-local time


def _parse(con: duckdb.DuckDBPyConnection, plan: stage.Plan, src: SourceFile, lang: str) -> None:
    try:
        stage.build_parsed(con, plan)
    except duckdb.Error as exc:
        if src.format != "csv":
            raise
        _csv_failure(src, exc, lang)


def _check_rows(
    con: duckdb.DuckDBPyConnection,
    plan: stage.Plan,
    src: SourceFile,
    report: ImportReport,
    lang: str,
) -> None:
    report.rows_read = validate.count_rows(con)
    if not report.rows_read:
        fail(src.path, "no rows: the file has a header but no data", lang=lang)
    scan = validate.collect_errors(con, plan, lang)
    if not scan.issues:
        return
    report.status = "rejected"
    report.rejected = scan.bad_rows
    report.errors = scan.issues
    report.error_counts = dict(scan.counts)
    _add_lines(con, plan.source, report.errors)
    report.finished_at = _now()
    write_rejected(con, report)
    raise ImportRejected(report, report.summary())


def _stage_and_write(
    con: duckdb.DuckDBPyConnection,
    plan: stage.Plan,
    report: ImportReport,
    lang: str,
    notify: Progress,
) -> None:
    stage.build_stage(con, plan)
    warnings = checks.WarningScan()
    duplicates = stage.find_duplicates(con, plan.rt)
    if duplicates:
        checks.duplicate_warnings(con, plan.rt, warnings, duplicates, lang)
        stage.drop_duplicates(con)
    checks.collect_warnings(con, plan, warnings, lang)
    report.warnings = sorted(warnings.issues, key=lambda i: (i.row or 0, i.kind))
    report.warning_counts = dict(warnings.counts)
    _add_lines(con, plan.source, report.warnings)
    report.finished_at = _now()
    notify("writing", 0.8)
    write_import(con, plan.rt, report)


def _add_lines(con: duckdb.DuckDBPyConnection, source: Source, issues: list[Issue]) -> None:
    """Fill ``Issue.line``: sheet row for Excel, file line for CSV (one streaming pass)."""
    rows = sorted({i.row for i in issues if i.row is not None})
    if not rows:
        return
    lines: dict[int, int] = {}
    if source.has_line:
        found = con.execute(
            f"SELECT rowid + 1, _line FROM {stage.PARSED} WHERE rowid + 1 IN (SELECT unnest(?))",
            [rows],
        ).fetchall()
        lines = {int(r): int(line) for r, line in found}
    elif source.csv is not None:
        lines = line_numbers(source.csv, rows)
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
