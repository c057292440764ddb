"""Accounts: who may log in, with which role, seeing which rep or teams.

Roles: ``admin`` sees everything and manages accounts; ``manager`` sees the reps of their
team(s); ``rep`` sees their own numbers plus company-level totals. What a role may see is decided
in one place, :mod:`pantau.auth.access`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

import duckdb

from pantau.auth.passwords import check_strength, hash_password
from pantau.errors import UsageError
from pantau.store import Store

Role = Literal["admin", "manager", "rep"]
ROLES: tuple[Role, ...] = ("admin", "manager", "rep")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_FIELDS = ("user_id", "email", "role", "rep_id", "teams", "created_at")
_COLUMNS = ", ".join(_FIELDS)


def user_columns(alias: str) -> str:
    """The columns :func:`user_from_row` reads, qualified by a table alias (for joins)."""
    return ", ".join(f"{alias}.{name}" for name in _FIELDS)


@dataclass(frozen=True)
class User:
    """An account as the rest of Pantau sees it (never with its password hash)."""

    user_id: int
    email: str
    role: Role
    rep_id: str | None = None
    teams: tuple[str, ...] = ()
    created_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, Any]:
        """The account as JSON (for ``/users.json`` and ``pantau users list``)."""
        return {
            "user_id": self.user_id,
            "email": self.email,
            "role": self.role,
            "rep_id": self.rep_id,
            "teams": list(self.teams),
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


def utcnow() -> datetime:
    """Now, as the naive UTC timestamp the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; refuses what is plainly not an e-mail address."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UsageError(f"'{email}' is not an e-mail address")
    return email


def user_from_row(row: tuple[Any, ...]) -> User:
    """Build a :class:`User` from a row selected as ``_COLUMNS``."""
    user_id, email, role, rep_id, teams, created_at = row
    return User(int(user_id), email, cast(Role, role), rep_id, tuple(teams or ()), created_at)


def check_role(role: str, *, rep_id: str | None, teams: tuple[str, ...]) -> Role:
    """Validate a role and what it needs: a rep account names a rep, a manager at least a team."""
    if role not in ROLES:
        raise UsageError(f"unknown role '{role}'; use one of: {', '.join(ROLES)}")
    if role == "rep" and not rep_id:
        raise UsageError("a rep account needs --rep-id (the rep_id of the reps table)")
    if role == "manager" and not teams:
        raise UsageError("a manager account needs at least one --team")
    if role != "rep" and rep_id:
        raise UsageError("--rep-id is only for rep accounts")
    if role != "manager" and teams:
        raise UsageError("--team is only for manager accounts")
    return cast(Role, role)


def add_user(
    store: Store,
    email: str,
    *,
    role: str,
    password: str,
    rep_id: str | None = None,
    teams: tuple[str, ...] = (),
    only_if_no_admin: bool = False,
) -> User:
    """Create an account. Refuses an e-mail address that already has one.

    ``only_if_no_admin`` is for the web setup page: the check and the insert share one lock, so
    two browsers racing through the setup page cannot both create an admin.
    """
    email = normalise_email(email)
    teams = tuple(dict.fromkeys(t.strip() for t in teams if t.strip()))
    rep_id = rep_id.strip() if rep_id else None
    checked = check_role(role, rep_id=rep_id, teams=teams)
    check_strength(password)
    password_hash = hash_password(password)
    with store.write() as con:
        if only_if_no_admin and _count_admins(con):
            raise UsageError("an admin account exists already; log in instead")
        if _find(con, email):
            raise UsageError(f"there is already an account for {email}")
        row = con.execute(
            f"INSERT INTO users VALUES (nextval('user_ids'), ?, ?, ?, ?, ?, ?, NULL) "
            f"RETURNING {_COLUMNS}",
            [email, checked, rep_id, list(teams), password_hash, utcnow()],
        ).fetchone()
    assert row is not None
    return user_from_row(row)


def _count_admins(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()
    return int(row[0]) if row else 0


def _find(con: duckdb.DuckDBPyConnection, email: str) -> User | None:
    row = con.execute(f"SELECT {_COLUMNS} FROM users WHERE email = ?", [email]).fetchone()
    return user_from_row(row) if row else None


def get_user(store: Store, email: str) -> User:
    """The account of ``email``; :class:`UsageError` when there is none."""
    email = normalise_email(email)
    with store.read() as con:
        user = _find(con, email)
    if user is None:
        raise UsageError(f"no account for {email}; see `pantau users list`")
    return user


def list_users(store: Store) -> list[User]:
    """Every account, by e-mail address."""
    with store.read() as con:
        rows = con.execute(f"SELECT {_COLUMNS} FROM users ORDER BY email").fetchall()
    return [user_from_row(r) for r in rows]


def has_admin(store: Store) -> bool:
    """Whether any admin account exists (if not, the web app offers its setup page)."""
    with store.read() as con:
        return _count_admins(con) > 0


def remove_user(store: Store, email: str) -> None:
    """Delete an account with its sessions and API tokens. The last admin cannot go."""
    user = get_user(store, email)
    with store.write() as con:
        if user.is_admin and _count_admins(con) <= 1:
            raise UsageError("this is the last admin account; add another admin first")
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM sessions WHERE user_id = ?", [user.user_id])
        con.execute("DELETE FROM api_tokens WHERE user_id = ?", [user.user_id])
        con.execute("DELETE FROM users WHERE user_id = ?", [user.user_id])
        bump_auth_version(con)
        con.execute("COMMIT")


def set_password(store: Store, email: str, password: str) -> None:
    """Change a password; every session of the account ends (API tokens stay valid)."""
    user = get_user(store, email)
    check_strength(password)
    password_hash = hash_password(password)
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE user_id = ?",
            [password_hash, utcnow(), user.user_id],
        )
        con.execute("DELETE FROM sessions WHERE user_id = ?", [user.user_id])
        bump_auth_version(con)
        con.execute("COMMIT")


def password_hash_of(con: duckdb.DuckDBPyConnection, email: str) -> tuple[User, str] | None:
    """The account and its stored hash, for checking a login (inside the caller's lock)."""
    row = con.execute(
        f"SELECT {_COLUMNS}, password_hash FROM users WHERE email = ?", [email]
    ).fetchone()
    if row is None:
        return None
    return user_from_row(row[:-1]), str(row[-1])


def bump_auth_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark that a session, token or account was withdrawn, so caches drop what they knew."""
    con.execute(
        "UPDATE pantau_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'auth_version'"
    )


def auth_version(con: duckdb.DuckDBPyConnection) -> int:
    """The counter :func:`bump_auth_version` increments."""
    row = con.execute("SELECT value FROM pantau_meta WHERE key = 'auth_version'").fetchone()
    return int(row[0]) if row else 0
