"""Security headers on every response, and CSRF checks for forms.

CSRF: a logged-in browser's forms carry its session's token (kept server-side with the
session); the two forms shown before login (login, first-admin setup) use a double-submit
cookie. Either way a form whose token does not match, or whose ``Origin`` names another site,
is refused.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pantau.auth.errors import CsrfError

SESSION_COOKIE = "pantau_session"
CSRF_COOKIE = "pantau_csrf"
LANG_COOKIE = "pantau_lang"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeaders:
    """ASGI middleware adding CSP, nosniff, framing, referrer and caching headers."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        headers = {
            "content-security-policy": CSP,
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "same-origin",
            "cross-origin-opener-policy": "same-origin",
            "permissions-policy": "camera=(), microphone=(), geolocation=()",
        }
        if https:
            headers["strict-transport-security"] = "max-age=31536000"
        self.headers = [(k.encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def check_csrf(request: Request, sent: str | None, expected: str | None) -> None:
    """Refuse a form whose token is missing or wrong, or that another site submitted."""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfError()
    if not same_origin(request):
        raise CsrfError()


def cookie_options(*, https: bool, http_only: bool = True) -> dict[str, Any]:
    """Attributes every Pantau cookie shares."""
    return {"httponly": http_only, "samesite": "lax", "secure": https, "path": "/"}
