"""Login, logout and the one-time setup of the first admin account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import auth
from pantau.auth.users import utcnow
from pantau.errors import UsageError
from pantau.i18n import gettext
from pantau.web.deps import Ctx, Lang, SessionDep
from pantau.web.rendering import render
from pantau.web.security import CSRF_COOKIE, SESSION_COOKIE, check_csrf, cookie_options, new_token

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form(max_length=500)]


def safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or ``https://...``) may follow a login."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _form(
    request: Request, ctx: Ctx, name: str, lang: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """An anonymous form page, with its double-submit CSRF cookie."""
    token = request.cookies.get(CSRF_COOKIE) or new_token()
    response = render(request, name, {"form_token": token, **context}, lang=lang, status=status)
    response.set_cookie(CSRF_COOKIE, token, **cookie_options(https=ctx.config.https))
    return response


def _logged_in(ctx: Ctx, user: auth.User, target: str) -> RedirectResponse:
    cookie, session = auth.start_session(ctx.store, user)
    ctx.wrote()
    response = RedirectResponse(safe_next(target), status_code=303)
    max_age = int((session.expires_at - utcnow()).total_seconds())
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=max_age, **cookie_options(https=ctx.config.https)
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, ctx: Ctx, lang: Lang, session: SessionDep, next: str = "/"
) -> Response:
    if not ctx.has_admin():
        return RedirectResponse("/setup", status_code=303)
    if session is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, ctx, "login.html", lang, next=safe_next(next), email="", error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: Ctx,
    lang: Lang,
    email: FormText,
    password: FormText,
    csrf_token: FormText = "",
    next: FormText = "/",
) -> Response:
    check_csrf(request, csrf_token, request.cookies.get(CSRF_COOKIE))
    ip = request.client.host if request.client else "unknown"
    try:
        user = auth.authenticate(ctx.store, email, password, ip=ip)
    except auth.BadCredentials:
        error, status, retry = gettext("Wrong e-mail address or password.", lang), 401, None
    except auth.TooManyAttempts as exc:
        minutes = max(1, round(exc.retry_after_s / 60))
        error = gettext(
            "Too many failed logins. Try again in {minutes} min.", lang, minutes=minutes
        )
        status, retry = 429, exc.retry_after_s
    else:
        return _logged_in(ctx, user, next)
    response = _form(
        request, ctx, "login.html", lang, status, next=safe_next(next), email=email, error=error
    )
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


@router.post("/logout")
def logout(request: Request, ctx: Ctx, session: SessionDep, csrf_token: FormText = "") -> Response:
    if session is not None:
        check_csrf(request, csrf_token, session.csrf_token)
        auth.end_session(ctx.store, request.cookies.get(SESSION_COOKIE, ""))
        ctx.wrote()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/setup", response_class=HTMLResponse)
def setup_page(request: Request, ctx: Ctx, lang: Lang) -> Response:
    if ctx.has_admin():
        return RedirectResponse("/login", status_code=303)
    return _form(request, ctx, "setup.html", lang, email="", error=None)


@router.post("/setup", response_class=HTMLResponse)
def setup(
    request: Request,
    ctx: Ctx,
    lang: Lang,
    email: FormText,
    password: FormText,
    password2: FormText,
    csrf_token: FormText = "",
) -> Response:
    check_csrf(request, csrf_token, request.cookies.get(CSRF_COOKIE))
    try:
        if password != password2:
            raise UsageError("the two passwords differ")
        user = auth.add_user(
            ctx.store, email, role="admin", password=password, only_if_no_admin=True
        )
    except UsageError as exc:
        error = gettext(str(exc), lang)
        return _form(request, ctx, "setup.html", lang, 400, email=email, error=error)
    ctx.wrote()
    return _logged_in(ctx, user, "/")
