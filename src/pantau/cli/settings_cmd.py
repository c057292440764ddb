"""``pantau settings``: show and change store settings (time zone, currency, language)."""

from __future__ import annotations

import typer

settings_app = typer.Typer(help="Show or change store settings.", no_args_is_help=True)


@settings_app.command("show")
def show() -> None:
    """Print every setting of the store."""
    from pantau.cli.main import state

    for key, value in sorted(state.store().settings().items()):
        typer.echo(f"{key} = {value}")


@settings_app.command("set")
def set_(key: str, value: str) -> None:
    """Change a setting, e.g. ``pantau settings set timezone Asia/Makassar``."""
    from pantau.cli.main import state

    state.store().set_setting(key, value)
    typer.echo(f"{key} = {value}")


@settings_app.command("get")
def get(key: str) -> None:
    """Print one setting."""
    from pantau.cli.main import state
    from pantau.errors import UsageError

    values = state.store().settings()
    if key not in values:
        raise UsageError(f"unknown setting '{key}'; settings are: {', '.join(sorted(values))}")
    typer.echo(values[key])


def register(app: typer.Typer) -> None:
    app.add_typer(settings_app, name="settings")
