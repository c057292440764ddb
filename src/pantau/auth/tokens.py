"""API tokens: long random secrets for scripts, sent as ``Authorization: Bearer <token>``.

Only the SHA-256 of a token is stored (a token has 256 bits of entropy, so a slow hash adds
nothing); the token itself is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pantau.auth.users import (
    User,
    bump_auth_version,
    get_user,
    user_columns,
    user_from_row,
    utcnow,
)
from pantau.errors import UsageError
from pantau.store import Store

PREFIX = "pantau_"


@dataclass(frozen=True)
class ApiToken:
    """A token's record (never the token itself)."""

    token_id: int
    email: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None

    def public(self) -> dict[str, Any]:
        return {
            "token_id": self.token_id,
            "email": self.email,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def digest(secret: str) -> str:
    """The stored form of a token or session cookie."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(store: Store, email: str, *, name: str | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``email``'s account; returns its record and the token (shown once)."""
    user = get_user(store, email)
    secret = PREFIX + secrets.token_urlsafe(32)
    with store.write() as con:
        row = con.execute(
            "INSERT INTO api_tokens VALUES (nextval('api_token_ids'), ?, ?, ?, ?, NULL) "
            "RETURNING token_id, created_at",
            [user.user_id, name, digest(secret), utcnow()],
        ).fetchone()
    assert row is not None
    return ApiToken(int(row[0]), user.email, name, row[1], None), secret


def list_tokens(store: Store, email: str | None = None) -> list[ApiToken]:
    """Tokens of one account (or of all), newest first, revoked ones included."""
    sql = (
        "SELECT t.token_id, u.email, t.name, t.created_at, t.revoked_at "
        "FROM api_tokens t JOIN users u USING (user_id)"
    )
    params: list[Any] = []
    if email is not None:
        sql += " WHERE u.email = ?"
        params.append(get_user(store, email).email)
    with store.read() as con:
        rows = con.execute(sql + " ORDER BY t.token_id DESC", params).fetchall()
    return [ApiToken(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def revoke_token(store: Store, token_id: int) -> None:
    """Withdraw a token at once (also from running servers: their caches are invalidated)."""
    with store.write() as con:
        row = con.execute(
            "SELECT revoked_at FROM api_tokens WHERE token_id = ?", [token_id]
        ).fetchone()
        if row is None:
            raise UsageError(f"no API token with id {token_id}; see `pantau users tokens list`")
        if row[0] is not None:
            return
        con.execute("BEGIN TRANSACTION")
        con.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?", [utcnow(), token_id])
        bump_auth_version(con)
        con.execute("COMMIT")


def user_for_token(store: Store, secret: str) -> User | None:
    """The account a (not revoked) token belongs to, or ``None``."""
    if not secret.startswith(PREFIX):
        return None
    with store.read() as con:
        row = con.execute(
            f"SELECT {user_columns('u')} "
            "FROM api_tokens t JOIN users u USING (user_id) "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL",
            [digest(secret)],
        ).fetchone()
    return user_from_row(row) if row else None
