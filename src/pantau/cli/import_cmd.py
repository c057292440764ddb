"""``pantau import``, ``pantau imports`` and ``pantau template``: thin wrappers of pantau.ingest."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pantau.errors import ImportRejected, PantauError, UnknownRecordType, UsageError
from pantau.i18n import check_lang
from pantau.i18n import gettext as _
from pantau.ingest.messages import N_
from pantau.model.records import record_type as get_record_type
from pantau.store import Store


class Format(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    id = "id"
    en = "en"


STAGES = {
    "reading": N_("reading the file"),
    "checking": N_("checking every row"),
    "writing": N_("writing"),
    "done": N_("done"),
}
LOG_HEADS = (
    "#",
    N_("time (UTC)"),
    N_("type"),
    N_("file"),
    N_("status"),
    N_("rows"),
    N_("new"),
    N_("updated"),
    N_("rejected"),
    N_("warnings"),
    N_("user"),
)

TypeArg = Annotated[
    str, typer.Argument(metavar="TYPE", help="Record type, e.g. opportunities, order_lines.")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
LangOpt = Annotated[
    Lang | None, typer.Option("--lang", help="Language of the report (default: setting).")
]


def _store() -> Store:
    from pantau.cli.main import state

    return state.store()


def _language(store: Store, lang: Lang | None) -> str:
    if lang is not None:
        return lang.value
    try:
        return check_lang(store.setting("language"))
    except PantauError:
        return "id"


def _fail(exc: PantauError, fmt: Format, lang: str) -> NoReturn:
    """One clear line on stderr (and a JSON object on stdout for ``--format json``); exit 1."""
    message = str(exc)
    if isinstance(exc, UnknownRecordType):
        message = _(
            "unknown record type '{name}'; use one of: {known}",
            lang,
            name=exc.name,
            known=", ".join(exc.known),
        )
    if fmt is Format.json:
        typer.echo(json.dumps({"status": "error", "error": message}, ensure_ascii=False))
    Console(stderr=True, highlight=False).print(
        f"[bold red]{_('error', lang)}:[/] {message}", soft_wrap=True, markup=True
    )
    _exit_failure()


def _exit_failure() -> NoReturn:
    # sys.exit, not typer.Exit: pantau.cli.main.run() calls the app with standalone_mode=False,
    # where click returns (and run() drops) the code of a typer.Exit; SystemExit gets through.
    sys.exit(1)


@contextmanager
def _progress(enabled: bool, lang: str) -> Iterator[Callable[[str, float], None] | None]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(_(STAGES["reading"], lang), total=1.0)

        def notify(stage: str, fraction: float) -> None:
            bar.update(task, description=_(STAGES.get(stage, stage), lang), completed=fraction)

        yield notify


def import_(
    targets: Annotated[
        list[str],
        typer.Argument(
            metavar="[TYPE] FILE",
            help="Record type (e.g. opportunities; may be left out with --mapping or --preset) "
            "and the CSV, XLSX, XLS or Parquet file.",
            show_default=False,
        ),
    ],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file (TOML): which header is which.")
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="A CRM export: hubspot, salesforce, pipedrive, odoo, zoho."),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            help="Pattern of the dates, e.g. '%d/%m/%Y' (default: decided per column).",
        ),
    ] = None,
    decimal: Annotated[
        str | None,
        typer.Option(
            "--decimal",
            help="Decimal separator of the numbers: ',' or '.' (default: decided per column).",
        ),
    ] = None,
    skip_rows: Annotated[
        int | None,
        typer.Option("--skip-rows", help="Lines above the header (default: found).", min=0),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Sheet of an Excel workbook (default: first).")
    ] = None,
    fmt: FormatOpt = Format.text,
    lang: LangOpt = None,
) -> None:
    """Import FILE as records of TYPE: all rows or none. Exit code 1 if anything is wrong."""
    from pantau.ingest import import_file

    store = _store()
    language = _language(store, lang)
    if len(targets) not in (1, 2):
        _fail(UsageError(_(N_("give FILE, or TYPE and FILE"), language)), fmt, language)
    record_type, file = (None, targets[0]) if len(targets) == 1 else (targets[0], targets[1])
    console = Console(highlight=False)
    live = fmt is Format.text and console.is_terminal
    try:
        before = _targets_now(store) if _maybe_targets(record_type, preset) else None
        with _progress(live, language) as notify:
            report = import_file(
                store,
                record_type,
                Path(file),
                sheet=sheet,
                lang=language,
                progress=notify,
                mapping=mapping,
                preset=preset,
                date_format=date_format,
                decimal=decimal,
                skip_rows=skip_rows,
            )
    except ImportRejected as exc:
        _show(console, exc.report, fmt, language)
        _exit_failure()
    except PantauError as exc:
        _fail(exc, fmt, language)
    if before is not None and report.record_type == "targets":
        _log_target_changes(store, before, report)
    _show(console, report, fmt, language)


def _maybe_targets(record_type: str | None, preset: str | None) -> bool:
    """Whether the import may be of targets (with only a mapping, its type says)."""
    if preset is not None:
        return False
    if record_type is None:
        return True
    try:
        return get_record_type(record_type).name == "targets"
    except UnknownRecordType:
        return False


def _targets_now(store: Store) -> dict[Any, float]:
    from pantau.web.services.targets import load_targets

    return dict(load_targets(store))


def _log_target_changes(store: Store, before: dict[Any, float], report: Any) -> None:
    """One ``target_changes`` row per target the import changed, as the web import writes."""
    from pantau.web.services.targets import load_targets, log_differences

    via = f"file {report.file} (import #{report.import_id})"
    log_differences(store, before, load_targets(store), user=report.user, reason=None, via=via)


def _show(console: Console, report: Any, fmt: Format, lang: str) -> None:
    if fmt is Format.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        console.print(report.render(lang))


def imports(fmt: FormatOpt = Format.text, lang: LangOpt = None) -> None:
    """The import log: every import, newest first (rejected ones too)."""
    from pantau.ingest import list_imports

    store = _store()
    language = _language(store, lang)
    try:
        rows = list_imports(store)
    except PantauError as exc:
        _fail(exc, fmt, language)
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    Console(highlight=False).print(_imports_table(rows, language))


def _imports_table(rows: list[dict[str, Any]], lang: str) -> Table:
    table = Table(title=_("Imports", lang), title_justify="left")
    for head in LOG_HEADS:
        table.add_column(_(head, lang), overflow="fold")
    for r in rows:
        table.add_row(
            *(
                str(r[k] if r[k] is not None else "")
                for k in (
                    "import_id",
                    "finished_at",
                    "record_type",
                    "file_name",
                    "status",
                    "rows_read",
                    "inserted",
                    "updated",
                    "rejected",
                    "warnings",
                    "username",
                )
            )
        )
    return table


def template(
    record_type: TypeArg,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Write an Excel template.")] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write ('-' = stdout; default TYPE.csv)."),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Write an empty import template for TYPE (the header row Pantau expects)."""
    from pantau.ingest import write_template
    from pantau.ingest.template import template_csv
    from pantau.model.records import record_type as find

    language = lang.value if lang else "en"
    try:
        rt = find(record_type)
    except PantauError as exc:
        _fail(exc, Format.text, language)
    if str(output) == "-" and not xlsx:
        sys.stdout.write(template_csv(rt))
        return
    target = output or Path(f"{rt.name}.{'xlsx' if xlsx else 'csv'}")
    try:
        write_template(rt, target, xlsx=xlsx, lang=language)
    except OSError as exc:
        _fail(PantauError(f"{target}: {exc.strerror or exc}"), Format.text, language)
    typer.echo(str(target))


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("imports")(imports)
    app.command("template")(template)
