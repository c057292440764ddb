"""``pantau report``: export the KPIs as an Excel workbook or the monthly PDF report."""

from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pantau.errors import UsageError

if TYPE_CHECKING:
    from pantau.metrics import Scope

FORMATS = ("xlsx", "pdf")


def report(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="File to write.", metavar="FILE", show_default=False),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="xlsx or pdf (default: from the --output suffix).", metavar="xlsx|pdf"
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First month.", metavar="YYYY-MM", show_default=False),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last month (the PDF's report month).",
            metavar="YYYY-MM",
            show_default=False,
        ),
    ] = None,
    grain: Annotated[
        str | None, typer.Option("--grain", help="xlsx: month, quarter or year.", metavar="GRAIN")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="xlsx: rep, team, region, source, product or segment.", metavar="BY"
        ),
    ] = None,
    teams: Annotated[
        list[str] | None,
        typer.Option("--team", help="Only these teams (repeatable).", metavar="TEAM"),
    ] = None,
    reps: Annotated[
        list[str] | None,
        typer.Option("--rep", help="Only these reps (repeatable).", metavar="REP_ID"),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="id or en (default: the store's language).", metavar="id|en"),
    ] = None,
) -> None:
    """Write the KPI workbook (xlsx) or the monthly management report (pdf)."""
    from pantau.cli.main import state
    from pantau.reports.excel import write_excel
    from pantau.reports.pdf import write_pdf

    kind = _format(fmt, output)
    if kind == "pdf" and (grain or by):
        raise UsageError("--grain and --by apply to --format xlsx only")
    store = state.store()
    lang = _lang(lang) or store.setting("language")
    scope, who = _scope(reps, teams), _user()
    with _atomic(output) as tmp:
        if kind == "xlsx":
            write_excel(
                store, tmp, start=start, end=end, grain=grain or "month", by=by,
                scope=scope, lang=lang, generated_by=who,
            )  # fmt: skip
        else:
            write_pdf(store, tmp, start=start, end=end, scope=scope, lang=lang, generated_by=who)
    typer.echo(f"wrote {output}")


def _format(fmt: str | None, output: Path) -> str:
    kind = (fmt or output.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise UsageError(f"--format must be xlsx or pdf, not '{fmt or output.suffix or ''}'")
    return kind


def _scope(reps: list[str] | None, teams: list[str] | None) -> Scope | None:
    from pantau.metrics import Scope

    if not reps and not teams:
        return None
    return Scope(frozenset(reps) if reps else None, frozenset(teams) if teams else None)


def _lang(lang: str | None) -> str | None:
    if lang is not None and lang not in ("id", "en"):
        raise UsageError(f"--lang must be id or en, not '{lang}'")
    return lang


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


class _atomic:
    """Write to a temporary file beside ``path``; move it into place only on success."""

    def __init__(self, path: Path) -> None:
        if not path.parent.is_dir():
            raise UsageError(f"{path.parent} is not a folder")
        self.path = path

    def __enter__(self) -> Path:
        fd, name = tempfile.mkstemp(
            prefix=".pantau-", suffix=self.path.suffix, dir=self.path.parent
        )
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
