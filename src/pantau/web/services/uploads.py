"""Uploaded files between the steps of a web import, and what an upload must be to be kept.

A file is received in chunks into a private temporary folder (mode 0700) under an unguessable id
(192 random bits) that only the browser session which uploaded it can use; it is deleted after
the import, on cancel, or an hour after the upload. Before anything reads it, the file must be
what its name says:

- ``.csv``: text — no NUL bytes (unless UTF-16 with a byte-order mark), not a web page, not a
  workbook or another binary format;
- ``.xlsx``/``.xlsm``: a zip archive holding a workbook, whose *declared* unpacked size stays
  under ``UNZIP_FACTOR`` × the upload limit and whose members are not packed more than
  ``MAX_RATIO`` to 1 (a zip bomb is refused before any reader opens it);
- ``.xls``: an Office 97 (OLE) file, or the HTML table many programs (Salesforce Classic among
  them) save as ``.xls``, which the importer reads too; a web page without a table is refused.

The size limit is the store setting ``upload_max_mb`` (default 50).
"""

from __future__ import annotations

import codecs
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import weakref
import zipfile
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest.files import looks_like_html
from pantau.ingest.messages import N_

TTL_S = 3600.0
CHUNK = 1 << 20
HEAD = 1 << 16
MB = 1 << 20
DEFAULT_MAX_MB = 50
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls"}
UNZIP_FACTOR = 20
MAX_RATIO = 200
RATIO_FROM = MB  # members smaller than this are never judged by their ratio
MAX_MEMBERS = 10_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MARKUP = re.compile(rb"\s*<(!doctype|html|head|body|table|meta|script|div|\?xml)", re.IGNORECASE)
_TEXT_CONTROLS = frozenset((9, 10, 11, 12, 13, 26))  # tab, line ends, form feed, DOS EOF
_UNSAFE_NAME = re.compile(r"[^\w .()+-]+", re.UNICODE)


class UploadRefused(UsageError):
    """An upload Pantau does not keep; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class UploadMissing(UsageError):
    """An upload id that is unknown, expired or another session's (all look the same)."""


@dataclass(frozen=True)
class Upload:
    """A kept upload: its id, the session it belongs to, its file."""

    id: str
    owner: str
    name: str
    path: Path
    size: int
    created: float

    @property
    def kind(self) -> str:
        return SUFFIXES[self.path.suffix.lower()]


def upload_limit(settings: dict[str, str]) -> int:
    """The largest upload in bytes (setting ``upload_max_mb``; a bad value means the default)."""
    try:
        mb = float(settings.get("upload_max_mb", DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int((mb if mb > 0 else DEFAULT_MAX_MB) * MB)


def safe_name(name: str) -> str:
    """The last path part of an uploaded file's name, without characters a path dislikes."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    stem, suffix = os.path.splitext(cleaned)
    return (stem[:100] or "upload") + suffix[:10].lower()


def check_name(name: str, lang: str) -> str:
    """The kind of file ``name`` claims to be; refuse any other suffix."""
    kind = SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        raise UploadRefused(
            _(N_("'{name}' is not a CSV, XLSX or XLS file"), lang, name=name), status=415
        )
    return kind


def too_large(limit: int, lang: str) -> UploadRefused:
    return UploadRefused(
        _(N_("the file is larger than the {mb} MB an upload may have"), lang, mb=limit // MB),
        status=413,
    )


# -- is the file what it claims to be? ---------------------------------------------------------
def check_content(path: Path, kind: str, limit: int, lang: str) -> None:
    """Refuse a file whose bytes do not match its suffix (see the module documentation)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD)
    if not head:
        raise UploadRefused(_(N_("the file is empty"), lang))
    if kind == "csv":
        _check_text(head, lang)
    elif kind == "xlsx":
        _check_xlsx(path, head, limit, lang)
    else:
        _check_xls(head, lang)


def _refuse(reason: str, lang: str, **params: object) -> UploadRefused:
    return UploadRefused(_(reason, lang, **params), status=415)


def _looks_like_markup(head: bytes) -> bool:
    text = head.removeprefix(codecs.BOM_UTF8)
    return _MARKUP.match(text[:1024]) is not None


def _check_text(head: bytes, lang: str) -> None:
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise _refuse(
            N_("this is an Excel workbook, not a CSV file: keep its .xlsx or .xls name"), lang
        )
    if _looks_like_markup(head):
        raise _refuse(
            N_("this is a web page (HTML), not a CSV file: export the data as CSV again"), lang
        )
    if head.startswith(UTF16_BOMS):
        return
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    if b"\x00" in head or controls > len(head) // 100:
        raise _refuse(N_("this is a binary file, not CSV text: export the data as CSV"), lang)


def _check_xls(head: bytes, lang: str) -> None:
    if head.startswith(OLE_MAGIC) or looks_like_html(head):
        return  # a workbook, or an HTML table saved as .xls (the importer reads both)
    if head.startswith(ZIP_MAGIC):
        raise _refuse(N_("this is an XLSX workbook named .xls: rename it to .xlsx"), lang)
    if _looks_like_markup(head):
        raise _refuse(
            N_(
                "this .xls file is a web page (HTML) without a table of data: "
                "export the data again as XLSX or CSV"
            ),
            lang,
        )
    raise _refuse(N_("this is not an Excel workbook"), lang)


def _check_xlsx(path: Path, head: bytes, limit: int, lang: str) -> None:
    if head.startswith(OLE_MAGIC):
        raise _refuse(N_("this is an old .xls workbook named .xlsx: rename it to .xls"), lang)
    if not head.startswith(ZIP_MAGIC):
        raise _refuse(N_("this is not an XLSX workbook (an XLSX file is a zip archive)"), lang)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            N_("this XLSX workbook is damaged (not a readable zip archive)"), lang
        ) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _refuse(N_("this zip archive is not an Excel workbook"), lang)
    _check_unpacked(members, limit, lang)


