"""What every page handler needs: the :class:`Page` dependency and the shared filter data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from pantau import auth
from pantau.web.deps import Ctx, CurrentUser, Lang, SessionDep
from pantau.web.rendering import render
from pantau.web.services.directory import visible_reps, visible_teams
from pantau.web.services.periods import period_choices


@dataclass(frozen=True)
class Page:
    """A logged-in page request: renders templates with the user's context."""

    request: Request
    ctx: Ctx
    user: auth.User
    session: auth.Session | None
    lang: str

    def render(
        self, name: str, data: Mapping[str, Any], *, cache: bool = False, **extra: Any
    ) -> HTMLResponse:
        """Render ``name`` with ``data``; ``cache``: the page shows only what its URL, the
        user and the store's data decide (the HTML is kept until one of them changes)."""
        return render(
            self.request,
            name,
            {"data": data, **extra},
            lang=self.lang,
            user=self.user,
            csrf_token=self.session.csrf_token if self.session else None,
            cache_key=("page",) if cache else None,
        )

    def filters(self, grain: str, *, teams: bool = True, reps: bool = True) -> dict[str, Any]:
        """Choices for the filter bar: periods at ``grain``, visible teams and reps."""
        return {
            "periods": period_choices(self.ctx, grain),
            "teams": visible_teams(self.ctx, self.user) if teams else [],
            "reps": visible_reps(self.ctx, self.user) if reps else [],
            "team": self.request.query_params.get("team", ""),
            "rep": self.request.query_params.get("rep", ""),
        }


async def page(
    request: Request, ctx: Ctx, user: CurrentUser, session: SessionDep, lang: Lang
) -> Page:
    return Page(request, ctx, user, session, lang)


PageDep = Annotated[Page, Depends(page)]
