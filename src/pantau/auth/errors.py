"""The ways access can be refused, as subclasses of :class:`pantau.errors.AuthError`.

The web layer maps them to HTTP answers: :class:`LoginRequired` → 401 (or the login page),
:class:`Forbidden` → 403, :class:`TooManyAttempts` → 429. In the CLI they are one line, exit 1.
"""

from __future__ import annotations

from pantau.errors import AuthError


class LoginRequired(AuthError):
    """No valid session cookie or API token came with the request."""


class BadCredentials(AuthError):
    """The e-mail address and password do not match an account."""

    def __init__(self) -> None:
        super().__init__("wrong e-mail address or password")


class Forbidden(AuthError):
    """Logged in, but the account may not see what was asked for (another rep, another team)."""


class TooManyAttempts(AuthError):
    """Too many failed logins for this account from this address; try again later."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        minutes = max(1, round(retry_after_s / 60))
        super().__init__(f"too many failed logins; try again in {minutes} minute(s)")


class CsrfError(AuthError):
    """A form was sent without the token of the page that showed it (or from another site)."""

    def __init__(self) -> None:
        super().__init__("the form expired or came from another site; reload the page and retry")
