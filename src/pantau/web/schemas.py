"""The documented shapes of error answers (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Problem(BaseModel):
    """What went wrong, in one sentence the caller can act on."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A parameter Pantau cannot use."},
    401: {"model": Problem, "description": "No valid token or session."},
    403: {"model": Problem, "description": "Outside your account's scope."},
    404: {"model": Problem, "description": "No such KPI or path."},
}
