"""The import page (admins and managers): upload a file, correct the mapping, check, confirm.

1. ``GET /imports/upload``: drop a CSV, XLSX or XLS file (or pick it); ``POST`` keeps it under
   an id tied to the browser session (:mod:`pantau.web.services.uploads`).
2. ``GET /imports/upload/{id}``: the record type and mapping Pantau proposes, a select per
   Pantau column, the first rows of the file.
3. ``POST …/check``: the whole import as a dry run — every error (row, line, column, value,
   reason) and warning, the questions about dates and decimals — and a confirm button.
4. ``POST …/confirm``: ``import_file`` for real; the mapping is remembered for the next file
   with the same headers, and the upload deleted. ``POST …/cancel`` deletes it at once.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pantau import auth
from pantau.errors import PantauError
from pantau.i18n import gettext
from pantau.ingest.template import column_hint
from pantau.model.records import RECORD_TYPES
from pantau.web.forms import check_form, small_form, text_fields
from pantau.web.pages.common import Page, PageDep
from pantau.web.pages.uploading import LimitDep, owner_of, receive_file, show, uploads_of
from pantau.web.services.mappings import (
    Choice,
    Look,
    answer,
    choice_from_form,
    first_choice,
    look_at,
    presets_for,
    remember,
    sheet_names,
)
from pantau.web.services.uploads import MB, Upload, UploadRefused
from pantau.web.services.web_import import Outcome, message_of, run_import

router = APIRouter(include_in_schema=False)
SHOWN_ISSUES = 200


def importer(page: PageDep) -> Page:
    """The page of an account that may import (admins and managers); else 403."""
    if not auth.may_see_imports(page.user):
        raise auth.Forbidden("imports are for admins and managers")
    return page


ImporterPage = Annotated[Page, Depends(importer)]


# -- step 1: the file ----------------------------------------------------------------------------
@router.get("/imports/upload", response_class=HTMLResponse)
def upload_page(page: ImporterPage, limit: LimitDep) -> HTMLResponse:
    return show(page, "import_upload.html", limit_mb=limit // MB, error=None)


@router.post("/imports/upload", response_class=HTMLResponse)
async def receive_upload(request: Request, page: ImporterPage, limit: LimitDep) -> Response:
    owner = owner_of(page)
    try:
        upload, _fields = await receive_file(request, page, owner, limit)
    except UploadRefused as exc:
        error = str(exc)
        return show(page, "import_upload.html", exc.status, limit_mb=limit // MB, error=error)
    return RedirectResponse(f"/imports/upload/{upload.id}", status_code=303)


# -- step 2: the mapping -----------------------------------------------------------------------
def _upload(page: Page, uid: str) -> Upload:
    return uploads_of(page).get(owner_of(page), uid, page.lang)


def _look(page: Page, upload: Upload, sheet: str | None) -> Look:
    return uploads_of(page).memo(
        upload, ("look", sheet), lambda: look_at(upload.path, sheet=sheet, lang=page.lang)
    )


@router.get("/imports/upload/{uid}", response_class=HTMLResponse)
def mapping_page(
    page: ImporterPage,
    uid: str,
    type: Annotated[str | None, Query(max_length=40)] = None,
    sheet: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    upload = _upload(page, uid)
    try:
        look = _look(page, upload, sheet or None)
    except PantauError as exc:
        return _unreadable(page, upload, exc, sheet)
    record_type = type if type in RECORD_TYPES else None
    choice, why = first_choice(page.ctx.store, look, record_type=record_type, sheet=sheet or None)
    return _mapping(page, upload, look, choice, why=why)


def _unreadable(page: Page, upload: Upload, exc: PantauError, sheet: str | None) -> HTMLResponse:
    """The file cannot be read as a table (as a whole, or this sheet): say why; offer the
    other sheets of a workbook."""
    try:
        sheets = sheet_names(upload.path)
    except Exception:  # a damaged workbook: the message says so already
        sheets = []
    return show(
        page,
        "import_mapping.html",
        400,
        upload=upload,
        look=None,
        sheets=sheets,
        sheet=sheet or (sheets[0] if sheets else None),
        error=message_of(exc, upload),
        notice=None,
    )


def _mapping(
    page: Page,
    upload: Upload,
    look: Look,
    choice: Choice,
    *,
    why: str | None = None,
    outcome: Outcome | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    rt = RECORD_TYPES[choice.record_type]
    columns = [
        {
            "name": c.name,
            "required": c.required,
            "hint": column_hint(c, page.lang),
            "header": choice.columns.get(c.name, ""),
        }
        for c in rt.columns
    ]
    options = presets_for(look.headers)
    chosen = next(
        (
            o.value
            for o in options
            if o.preset == choice.preset and o.record_type == choice.record_type
        ),
        "",
    )
    report = outcome.report if outcome else None
    return show(
        page,
        "import_mapping.html",
        status,
        upload=upload,
        look=look,
        choice=choice,
        why=why,
        types=list(RECORD_TYPES),
        columns=columns,
        presets=options,
        preset_value=chosen,
        mapped={h: c for c, h in choice.columns.items()},
        report=report,
        errors=report.errors[:SHOWN_ISSUES] if report else [],
        warnings=report.warnings[:SHOWN_ISSUES] if report else [],
        error=outcome.error if outcome else None,
        notice=notice,
        checked=fingerprint(choice),
        toml=choice.to_toml(look.headers, upload.name),
    )


def fingerprint(choice: Choice) -> str:
    """What a confirm must match: the choice the shown report was checked with."""
    return hashlib.sha256(choice.to_json().encode("utf-8")).hexdigest()[:32]


# -- steps 3 and 4: check, confirm, cancel ---------------------------------------------------
async def _posted(request: Request, page: Page) -> dict[str, str]:
    form = await small_form(request)
    check_form(request, page.session, form)
    return text_fields(form)


@router.post("/imports/upload/{uid}/check", response_class=HTMLResponse)
async def check(request: Request, page: ImporterPage, uid: str) -> HTMLResponse:
    form = await _posted(request, page)
    return await run_in_threadpool(_check, page, uid, form)


def _check(page: Page, uid: str, form: dict[str, str], notice: str | None = None) -> HTMLResponse:
    upload = _upload(page, uid)
    look = _look(page, upload, form.get("sheet") or None)
    choice = choice_from_form(form, look)
    if form.get("answer"):
        choice = answer(choice, form["answer"])
    outcome = run_import(
        page.ctx,
        page.user,
        upload,
        choice.import_args(look.headers),
        lang=page.lang,
        dry_run=True,
    )
    return _mapping(page, upload, look, choice, outcome=outcome, notice=notice)


@router.post("/imports/upload/{uid}/confirm", response_class=HTMLResponse)
async def confirm(request: Request, page: ImporterPage, uid: str) -> HTMLResponse:
    form = await _posted(request, page)
    return await run_in_threadpool(_confirm, page, uid, form)


def _confirm(page: Page, uid: str, form: dict[str, str]) -> HTMLResponse:
    upload = _upload(page, uid)
    look = _look(page, upload, form.get("sheet") or None)
    choice = choice_from_form(form, look)
    if fingerprint(choice) != form.get("checked"):
        changed = gettext("The mapping changed since the check: check it again.", page.lang)
        return _check(page, uid, form, notice=changed)
    outcome = run_import(
        page.ctx,
        page.user,
        upload,
        choice.import_args(look.headers),
        lang=page.lang,
        dry_run=False,
        reason=form.get("reason") or None,
    )
    if not outcome.ok:
        return _mapping(page, upload, look, choice, outcome=outcome, status=400)
    remember(page.ctx.store, look.headers, choice, page.user.email)
    uploads_of(page).discard(upload.id)
    assert outcome.report is not None
    warnings = outcome.report.warnings[:SHOWN_ISSUES]
    return show(page, "import_done.html", report=outcome.report, warnings=warnings)


@router.post("/imports/upload/{uid}/cancel")
async def cancel(request: Request, page: ImporterPage, uid: str) -> Response:
    await _posted(request, page)
    upload = _upload(page, uid)
    uploads_of(page).discard(upload.id)
    return RedirectResponse("/imports/upload", status_code=303)
