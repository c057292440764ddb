"""``/api/v1/me``: who the caller is and what they may see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pantau.web.deps import CurrentUser, GrantDep

router = APIRouter(tags=["account"])


@router.get("/me", summary="Your account and the scope of your numbers")
def me(user: CurrentUser, grant: GrantDep) -> dict[str, Any]:
    return {
        **user.public(),
        "scope": {
            "rep_ids": sorted(grant.rep_ids) if grant.rep_ids is not None else None,
            "teams": sorted(grant.teams) if grant.teams is not None else None,
            "breakdowns": sorted(b for b in grant.allowed_by if b),
        },
    }
