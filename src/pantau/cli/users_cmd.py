"""``pantau users``: accounts for the web app and API tokens for scripts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pantau import auth
from pantau.auth.passwords import generate_password
from pantau.store import Store

users_app = typer.Typer(help="Accounts for the web app, and API tokens.", no_args_is_help=True)
tokens_app = typer.Typer(help="List or revoke API tokens.", no_args_is_help=True)
users_app.add_typer(tokens_app, name="tokens")


def _store() -> Store:
    from pantau.cli.main import state

    return state.store()


def read_password(*, from_stdin: bool) -> tuple[str, bool]:
    """The new password and whether it was generated (to be printed once).

    ``--password-stdin`` reads one line; a terminal is asked twice; otherwise (a script without
    ``--password-stdin``) a random password is generated.
    """
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False
    return generate_password(), True


@users_app.command("add")
def add(
    email: str,
    role: Annotated[str, typer.Option(help="admin, manager or rep.")],
    rep_id: Annotated[str | None, typer.Option(help="For a rep: their rep_id.")] = None,
    team: Annotated[
        list[str] | None, typer.Option(help="For a manager: a team they lead (repeatable).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (asks for the password twice, or generates one when not at a terminal)."""
    store = _store()
    password, generated = read_password(from_stdin=password_stdin)
    user = auth.add_user(
        store, email, role=role, password=password, rep_id=rep_id, teams=tuple(team or ())
    )
    _warn_unknown(store, user)
    typer.echo(f"added {user.email} ({user.role})")
    if generated:
        typer.echo(f"password: {password}")


def _warn_unknown(store: Store, user: auth.User) -> None:
    reps = auth.rep_directory(store)
    if not reps:
        return
    if user.rep_id and user.rep_id not in reps:
        typer.echo(f"warning: no rep '{user.rep_id}' in the reps table (yet)", err=True)
    for team in set(user.teams) - set(reps.values()):
        typer.echo(f"warning: no rep of the reps table is in team '{team}' (yet)", err=True)


@users_app.command("list")
def list_() -> None:
    """Print every account: e-mail, role, and the rep or teams it sees."""
    for user in auth.list_users(_store()):
        sees = user.rep_id or ", ".join(user.teams) or "everything"
        typer.echo(f"{user.email}\t{user.role}\t{sees}")


@users_app.command("remove")
def remove(email: str) -> None:
    """Delete an account, its sessions and its API tokens."""
    auth.remove_user(_store(), email)
    typer.echo(f"removed {email}")


@users_app.command("passwd")
def passwd(
    email: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password (ends the account's browser sessions)."""
    password, generated = read_password(from_stdin=password_stdin)
    auth.set_password(_store(), email, password)
    typer.echo(f"password changed for {email}")
    if generated:
        typer.echo(f"password: {password}")


@users_app.command("token")
def token(
    email: str,
    name: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Make an API token for an account; it is printed once and cannot be shown again."""
    record, secret = auth.create_token(_store(), email, name=name)
    typer.echo(secret)
    typer.echo(
        f"token id {record.token_id}; revoke with `pantau users tokens revoke {record.token_id}`",
        err=True,
    )


@tokens_app.command("list")
def tokens_list(email: Annotated[str | None, typer.Argument()] = None) -> None:
    """List API tokens (id, account, name, created, revoked)."""
    for t in auth.list_tokens(_store(), email):
        revoked = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        typer.echo(f"{t.token_id}\t{t.email}\t{t.name or ''}\t{t.created_at:%Y-%m-%d}\t{revoked}")


@tokens_app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Withdraw an API token at once."""
    auth.revoke_token(_store(), token_id)
    typer.echo(f"revoked token {token_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
