"""Account management for admins (``/users`` + ``.json``): list, add, remove."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import auth
from pantau.errors import UsageError
from pantau.i18n import gettext
from pantau.web.deps import AdminUser, Ctx, SessionDep, StoreDep
from pantau.web.pages.common import PageDep
from pantau.web.security import check_csrf

router = APIRouter()

FormText = Annotated[str, Form(max_length=500)]


def users_data(store: StoreDep, admin: AdminUser) -> dict[str, Any]:
    return {"view": "users", "users": [u.public() for u in auth.list_users(store)]}


UsersData = Annotated[dict[str, Any], Depends(users_data)]


@router.get("/users.json", summary="Accounts (admins only)")
async def users_json(data: UsersData) -> dict[str, Any]:
    return data


@router.get("/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(page: PageDep, data: UsersData) -> HTMLResponse:
    return page.render("users.html", data, error=None, created=None)


def _check(request: Request, session: auth.Session | None, token: str) -> None:
    check_csrf(request, token, session.csrf_token if session else None)


@router.post("/users", response_class=HTMLResponse, include_in_schema=False)
def add_user(
    request: Request,
    page: PageDep,
    admin: AdminUser,
    session: SessionDep,
    email: FormText,
    role: FormText,
    password: FormText,
    rep_id: FormText = "",
    teams: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _check(request, session, csrf_token)
    try:
        user = auth.add_user(
            page.ctx.store,
            email,
            role=role,
            password=password,
            rep_id=rep_id or None,
            teams=tuple(t for t in teams.split(",") if t.strip()),
        )
    except UsageError as exc:
        data = users_data(page.ctx.store, admin)
        return page.render("users.html", data, error=gettext(str(exc), page.lang), created=None)
    page.ctx.wrote()
    data = users_data(page.ctx.store, admin)
    return page.render("users.html", data, error=None, created=user.email)


@router.post("/users/remove", include_in_schema=False)
def remove_user(
    request: Request,
    ctx: Ctx,
    admin: AdminUser,
    session: SessionDep,
    email: FormText,
    csrf_token: FormText = "",
) -> Response:
    _check(request, session, csrf_token)
    if email.strip().lower() == admin.email:
        raise UsageError("you cannot remove your own account here; use `pantau users remove`")
    auth.remove_user(ctx.store, email)
    ctx.wrote()
    return RedirectResponse("/users", status_code=303)
