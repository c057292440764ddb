"""``/api/docs``: the REST API described from its OpenAPI document, as a plain local page.

Swagger UI would need a CDN and inline script (both refused by Pantau's CSP), so this page is
rendered on the server from ``app.openapi()``; the raw document is at ``/api/openapi.json``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pantau.web.deps import Lang, SessionDep
from pantau.web.rendering import render

router = APIRouter(include_in_schema=False)


def operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """Every GET operation: path, summary, description and its query parameters."""
    out = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p.get("in"),
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                    "schema": _schema_text(p.get("schema", {})),
                }
                for p in op.get("parameters", [])
            ]
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "parameters": params,
                }
            )
    return out


def _schema_text(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_schema_text(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"{_schema_text(schema.get('items', {}))}, repeatable"
    text = str(schema.get("type", ""))
    if "pattern" in schema:
        text += f" ({schema['pattern']})"
    return text


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, lang: Lang, session: SessionDep) -> HTMLResponse:
    spec = request.app.openapi()
    return render(
        request,
        "api_docs.html",
        {"title": "API", "ops": operations(spec), "version": spec["info"]["version"]},
        lang=lang,
        user=session.user if session else None,
        csrf_token=session.csrf_token if session else None,
    )
