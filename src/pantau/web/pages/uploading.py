"""What the pages that take a file share: the size limit, whose uploads, reading the form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from pantau import auth
from pantau.auth.tokens import digest
from pantau.web.deps import Ctx
from pantau.web.forms import check_form, text_fields, upload_form, uploaded_file
from pantau.web.pages.common import Page
from pantau.web.rendering import render
from pantau.web.services.uploads import Upload, UploadArea, upload_limit


def limit_of(ctx: Ctx) -> int:
    """The largest upload, in bytes (store setting ``upload_max_mb``)."""
    return upload_limit(ctx.settings())


LimitDep = Annotated[int, Depends(limit_of)]


def uploads_of(page: Page) -> UploadArea:
    """Where this app keeps uploads between the steps of an import."""
    area: UploadArea = page.ctx.uploads
    return area


def owner_of(page: Page) -> str:
    """Whose uploads: the browser session (an API token cannot use this page)."""
    if page.session is None:
        raise auth.Forbidden("upload files from a browser session")
    return digest(page.session.csrf_token)


def show(page: Page, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(
        page.request,
        name,
        {"view": "import", **context},
        lang=page.lang,
        user=page.user,
        csrf_token=page.session.csrf_token if page.session else None,
        status=status,
    )


async def receive_file(
    request: Request, page: Page, owner: str, limit: int
) -> tuple[Upload, dict[str, str]]:
    """Read an upload form (CSRF checked) and keep its file; the upload and the text fields."""
    form = await upload_form(request, limit, page.lang)
    try:
        check_form(request, page.session, form)
        file = uploaded_file(form, page.lang)
        upload = await uploads_of(page).receive(
            owner, file.filename or "", file.read, limit=limit, lang=page.lang
        )
        return upload, text_fields(form)
    finally:
        await form.close()
