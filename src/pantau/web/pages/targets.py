"""The targets page (admins and managers): a grid to set, change and clear targets, the change
log, and the targets file down (``/targets.csv``) and up (through ``import_file``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pantau.web.deps import MONTH, Ctx, CurrentUser, Lang
from pantau.web.forms import check_form, small_form, text_fields
from pantau.web.pages.common import Page, PageDep
from pantau.web.pages.uploading import LimitDep, owner_of, receive_file, show, uploads_of
from pantau.web.services.target_grid import (
    MAX_FIELDS,
    Posted,
    build_grid,
    changed_message,
    read_posted,
    resolve_view,
)
from pantau.web.services.targets import (
    apply_changes,
    load_targets,
    recent_changes,
    require_targets,
    settable_scopes,
    shown_changes,
    targets_csv,
)
from pantau.web.services.uploads import UploadRefused
from pantau.web.services.web_import import Outcome, run_import

router = APIRouter()

ViewParam = Annotated[
    str | None,
    Query(max_length=250, description="company, team:NAME, rep:ID or kpi:ID (rows per scope)."),
]
FromParam = Annotated[
    str | None, Query(alias="from", pattern=MONTH, description="First month, YYYY-MM.")
]


def targets_data(
    ctx: Ctx, user: CurrentUser, lang: Lang, view: ViewParam = None, start: FromParam = None
) -> dict[str, Any]:
    """The grid of ``view`` for six months from ``from`` (default: this month), and the log."""
    require_targets(user)
    grid = build_grid(ctx, user, resolve_view(ctx, user, view, start or None, lang), lang)
    changes = recent_changes(ctx.store, settable_scopes(ctx, user, lang))
    return {**grid, "changes": shown_changes(changes, lang)}


TargetsData = Annotated[dict[str, Any], Depends(targets_data)]


@router.get("/targets.json", summary="Targets you set: the grid of a view, and recent changes")
async def targets_json(data: TargetsData) -> dict[str, Any]:
    return data


@router.get("/targets", response_class=HTMLResponse, include_in_schema=False)
def targets_page(
    page: PageDep, data: TargetsData, saved: Annotated[int | None, Query(ge=0)] = None
) -> HTMLResponse:
    message = changed_message(saved, page.lang) if saved is not None else None
    return _page(page, data, message=message)


def _page(
    page: Page,
    data: dict[str, Any],
    *,
    status: int = 200,
    posted: Posted | None = None,
    message: str | None = None,
    outcome: Outcome | None = None,
) -> HTMLResponse:
    return show(
        page,
        "targets.html",
        status,
        data=data,
        posted=posted or Posted(),
        message=message,
        report=outcome.report if outcome else None,
        upload_error=outcome.error if outcome else None,
    )


@router.post("/targets", response_class=HTMLResponse, include_in_schema=False)
async def save_grid(request: Request, page: PageDep) -> Response:
    require_targets(page.user)
    form = await small_form(request, max_fields=MAX_FIELDS)
    check_form(request, page.session, form)
    return await run_in_threadpool(_save, page, text_fields(form))


def _save(page: Page, form: dict[str, str]) -> Response:
    view, start = form.get("view") or None, form.get("from") or None
    posted = read_posted(page.ctx, page.user, form, page.lang)
    if posted.errors:
        data = targets_data(page.ctx, page.user, page.lang, view, start)
        return _page(page, data, status=400, posted=posted)
    done = apply_changes(
        page.ctx.store,
        posted.changes,
        user=page.user.email,
        reason=form.get("reason", "").strip()[:500] or None,
        via="grid",
    )
    page.ctx.wrote()
    query = f"view={_quote(view or '')}&from={_quote(start or '')}&saved={len(done)}"
    return RedirectResponse(f"/targets?{query}", status_code=303)


def _quote(text: str) -> str:
    return quote(text, safe="")


@router.get("/targets.csv", include_in_schema=False)
def targets_file(ctx: Ctx, user: CurrentUser, lang: Lang) -> Response:
    """Every target you set, as the import template's CSV (``pantau template targets``)."""
    body = targets_csv(load_targets(ctx.store), settable_scopes(ctx, user, lang))
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="pantau-targets.csv"'},
    )


@router.post("/targets/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload_targets(request: Request, page: PageDep, limit: LimitDep) -> Response:
    require_targets(page.user)
    owner = owner_of(page)
    try:
        upload, fields = await receive_file(request, page, owner, limit)
    except UploadRefused as exc:
        data = await run_in_threadpool(targets_data, page.ctx, page.user, page.lang)
        return _page(page, data, status=exc.status, outcome=Outcome(error=str(exc)))
    try:
        outcome = await run_in_threadpool(
            run_import,
            page.ctx,
            page.user,
            upload,
            {"record_type": "targets"},
            lang=page.lang,
            dry_run=False,
            reason=fields.get("reason", "").strip()[:500] or None,
        )
    finally:
        uploads_of(page).discard(upload.id)
    view, start = fields.get("view") or None, fields.get("from") or None
    data = await run_in_threadpool(targets_data, page.ctx, page.user, page.lang, view, start)
    return _page(page, data, status=200 if outcome.ok else 400, outcome=outcome)
