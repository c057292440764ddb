"""``pantau export-parquet`` and ``pantau copy-to``: a store's tables to Parquet or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def export_parquet(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder for the Parquet files.")],
    force: Annotated[bool, typer.Option(help="Replace files the folder already holds.")] = False,
) -> None:
    """Write the canonical tables (one Parquet file per record type) and the settings to DIR.

    The folder is what the Spark engine reads: pantau --db spark:///DIR kpi
    """
    from pantau.cli.main import state
    from pantau.store.transfer import export_parquet as export

    files = export(state.store(), folder, force=force)
    typer.echo(f"{len(files)} files written to {folder}")


def copy_to(
    url: Annotated[str, typer.Argument(metavar="URL", help="postgresql://user@host/db")],
) -> None:
    """Copy the store (data, settings, import log, accounts) to a PostgreSQL store at URL.

    What URL held before is replaced, in one transaction.
    """
    from pantau.cli.main import state
    from pantau.errors import UsageError
    from pantau.store import PostgresStore, open_store
    from pantau.store.transfer import copy_to_postgres

    target = open_store(url)
    if not isinstance(target, PostgresStore):
        raise UsageError(f"{url} is not a PostgreSQL URL (postgresql://user@host/db)")
    counts = copy_to_postgres(state.store(), target)
    typer.echo(f"{sum(counts.values())} rows copied to {target.address.label}")


def register(app: typer.Typer) -> None:
    app.command("export-parquet")(export_parquet)
    app.command("copy-to")(copy_to)
