"""The REST API under ``/api/v1``: one router per resource, JSON only.

Authentication: ``Authorization: Bearer <token>`` (``pantau users token``) or the browser's
session cookie. What a caller sees is decided by :func:`pantau.auth.grant_for`.
"""

from fastapi import APIRouter

from pantau.web.api import cohorts, funnel, imports, kpis, me, quality, targets
from pantau.web.schemas import ERRORS

router = APIRouter(prefix="/api/v1", responses=ERRORS)
for module in (kpis, funnel, cohorts, quality, imports, targets, me):
    router.include_router(module.router)
