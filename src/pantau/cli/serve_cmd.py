"""``pantau serve``: the web dashboard and REST API (``--demo`` for a ready-made company)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(help="Load the demo company if the store is empty and print demo logins."),
    ] = False,
    demo_scale: Annotated[float, typer.Option(help="Size of the demo company.")] = 1.0,
    https: Annotated[
        bool, typer.Option(help="Served over HTTPS (Secure cookies, HSTS); or PANTAU_HTTPS=1.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Worker processes (one core each); 2 or more on a busy server."
        ),
    ] = 1,
    get: Annotated[
        str | None, typer.Option(help="Print the answer to GET PATH and exit (a smoke test).")
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", help="With --get: the account to ask as (default: an admin)."),
    ] = None,
) -> None:
    """Serve the dashboard and the API (http://HOST:PORT)."""
    from pantau.cli.main import state
    from pantau.web import serve as web
    from pantau.web.config import WebConfig

    store = state.store()
    if get is not None:
        status, body = web.smoke_get(store, get, email=as_)
        typer.echo(body)
        raise typer.Exit(0 if status < 400 else 1)
    if demo:
        typer.echo("Preparing the demo (the first run loads the demo company) ...")
    accounts = web.ensure_demo(store, scale=demo_scale) if demo else []
    url = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}/"
    typer.echo(f"Pantau: {url}  (store {store.path})")
    for account in accounts:
        typer.echo(f"  {account.role:<8} {account.email:<38} {account.password}  ({account.sees})")
    config = WebConfig.from_env(https=https or None)
    web.run(store, host=host, port=port, config=config, workers=workers, target=state.db or "")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
