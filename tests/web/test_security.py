"""Security headers, no external or inline script, generic error pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pantau.store import Store
from pantau.web import WebConfig, create_app

TEMPLATES = resources.files("pantau.web").joinpath("templates")


@pytest.mark.parametrize("path", ["/login", "/api/v1/kpis", "/static/app.css", "/nope"])
def test_security_headers_everywhere(clients: dict[str, TestClient], path: str) -> None:
    headers = clients["anon"].get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_dynamic_pages_are_not_cached_static_files_are(clients: dict[str, TestClient]) -> None:
    assert clients["admin"].get("/overview.json").headers["cache-control"] == "no-store"
    plotly = clients["anon"].get("/static/plotly.min.js")
    assert plotly.status_code == 200 and "max-age" in plotly.headers["cache-control"]
    assert plotly.headers["content-type"].startswith("text/javascript")
    assert b"plotly.js" in plotly.content[:200]
    assert plotly.headers["content-encoding"] == "gzip"
    again = clients["anon"].get(
        "/static/plotly.min.js", headers={"If-None-Match": plotly.headers["etag"]}
    )
    assert again.status_code == 304
    css = clients["anon"].get("/static/plotly.css")
    assert ".js-plotly-plot .plotly .main-svg{" in css.text


def test_templates_have_no_inline_script_style_or_external_url() -> None:
    for template in TEMPLATES.iterdir():
        text = template.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>", text):
            assert 'src="/static/' in script or 'type="application/json"' in script, template.name
        assert not re.search(r"\son[a-z]+=", text), template.name  # no event handler attributes
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"(src|href)=\"(https?:)?//", text), template.name


@pytest.mark.parametrize("role", ["admin", "rep"])
def test_rendered_pages_reference_only_this_site(
    login: Callable[[str], TestClient], role: str
) -> None:
    client = login(role)
    for path in ("/", "/kpis/win_rate", "/funnel", "/cohorts", "/speed", "/api/docs"):
        html = client.get(path).text
        assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", html), path


def test_unknown_page_and_api_path(clients: dict[str, TestClient]) -> None:
    page = clients["anon"].get("/does-not-exist")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = clients["admin"].get("/api/v1/nothing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_unexpected_errors_are_generic(store_copy: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from pantau.web.services import kpis

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(kpis, "compute_kpis", broken)
    app: FastAPI = create_app(store_copy, config=WebConfig())
    from pantau import auth

    _, token = auth.create_token(store_copy, "admin@test.id")
    client = TestClient(
        app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"}
    )
    api = client.get("/api/v1/kpis")
    assert api.status_code == 500 and api.json() == {
        "detail": "internal error (logged on the server)"
    }
    page = client.get("/")
    assert page.status_code == 500
    assert "secret internals" not in page.text and "Traceback" not in page.text


def test_api_docs_are_local(clients: dict[str, TestClient]) -> None:
    docs = clients["anon"].get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/kpis" in docs.text
    assert "swagger" not in docs.text.lower() and "cdn" not in docs.text.lower()
    spec = clients["anon"].get("/api/openapi.json").json()
    assert "/api/v1/kpis" in spec["paths"]
    assert clients["anon"].get("/docs").status_code == 404
    assert clients["anon"].get("/redoc").status_code == 404
