"""Forms read by hand: uploads under a size limit, grids with many fields, CSRF on each.

FastAPI's ``Form``/``File`` parameters read the whole body before the handler runs; these
helpers read it themselves, so an upload larger than the limit is refused as soon as its bytes
pass the limit (or at once, when ``Content-Length`` says so) instead of filling the disk first.
"""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message

from pantau import auth
from pantau.i18n import gettext as _
from pantau.ingest.messages import N_
from pantau.web.security import check_csrf
from pantau.web.services.uploads import UploadRefused, too_large

#: bytes of multipart framing and small fields allowed beyond the file itself
FORM_OVERHEAD = 64 * 1024


async def upload_form(request: Request, limit: int, lang: str) -> FormData:
    """The multipart form of an upload of at most ``limit`` bytes (:class:`UploadRefused`)."""
    allowed = limit + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > allowed:
        raise too_large(limit, lang)
    received = 0
    receive = request.receive

    async def guarded() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > allowed:
            raise too_large(limit, lang)
        return message

    return await Request(request.scope, guarded).form(max_files=1, max_fields=20)


async def small_form(request: Request, max_fields: int = 1000) -> FormData:
    """A url-encoded form (no files) of at most ``max_fields`` fields."""
    return await request.form(max_files=0, max_fields=max_fields)


def check_form(request: Request, session: auth.Session | None, form: FormData) -> None:
    """The form's CSRF token must be its browser session's (API tokens cannot post forms)."""
    token = form.get("csrf_token")
    sent = token if isinstance(token, str) else None
    check_csrf(request, sent, session.csrf_token if session else None)


def text_fields(form: FormData) -> dict[str, str]:
    """The form's text fields (the last value of each name)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def uploaded_file(form: FormData, lang: str, name: str = "file") -> UploadFile:
    """The uploaded file of the form; :class:`UploadRefused` when none was chosen."""
    file = form.get(name)
    if not isinstance(file, UploadFile) or not file.filename:
        raise UploadRefused(_(N_("choose a file to upload"), lang))
    return file
