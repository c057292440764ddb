"""``create_app``: the FastAPI application over one store.

The CLI (``pantau serve``) builds it, tests build it cheaply per store. Pages and the JSON API
share the service functions of :mod:`pantau.web.services`; all static assets — plotly.js
included, from the installed ``plotly`` package — are served locally.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from pantau import __version__
from pantau.store import Store
from pantau.web import errors
from pantau.web.api import router as api_router
from pantau.web.config import WebConfig
from pantau.web.context import WebContext
from pantau.web.pages import (
    auth,
    cohorts,
    collateral,
    docs,
    downloads,
    funnel,
    imports,
    imports_upload,
    kpis,
    leaderboard,
    overview,
    quality,
    speed,
    targets,
    users,
)
from pantau.web.plotly_assets import plotly_css, plotly_js_gzip, plotly_js_path
from pantau.web.schemas import ERRORS
from pantau.web.security import SecurityHeaders
from pantau.web.timing import ServerTiming

PAGE_ROUTERS = (
    auth,
    overview,
    kpis,
    leaderboard,
    funnel,
    speed,
    cohorts,
    collateral,
    quality,
    imports,
    imports_upload,
    targets,
    downloads,
    users,
    docs,
)
STATIC_MAX_AGE = 86400


def create_app(store: Store, *, config: WebConfig | None = None) -> FastAPI:
    """The web app for ``store`` (settings from the environment unless ``config`` is given)."""
    config = config or WebConfig.from_env()
    app = FastAPI(
        title="Pantau API",
        version=__version__,
        description="Sales KPIs for your scope. Authenticate with `Authorization: Bearer TOKEN`"
        " (`pantau users token EMAIL`) or a browser session.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = WebContext(store, config)
    errors.install(app)
    _static(app)
    app.include_router(api_router)
    for module in PAGE_ROUTERS:
        app.include_router(module.router, tags=["pages (JSON twins)"], responses=ERRORS)
    app.add_middleware(SecurityHeaders, https=config.https)
    app.add_middleware(ServerTiming)  # outermost: the whole time the app took
    return app


def _static(app: FastAPI) -> None:
    cache = {"Cache-Control": f"public, max-age={STATIC_MAX_AGE}"}

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request) -> Response:
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return FileResponse(plotly_js_path(), media_type="text/javascript", headers=cache)
        body, etag = plotly_js_gzip()
        headers = {**cache, "ETag": etag, "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        headers["Content-Encoding"] = "gzip"
        return Response(body, media_type="text/javascript", headers=headers)

    @app.get("/static/plotly.css", include_in_schema=False)
    def plotly_stylesheet() -> Response:
        return Response(plotly_css(), media_type="text/css", headers=cache)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    app.mount("/static", StaticFiles(packages=[("pantau.web", "static")]), name="static")
