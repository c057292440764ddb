"""``pantau demo``: generate the seeded demo company and load it through the importer."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pantau.errors import ImportRejected, UsageError
from pantau.i18n import check_lang, number
from pantau.i18n import gettext as _
from pantau.store import Store

if TYPE_CHECKING:
    from pantau.demo import DemoFiles

DEFAULT_DIR = Path("pantau-demo")


def _language(store: Store) -> str:
    """The store's language; ``id`` for a store that does not exist yet."""
    if not store.exists():
        return "id"
    return check_lang(store.setting("language"))


def _checked(scale: float, end: str | None, lang: str) -> str:
    from pantau.demo.generate import check_options

    try:
        return check_options(scale, end, 24)
    except UsageError as exc:
        raise UsageError(_(str(exc), lang)) from None


@contextmanager
def _bar(console: Console, lang: str) -> Iterator[Callable[[str, int, int], None]]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def notify(phase: str, done: int, total: int) -> None:
            key = "generate" if phase == "generate" else "import"
            if key not in tasks:
                tasks[key] = bar.add_task("", total=total)
            bar.update(tasks[key], completed=done, total=total)
            if phase == "generate":
                bar.update(tasks[key], description=_("Generating the demo company", lang))
            elif phase:
                bar.update(tasks[key], description=_("Importing {type}", lang, type=phase))

        yield notify


def demo(
    scale: Annotated[
        float, typer.Option("--scale", help="Volume multiplier (1: ~10k opportunities).")
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data).")] = 42,
    end: Annotated[
        str | None,
        typer.Option("--end", metavar="YYYY-MM", help="Last month (default: last full month)."),
    ] = None,
    keep: Annotated[
        Path | None, typer.Option("--keep", metavar="DIR", help="Keep the CSV files in DIR.")
    ] = None,
    no_load: Annotated[
        bool, typer.Option("--no-load", help=f"Only write the files (to --keep or {DEFAULT_DIR}).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Load even if the store already holds data.")
    ] = False,
) -> None:
    """Create a realistic demo company (24 months) and load it into the store."""
    from pantau.cli.main import state
    from pantau.demo import generate_demo, store_has_records

    store = state.store()
    lang = _language(store)
    end_month = _checked(scale, end, lang)
    if not no_load and not force and store_has_records(store):
        raise UsageError(
            _(
                "{path} already holds data: use a new --db file, or --force to add the demo",
                lang,
                path=store.path,
            )
        )
    console = Console(highlight=False)
    folder = keep or (DEFAULT_DIR if no_load else None)
    with _bar(console, lang) as notify, _workdir(folder) as out:
        files = generate_demo(out, scale=scale, seed=seed, end_month=end_month, progress=notify)
        reports = [] if no_load else _import(console, store, files, notify, lang)
    _summary(console, files, reports, lang, store.path if not no_load else None, folder)


@contextmanager
def _workdir(folder: Path | None) -> Iterator[Path]:
    if folder is not None:
        yield folder
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pantau-demo-") as tmp:
        yield Path(tmp)


def _import(
    console: Console,
    store: Store,
    files: DemoFiles,
    notify: Callable[[str, int, int], None],
    lang: str,
) -> list[Any]:
    from pantau.demo import import_demo

    try:
        return import_demo(store, files, notify)
    except ImportRejected as exc:  # a bug in the demo: show the importer's report
        console.print(exc.report.render(lang) if hasattr(exc.report, "render") else str(exc))
        sys.exit(1)


def _summary(
    console: Console,
    files: DemoFiles,
    reports: list[Any],
    lang: str,
    db: Path | None,
    folder: Path | None,
) -> None:
    from pantau.demo import IMPORT_ORDER

    console.print(f"[bold]{_('Demo company PT Sinar Niaga Nusantara', lang)}[/]")
    table = Table()
    table.add_column(_("Record type", lang))
    table.add_column(_("Rows", lang), justify="right")
    for record_type in IMPORT_ORDER:
        table.add_row(record_type, number(files.rows[record_type], lang))
    console.print(table)
    console.print(
        _("Period: {first} to {last}", lang, first=files.first_month, last=files.last_month)
    )
    if db is not None:
        console.print(_("Loaded into {path}", lang, path=db))
        warnings = sum(getattr(r, "warning_total", 0) for r in reports)
        if warnings:
            console.print(
                _(
                    "{count} import warnings (on purpose: see the data-quality view)",
                    lang,
                    count=number(warnings, lang),
                )
            )
    if folder is not None:
        console.print(_("CSV files in {path}", lang, path=folder))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
