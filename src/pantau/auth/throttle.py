"""Login throttling: after too many failures for one account from one address, wait.

Attempts are kept in the store (``login_attempts``), so the limit holds across restarts and
across server processes. A success clears the count for that account and address.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import duckdb

from pantau.auth.errors import TooManyAttempts
from pantau.auth.users import utcnow

MAX_FAILURES = int(os.environ.get("PANTAU_LOGIN_MAX_FAILURES", "5"))
WINDOW = timedelta(minutes=15)


def check(con: duckdb.DuckDBPyConnection, email: str, ip: str, *, now: datetime) -> None:
    """Raise :class:`TooManyAttempts` when ``email`` from ``ip`` is locked out."""
    row = con.execute(
        """
        WITH mine AS (
            SELECT attempted_at, success FROM login_attempts
            WHERE email = ? AND ip = ? AND attempted_at > ?
        ), last_ok AS (SELECT max(attempted_at) AS t FROM mine WHERE success)
        SELECT count(*), min(attempted_at) FROM mine, last_ok
        WHERE NOT success AND (last_ok.t IS NULL OR attempted_at > last_ok.t)
        """,
        [email, ip, now - WINDOW],
    ).fetchone()
    if row and row[0] >= MAX_FAILURES:
        retry = (row[1] + WINDOW - now).total_seconds()
        raise TooManyAttempts(max(1, int(retry)))


def record(con: duckdb.DuckDBPyConnection, email: str, ip: str, *, success: bool) -> None:
    """Remember one attempt (and forget attempts older than a day)."""
    now = utcnow()
    con.execute("DELETE FROM login_attempts WHERE attempted_at < ?", [now - timedelta(days=1)])
    con.execute("INSERT INTO login_attempts VALUES (?, ?, ?, ?)", [email, ip, now, success])
