"""Checking a login: throttle, password, and the record of the attempt."""

from __future__ import annotations

from pantau.auth import throttle
from pantau.auth.errors import BadCredentials
from pantau.auth.passwords import burn_verify, verify_password
from pantau.auth.users import User, normalise_email, password_hash_of, utcnow
from pantau.errors import UsageError
from pantau.store import Store


def authenticate(store: Store, email: str, password: str, *, ip: str) -> User:
    """The account for ``email`` if ``password`` is right.

    Raises :class:`~pantau.auth.errors.TooManyAttempts` while the account is locked out from
    ``ip`` (without looking at the password) and :class:`~pantau.auth.errors.BadCredentials`
    otherwise — the same, and as slow, for an unknown address as for a wrong password. The
    password is checked outside the store's write lock (argon2 takes a tenth of a second).
    """
    try:
        email = normalise_email(email)
    except UsageError:
        burn_verify(password)
        raise BadCredentials() from None
    with store.read() as con:
        throttle.check(con, email, ip, now=utcnow())
        found = password_hash_of(con, email)
    if found is None:
        burn_verify(password)
        ok = False
    else:
        ok = verify_password(password, found[1])
    with store.write() as con:
        throttle.record(con, email, ip, success=ok)
    if not ok or found is None:
        raise BadCredentials()
    return found[0]
