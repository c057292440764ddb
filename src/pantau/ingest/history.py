"""The import log (``imports`` table): what was imported when, by whom, with what result."""

from __future__ import annotations

from typing import Any

from pantau.store import Store

COLUMNS = (
    "import_id",
    "record_type",
    "file_name",
    "file_path",
    "checksum",
    "status",
    "rows_read",
    "inserted",
    "updated",
    "rejected",
    "warnings",
    "username",
    "started_at",
    "finished_at",
)


def list_imports(store: Store, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Imports, newest first, as JSON-able dicts (times as ISO text, UTC)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM imports ORDER BY import_id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with store.read() as con:
        rows = con.execute(sql).fetchall()
    out = []
    for row in rows:
        item = dict(zip(COLUMNS, row, strict=True))
        for key in ("started_at", "finished_at"):
            if item[key] is not None:
                item[key] = item[key].isoformat(sep=" ")
        out.append(item)
    return out
