"""From exceptions to answers: JSON for the API and ``.json`` twins, a page for browsers.

A :class:`~pantau.errors.PantauError` is the user's to fix and its message is shown; anything
else is logged with its traceback and answered with a generic 500 that shows none.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from pantau import auth
from pantau.errors import PantauError, StoreBusy, StoreError, UnknownKpi
from pantau.web.rendering import render_error

log = logging.getLogger("pantau.web")


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json")


def status_of(exc: PantauError) -> int:
    if isinstance(exc, auth.LoginRequired | auth.BadCredentials):
        return 401
    if isinstance(exc, auth.Forbidden | auth.CsrfError):
        return 403
    if isinstance(exc, auth.TooManyAttempts):
        return 429
    if isinstance(exc, UnknownKpi):
        return 404
    if isinstance(exc, StoreBusy):
        return 503
    if isinstance(exc, StoreError):
        return 500
    return 400


def _answer(request: Request, status: int, message: str, **headers: str) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers or None)
    return render_error(request, status, message, headers=headers or None)


async def on_pantau_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PantauError)
    status = status_of(exc)
    if isinstance(exc, auth.LoginRequired) and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, auth.TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after_s)
    return _answer(request, status, str(exc), **headers)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(e) for e in exc.errors()]
    if wants_json(request):
        return JSONResponse({"detail": problems}, status_code=422)
    return render_error(request, 400, "; ".join(p["msg"] for p in problems))


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    where = ".".join(str(p) for p in error.get("loc", ()))
    return {
        "loc": list(error.get("loc", ())),
        "msg": f"{where}: {error.get('msg', 'invalid')}",
        "type": str(error.get("type", "value_error")),
    }


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _answer(request, exc.status_code, str(exc.detail), **(exc.headers or {}))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(request, 500, "internal error (logged on the server)")


def install(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(PantauError, on_pantau_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
