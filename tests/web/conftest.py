"""A demo store with one account per role, the app over it, and per-role clients.

The store is built once per session (small demo company); tests that change it work on a
copy (``store_copy``). Role clients authenticate with API tokens; ``login`` gives a browser-like
client with a session cookie.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pantau import auth
from pantau.store import Store
from pantau.web import WebConfig, create_app

PASSWORD = "rahasia-demo-1"
DEMO_SCALE = 0.1


@dataclass(frozen=True)
class Cast:
    """Who is who in the test store."""

    team: str  # the manager's team
    other_team: str
    rep: str  # the rep account's rep_id (in ``team``)
    teammate: str  # another rep of ``team``
    outsider: str  # a rep of ``other_team``
    tokens: dict[str, str]  # role -> API token

    emails = {
        "admin": "admin@test.id",
        "manager": "manager@test.id",
        "rep": "rep@test.id",
    }


def _pick(store: Store) -> tuple[str, str, str, str, str]:
    reps = auth.rep_directory(store)
    by_team: dict[str, list[str]] = {}
    for rep_id, team in sorted(reps.items()):
        by_team.setdefault(team or "", []).append(rep_id)
    teams = sorted((t for t in by_team if t), key=lambda t: (-len(by_team[t]), t))
    team, other = teams[0], teams[1]
    assert len(by_team[team]) >= 2, "the demo needs a team with two reps"
    return team, other, by_team[team][0], by_team[team][1], by_team[other][0]


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pantau.demo import load

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load(Store(path), scale=DEMO_SCALE)
    return path


@pytest.fixture(scope="session")
def cast(demo_path: Path) -> Cast:
    store = Store(demo_path)
    team, other, rep, teammate, outsider = _pick(store)
    auth.add_user(store, Cast.emails["admin"], role="admin", password=PASSWORD)
    auth.add_user(store, Cast.emails["manager"], role="manager", password=PASSWORD, teams=(team,))
    auth.add_user(store, Cast.emails["rep"], role="rep", password=PASSWORD, rep_id=rep)
    tokens = {role: auth.create_token(store, email)[1] for role, email in Cast.emails.items()}
    return Cast(team, other, rep, teammate, outsider, tokens)


@pytest.fixture(scope="session")
def demo_store(demo_path: Path, cast: Cast) -> Store:
    return Store(demo_path)


@pytest.fixture(scope="session")
def app(demo_store: Store) -> FastAPI:
    return create_app(demo_store, config=WebConfig())


@pytest.fixture(scope="session")
def clients(app: FastAPI, cast: Cast) -> Iterator[dict[str, TestClient]]:
    """``clients[role]``: a client sending that role's API token; ``clients["anon"]``: none."""
    out = {}
    for role, token in cast.tokens.items():
        out[role] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    out["anon"] = TestClient(app)
    yield out
    for client in out.values():
        client.close()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def login_client(app: FastAPI, email: str, password: str = PASSWORD) -> TestClient:
    """A browser-like client logged in through the login form."""
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def login(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    made: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = login_client(app, Cast.emails[role])
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def store_copy(demo_path: Path, cast: Cast, tmp_path: Path) -> Store:
    """A private copy of the demo store (with its accounts) for tests that write."""
    target = tmp_path / "copy.duckdb"
    shutil.copy(demo_path, target)
    return Store(target)


Site = Callable[[str], TestClient]


@pytest.fixture
def site(store_copy: Store) -> Iterator[Site]:
    """``site(role)``: a logged-in browser on an app over a private copy of the demo store."""
    app = create_app(store_copy, config=WebConfig())
    made: list[TestClient] = []

    def login(role: str) -> TestClient:
        made.append(login_client(app, Cast.emails[role]))
        return made[-1]

    yield login
    for client in made:
        client.close()
