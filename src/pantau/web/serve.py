"""What ``pantau serve`` does besides building the app: demo accounts, the server, ``--get``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pantau import auth
from pantau.auth.passwords import generate_password
from pantau.errors import UsageError
from pantau.store import Store
from pantau.web.app import create_app
from pantau.web.config import WebConfig

DEMO_DOMAIN = "demo.pantau.id"


@dataclass(frozen=True)
class DemoAccount:
    """A demo login to print: e-mail, role, what it sees, and its (new) password."""

    email: str
    role: str
    sees: str
    password: str


def _demo_picks(store: Store, scale: float) -> list[tuple[str, str, str | None, str | None]]:
    """(username, role, team, rep_id): an admin, a demo rep and the manager of their team."""
    from pantau.demo import demo_logins

    reps = auth.rep_directory(store)
    if not reps:
        raise UsageError("the store has no reps, so there is no one to make demo accounts for")
    admin: tuple[str, str, str | None, str | None] = ("admin", "admin", None, None)
    logins = demo_logins(scale=scale)
    for rep in (lg for lg in logins if lg.role == "rep" and lg.rep_id in reps):
        team = reps[rep.rep_id or ""]
        manager = next((lg for lg in logins if lg.role == "manager" and lg.team == team), None)
        if manager is not None:
            return [
                admin,
                (manager.username, "manager", team, None),
                (rep.username, "rep", None, rep.rep_id),
            ]
    # not the demo's reps (another store): its biggest team and that team's first rep
    team = Counter(t for t in reps.values() if t).most_common(1)[0][0]
    rep_id = min(r for r, t in reps.items() if t == team)
    return [admin, ("manager", "manager", team, None), ("rep", "rep", None, rep_id)]


def ensure_demo(store: Store, *, scale: float = 1.0) -> list[DemoAccount]:
    """Load the demo company into an empty store, then (re)create the three demo accounts.

    Every call gives the accounts new random passwords, which are returned to be printed.
    """
    from pantau.demo import load, store_has_records

    if not store_has_records(store):
        load(store, scale=scale)
    existing = {u.email for u in auth.list_users(store)}
    accounts = []
    for username, role, team, rep_id in _demo_picks(store, scale):
        email = f"{username}@{DEMO_DOMAIN}"
        password = generate_password(12)
        if email in existing:
            auth.set_password(store, email, password)
        else:
            teams = (team,) if team else ()
            auth.add_user(store, email, role=role, password=password, rep_id=rep_id, teams=teams)
        sees = team or rep_id or "everything"
        accounts.append(DemoAccount(email, role, sees, password))
    return accounts


def run(
    store: Store, *, host: str, port: int, config: WebConfig, workers: int = 1, target: str = ""
) -> None:
    """Serve the app with Uvicorn until interrupted.

    ``workers`` > 1: that many processes (Uvicorn's supervisor), each opening the store named by
    ``target`` (what ``--db`` / ``PANTAU_DB`` said) with its own caches. One process serves
    requests on one core at a time (Python's GIL); a second worker uses a second core.
    """
    import os

    import uvicorn

    if workers <= 1:
        app = create_app(store, config=config)
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        return
    os.environ["PANTAU_DB"] = target or str(store.path)
    os.environ["PANTAU_HTTPS"] = "1" if config.https else ""
    uvicorn.run(
        "pantau.web.asgi:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        server_header=False,
    )


def smoke_get(store: Store, path: str, *, email: str | None = None) -> tuple[int, str]:
    """``GET path`` in-process as ``email`` (default: the first admin); (status, body)."""
    from fastapi.testclient import TestClient

    from pantau.web.deps import current_user

    app = create_app(store)
    user = auth.get_user(store, email) if email else _first_admin(store)
    if user is not None:
        app.dependency_overrides[current_user] = lambda: user
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        response = client.get(path)
    return response.status_code, response.text


def _first_admin(store: Store) -> auth.User | None:
    return next((u for u in auth.list_users(store) if u.is_admin), None)
