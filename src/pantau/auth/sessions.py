"""Browser sessions: a random cookie value, stored hashed, with its CSRF token and expiry."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pantau.auth.tokens import digest
from pantau.auth.users import User, bump_auth_version, user_columns, user_from_row, utcnow
from pantau.store import Store

DEFAULT_TTL = timedelta(hours=float(os.environ.get("PANTAU_SESSION_HOURS", "12")))


@dataclass(frozen=True)
class Session:
    """A logged-in browser: who, the token its forms must carry, and until when."""

    user: User
    csrf_token: str
    expires_at: datetime


def start_session(store: Store, user: User, *, ttl: timedelta = DEFAULT_TTL) -> tuple[str, Session]:
    """Open a session for ``user``; returns the cookie value (kept only hashed) and the session."""
    cookie = secrets.token_urlsafe(32)
    now = utcnow()
    session = Session(user, secrets.token_urlsafe(32), now + ttl)
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
        con.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
            [digest(cookie), user.user_id, session.csrf_token, now, session.expires_at],
        )
        con.execute("COMMIT")
    return cookie, session


def load_session(store: Store, cookie: str) -> Session | None:
    """The live session behind a cookie value, or ``None`` (unknown or expired)."""
    with store.read() as con:
        row = con.execute(
            f"SELECT {user_columns('u')}, s.csrf_token, s.expires_at "
            "FROM sessions s JOIN users u USING (user_id) "
            "WHERE s.session_hash = ? AND s.expires_at > ?",
            [digest(cookie), utcnow()],
        ).fetchone()
    if row is None:
        return None
    return Session(user_from_row(row[:6]), str(row[6]), row[7])


def end_session(store: Store, cookie: str) -> None:
    """Log out: the cookie value stops working everywhere at once."""
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM sessions WHERE session_hash = ?", [digest(cookie)])
        bump_auth_version(con)
        con.execute("COMMIT")
