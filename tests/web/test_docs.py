"""docs/web.md keeps up: every page, API endpoint, command and option is mentioned there."""

from __future__ import annotations

from pathlib import Path

import typer
from fastapi import FastAPI

from pantau import auth
from pantau.cli.main import app as cli
from pantau.web.rendering import nav_for

DOC = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")


def test_every_page_is_documented() -> None:
    admin = auth.User(1, "a@x.id", "admin")
    for item in nav_for(admin):
        assert f"`{item.path}" in DOC, item.path


def test_every_api_endpoint_is_documented(app: FastAPI) -> None:
    for path in app.openapi()["paths"]:
        if path.startswith("/api/v1/"):
            assert f"GET {path}`" in DOC, path


def test_every_command_and_option_is_documented() -> None:
    group = typer.main.get_command(cli)
    with group.make_context("pantau", ["users"], resilient_parsing=True) as ctx:
        serve = group.get_command(ctx, "serve")  # type: ignore[attr-defined]
        users = group.get_command(ctx, "users")  # type: ignore[attr-defined]
        names = users.list_commands(ctx)
    for param in serve.params:
        for opt in param.opts:
            assert opt in DOC, opt
    for name in names:
        assert f"pantau users {name}" in DOC, name
