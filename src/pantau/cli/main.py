"""Entry point: the Typer app, the global ``--db`` option and the error boundary.

Every sub-command module exposes ``register(app)``; commands take typed options and delegate
to a library function at once. A :class:`~pantau.errors.PantauError` becomes one line on stderr
and exit code 1; an unexpected exception too (with the traceback only under ``PANTAU_DEBUG=1``).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer
from rich.console import Console

from pantau import __version__
from pantau.errors import PantauError
from pantau.store import Store, default_path, open_store

app = typer.Typer(
    name="pantau",
    help="Pantau — sales KPIs you can trust. / KPI penjualan yang bisa dipercaya.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, highlight=False)

COMMAND_MODULES = [
    "pantau.cli.settings_cmd",
    "pantau.cli.import_cmd",
    "pantau.cli.mapping_cmd",
    "pantau.cli.demo_cmd",
    "pantau.cli.kpi_cmd",
    "pantau.cli.analysis_cmd",
    "pantau.cli.report_cmd",
    "pantau.cli.digest_cmd",
    "pantau.cli.users_cmd",
    "pantau.cli.serve_cmd",
    "pantau.cli.export_cmd",
]


class State:
    """What the global options decided; commands get their store from here."""

    db: str | None = None

    def store(self) -> Store:
        return open_store(self.db)


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pantau {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="PANTAU_DB",
            help="Store: a DuckDB file, postgresql://user@host/db or spark:///folder "
            f"(docs/engines.md). Default: {default_path()}",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Pantau: load sales data, see every KPI against target."""
    state.db = db


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(app)


_register_all()


def _is_click_exception(exc: BaseException) -> bool:
    """Usage errors of click, or of the click copy that newer Typer versions vendor."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return "ClickException" in names and hasattr(exc, "show")


def run() -> None:
    """Console-script entry point with Pantau's error boundary."""
    try:
        # with standalone_mode=False click returns the exit code of ``typer.Exit`` instead of
        # raising it, so it has to be passed on here.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except PantauError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted; the store is unchanged by the interrupted step")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: never a traceback for users
        if _is_click_exception(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(1)  # the brief: bad input of any kind exits with 1
        if os.environ.get("PANTAU_DEBUG"):
            raise
        err_console.print(
            f"[bold red]error:[/] unexpected {type(exc).__name__}: {exc} "
            "(a bug in Pantau: please report it; PANTAU_DEBUG=1 shows the details)",
            soft_wrap=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
