"""Jinja2 templates and the context every page shares (language, user, CSRF token, nav)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from pantau import auth
from pantau.i18n import check_lang, gettext
from pantau.web.charts import sparkline_points
from pantau.web.context import WebContext
from pantau.web.format import FILTERS
from pantau.web.security import LANG_COOKIE, cookie_options
from pantau.web.services.targets import may_set_targets

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("pantau.web", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
    auto_reload=False,  # templates are package data: no stat() of every template per render
)
_env.filters.update(FILTERS)
_env.globals["sparkline"] = sparkline_points
templates = Jinja2Templates(env=_env)

#: query parameters that follow the user from page to page
KEPT = ("grain", "period", "team", "rep")


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str


def nav_for(user: auth.User | None) -> list[NavItem]:
    """The pages ``user`` may open, in menu order."""
    if user is None:
        return []
    items = [
        NavItem("/", "Overview"),
        NavItem("/leaderboard", "Leaderboard"),
        NavItem("/funnel", "Funnel"),
        NavItem("/speed", "Speed to lead"),
        NavItem("/cohorts", "Retention"),
        NavItem("/collateral", "Collateral"),
        NavItem("/quality", "Data quality"),
    ]
    if may_set_targets(user):
        items.append(NavItem("/targets", "Targets"))
    if auth.may_see_imports(user):
        items.append(NavItem("/imports", "Imports"))
    if auth.may_manage_users(user):
        items.append(NavItem("/users", "Users"))
    items.append(NavItem("/api/docs", "API"))
    return items


def url_with(request: Request, path: str | None = None, **changes: Any) -> str:
    """The current URL (or ``path``) with query parameters changed (``None`` drops one)."""
    params = {k: v for k, v in request.query_params.items() if path is None or k in KEPT}
    params.pop("lang", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")


def request_lang(request: Request) -> str:
    """Language of a request without dependencies (error pages)."""
    ctx: WebContext = request.app.state.ctx
    try:
        default = ctx.settings().get("language", "id")
    except Exception:  # the store itself may be what failed
        default = "id"
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return check_lang(chosen, default=check_lang(default))


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    lang: str,
    user: auth.User | None = None,
    csrf_token: str | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cache_key: Hashable | None = None,
) -> HTMLResponse:
    """Render template ``name`` with the shared page context.

    ``cache_key``: everything besides the request's URL, language, user and CSRF token that the
    page depends on; the rendered HTML is then kept until the store's data or accounts change
    (a page whose ``context`` is a function of those, and only those, may pass one).
    """
    ctx: WebContext = request.app.state.ctx
    full = {
        "request": request,
        "lang": lang,
        "_": partial(gettext, lang=lang),
        "user": user,
        "csrf_token": csrf_token,
        "nav": nav_for(user),
        "url_with": partial(url_with, request),
        "currency": _currency(ctx),
        "path": request.url.path,
        **context,
    }
    if cache_key is None:
        response: HTMLResponse = templates.TemplateResponse(
            request, name, full, status_code=status, headers=headers
        )
    else:
        key = (
            "html",
            name,
            cache_key,
            ctx.watch.versions().auth,
            user.user_id if user else None,
            csrf_token,
            lang,
            request.url.path,
            request.url.query,
        )
        body = ctx.cached(key, lambda: _env.get_template(name).render(full))
        response = HTMLResponse(body, status_code=status, headers=headers)
    chosen = request.query_params.get("lang")
    if chosen and check_lang(chosen, default="") == chosen:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=365 * 86400, **cookie_options(https=ctx.config.https)
        )
    return response


def _currency(ctx: WebContext) -> str:
    try:
        return ctx.settings().get("currency", "IDR")
    except Exception:  # error pages render even when the store cannot be read
        return "IDR"


def render_error(
    request: Request, status: int, message: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """A plain error page (no traceback, no data)."""
    lang = request_lang(request)
    return render(
        request,
        "error.html",
        {"status": status, "message": message, "title": str(status)},
        lang=lang,
        status=status,
        headers=headers,
    )
