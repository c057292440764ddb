"""Request dependencies, as ``Annotated`` aliases: ``Ctx``, ``StoreDep``, ``CurrentUser``,
``AdminUser``, ``Lang``, ``GrantDep`` (what the user may see) and the query filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from pantau import auth
from pantau.i18n import check_lang
from pantau.store import Store
from pantau.web.context import WebContext
from pantau.web.security import LANG_COOKIE, SESSION_COOKIE
from pantau.web.services.kpis import KpiParams
from pantau.web.services.periods import View, check_span, resolve_view

MONTH = r"^(\d{4}-(0[1-9]|1[0-2]))?$"
PERIOD = r"^(\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?)?$"
BY = r"^(rep|team|region|source|product|segment)?$"
Grain = Literal["month", "quarter", "year"]


async def get_ctx(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.ctx
    return ctx


Ctx = Annotated[WebContext, Depends(get_ctx)]


async def get_store(ctx: Ctx) -> Store:
    return ctx.store


StoreDep = Annotated[Store, Depends(get_store)]


def optional_session(request: Request, ctx: Ctx) -> auth.Session | None:
    """The browser session of the request, if its cookie is valid."""
    cookie = request.cookies.get(SESSION_COOKIE)
    return ctx.session(cookie) if cookie else None


SessionDep = Annotated[auth.Session | None, Depends(optional_session)]


def current_user(request: Request, ctx: Ctx, session: SessionDep) -> auth.User:
    """The account behind ``Authorization: Bearer <token>`` or the session cookie; else 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if header and scheme.lower() == "bearer" and token.strip():
        user = ctx.token_user(token.strip())
        if user is None:
            raise auth.LoginRequired("the API token is unknown or revoked")
        return user
    if session is None:
        raise auth.LoginRequired("log in, or send an API token (Authorization: Bearer ...)")
    return session.user


CurrentUser = Annotated[auth.User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> auth.User:
    if not auth.may_manage_users(user):
        raise auth.Forbidden("only admins manage accounts")
    return user


AdminUser = Annotated[auth.User, Depends(admin_user)]


def language(
    request: Request,
    ctx: Ctx,
    lang: Annotated[str | None, Query(pattern=r"^(id|en)?$", description="id or en")] = None,
) -> str:
    """``?lang=``, else the language cookie, else the store's ``language`` setting."""
    default = ctx.settings().get("language", "id")
    return check_lang(lang or request.cookies.get(LANG_COOKIE), default=check_lang(default))


Lang = Annotated[str, Depends(language)]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def grant(
    user: CurrentUser,
    ctx: Ctx,
    team: Annotated[str | None, Query(max_length=200, description="Only this team.")] = None,
    rep: Annotated[str | None, Query(max_length=200, description="Only this rep (rep_id).")] = None,
    company: Annotated[
        bool, Query(description="Company-level totals (no filter, no breakdown).")
    ] = False,
) -> auth.Grant:
    """What this request may see — :func:`pantau.auth.grant_for`, the one access policy."""
    return auth.grant_for(
        user, rep=_blank(rep), team=_blank(team), company=company, rep_teams=ctx.rep_teams()
    )


GrantDep = Annotated[auth.Grant, Depends(grant)]


@dataclass(frozen=True)
class MonthRange:
    """``from`` and ``to`` (``YYYY-MM``, both optional), at most ``MAX_MONTHS`` apart."""

    start: str | None
    end: str | None


def month_range(
    ctx: Ctx,
    from_: Annotated[
        str | None, Query(alias="from", pattern=MONTH, description="First month, YYYY-MM.")
    ] = None,
    to: Annotated[str | None, Query(pattern=MONTH, description="Last month, YYYY-MM.")] = None,
) -> MonthRange:
    start, end = _blank(from_), _blank(to)
    if start or end:
        check_span(ctx, start, end)
    return MonthRange(start, end)


MonthRangeDep = Annotated[MonthRange, Depends(month_range)]


async def kpi_params(
    months: MonthRangeDep,
    grain: Grain = "month",
    by: Annotated[str | None, Query(pattern=BY, description="Breakdown.")] = None,
    kpi: Annotated[
        list[str] | None, Query(max_length=30, description="KPI ids (repeatable).")
    ] = None,
    parts: Annotated[bool, Query(description="Add numerator, denominator and n.")] = False,
) -> KpiParams:
    kpis = tuple(k for k in kpi or () if k)
    return KpiParams(months.start, months.end, grain, _blank(by), kpis, parts)


KpiParamsDep = Annotated[KpiParams, Depends(kpi_params)]


def view(
    ctx: Ctx,
    lang: Lang,
    grain: Grain = "month",
    period: Annotated[
        str | None, Query(pattern=PERIOD, description="2026-03, 2026-Q1 or 2026.")
    ] = None,
) -> View:
    """The period a page shows (default: the last month with data)."""
    return resolve_view(ctx, grain=grain, period=_blank(period), lang=lang)


ViewDep = Annotated[View, Depends(view)]
