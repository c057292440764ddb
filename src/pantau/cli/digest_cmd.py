"""``pantau digest``: e-mail the KPIs against target (for cron); SMTP from ``PANTAU_SMTP_*``."""

from __future__ import annotations

from typing import Annotated

import typer

from pantau.errors import UsageError


def digest(
    period: Annotated[
        str,
        typer.Option(
            "--period", help="weekly or monthly.", metavar="weekly|monthly", show_default=False
        ),
    ],
    to: Annotated[
        list[str],
        typer.Option(
            "--to",
            help="Recipient address (repeatable, or comma-separated).",
            metavar="ADDRESS",
            show_default=False,
        ),
    ],
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="id or en (default: the store's language).", metavar="id|en"),
    ] = None,
) -> None:
    """Send the KPI digest: the last complete month (PDF attached) or the month to date."""
    from pantau.cli.main import state
    from pantau.reports.digest import send_digest

    if lang is not None and lang not in ("id", "en"):
        raise UsageError(f"--lang must be id or en, not '{lang}'")
    recipients = recipient_list(to)
    message = send_digest(state.store(), period=period, recipients=recipients, lang=lang)
    typer.echo(f"sent '{message['Subject']}' to {', '.join(recipients)}")


def recipient_list(values: list[str]) -> list[str]:
    """``--to`` values split on commas; a :class:`UsageError` for anything not an address."""
    out = [a.strip() for v in values for a in v.split(",") if a.strip()]
    for address in out:
        local, _, domain = address.rpartition("@")
        if not local or "." not in domain or any(c.isspace() for c in address):
            raise UsageError(f"'{address}' is not an e-mail address")
    if not out:
        raise UsageError("give at least one --to address")
    return out


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)