def _check_unpacked(members: list[zipfile.ZipInfo], limit: int, lang: str) -> None:
    """Refuse a zip bomb: too many members, too large unpacked, or packed too tightly."""
    total = sum(m.file_size for m in members)
    packed_too_tight = any(
        m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if len(members) > MAX_MEMBERS or total > UNZIP_FACTOR * limit or packed_too_tight:
        raise UploadRefused(
            _(
                N_(
                    "refused: this workbook would unpack to {mb} MB ({ratio}× its size), "
                    "which is what a zip bomb does"
                ),
                lang,
                mb=total // MB,
                ratio=total // max(1, sum(m.compress_size for m in members)),
            ),
            status=413,
        )


# -- where uploads wait ------------------------------------------------------------------------
Read = Callable[[int], Awaitable[bytes]]
T = TypeVar("T")


class UploadArea:
    """The uploads of one web app, in a private temporary folder made on first use."""

    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._root: Path | None = None
        self._items: dict[str, Upload] = {}
        self._memo: dict[tuple[str, Hashable], Any] = {}
        self._lock = threading.Lock()

    def root(self) -> Path:
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="pantau-uploads-"))
                weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
            return self._root

    async def receive(self, owner: str, name: str, read: Read, *, limit: int, lang: str) -> Upload:
        """Save the file ``read`` yields as ``name``, check it, keep it for ``owner``."""
        self.sweep()
        kind = check_name(name, lang)
        uid = secrets.token_urlsafe(24)
        folder = self.root() / uid
        folder.mkdir(mode=0o700)
        path = folder / safe_name(name)
        try:
            size = await _copy(read, path, limit, lang)
            check_content(path, kind, limit, lang)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        upload = Upload(uid, owner, path.name, path, size, time.time())
        with self._lock:
            self._items[uid] = upload
        return upload

    def get(self, owner: str, uid: str, lang: str) -> Upload:
        """The upload ``uid`` of ``owner``; :class:`UploadMissing` when there is none."""
        with self._lock:
            upload = self._items.get(uid)
        if upload is None or upload.owner != owner or self._expired(upload):
            raise UploadMissing(
                _(
                    N_(
                        "this upload is no longer here (imported, cancelled or older than an "
                        "hour): upload the file again"
                    ),
                    lang,
                )
            )
        return upload

    def memo(self, upload: Upload, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per upload and ``key`` (a look at a big workbook takes a while)."""
        with self._lock:
            if (upload.id, key) in self._memo:
                return self._memo[(upload.id, key)]
        value = compute()
        with self._lock:
            if upload.id in self._items:
                self._memo[(upload.id, key)] = value
        return value

    def discard(self, uid: str) -> None:
        with self._lock:
            upload = self._items.pop(uid, None)
            for key in [k for k in self._memo if k[0] == uid]:
                del self._memo[key]
        if upload is not None:
            shutil.rmtree(upload.path.parent, ignore_errors=True)

    def sweep(self) -> None:
        """Delete the uploads older than the time to live."""
        with self._lock:
            old = [uid for uid, u in self._items.items() if self._expired(u)]
        for uid in old:
            self.discard(uid)

    def _expired(self, upload: Upload) -> bool:
        return time.time() - upload.created > self.ttl_s


async def _copy(read: Read, path: Path, limit: int, lang: str) -> int:
    size = 0
    with path.open("wb") as out:
        while chunk := await read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise too_large(limit, lang)
            out.write(chunk)
    return size
