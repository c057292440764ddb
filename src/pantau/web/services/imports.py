"""Import history: what was loaded, when, by whom, with how many rows and warnings."""

from __future__ import annotations

from typing import Any

from pantau.auth import Forbidden, User, may_see_imports
from pantau.ingest.history import list_imports
from pantau.web.context import WebContext


def imports(ctx: WebContext, user: User, *, limit: int) -> dict[str, Any]:
    """The newest ``limit`` imports (server paths only for admins)."""
    if not may_see_imports(user):
        raise Forbidden("the import history is for admins and managers")
    rows = ctx.cached(("imports", limit), lambda: list_imports(ctx.store, limit=limit))
    if not user.is_admin:
        rows = [{k: v for k, v in r.items() if k != "file_path"} for r in rows]
    return {"view": "imports", "imports": rows}
