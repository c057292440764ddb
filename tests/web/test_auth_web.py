"""Login, logout, first-admin setup, CSRF and throttling through the browser routes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from pantau import auth
from pantau.auth import throttle
from pantau.store import Store
from pantau.web import WebConfig, create_app
from pantau.web.security import CSRF_COOKIE, SESSION_COOKIE

from .conftest import PASSWORD, Cast, csrf_of, login_client


def test_pages_redirect_to_login_and_back(app, cast: Cast) -> None:
    client = TestClient(app, follow_redirects=False)
    response = client.get("/leaderboard?grain=quarter")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fleaderboard%3Fgrain%3Dquarter"
    page = client.get(response.headers["location"])
    form = {
        "email": cast.emails["manager"],
        "password": PASSWORD,
        "csrf_token": csrf_of(page.text),
        "next": "/leaderboard?grain=quarter",
    }
    done = client.post("/login", data=form)
    assert done.status_code == 303 and done.headers["location"] == "/leaderboard?grain=quarter"
    assert client.get("/leaderboard?grain=quarter").status_code == 200


def test_session_cookie_flags(app, cast: Cast) -> None:
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    form = {"email": cast.emails["rep"], "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    cookie = client.post("/login", data=form).headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_secure_cookies_when_https(store_copy: Store, cast: Cast) -> None:
    app = create_app(store_copy, config=WebConfig(https=True))
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    page = client.get("/login")
    assert "Secure" in page.headers["set-cookie"]
    assert page.headers["strict-transport-security"].startswith("max-age=")
    form = {"email": cast.emails["rep"], "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    assert "Secure" in client.post("/login", data=form).headers["set-cookie"]


def test_login_without_csrf_token_is_refused(app, cast: Cast) -> None:
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    form = {"email": cast.emails["rep"], "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 403
    form["csrf_token"] = "forged"
    assert client.post("/login", data=form).status_code == 403


def test_login_from_another_site_is_refused(app, cast: Cast) -> None:
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    form = {"email": cast.emails["rep"], "password": PASSWORD, "csrf_token": token}
    evil = client.post("/login", data=form, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403


def test_logout_needs_the_session_token(login: Callable[[str], TestClient]) -> None:
    client = login("rep")
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    assert client.get("/").status_code == 200
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303  # back to the login page
    assert client.get("/overview.json").status_code == 401


def test_users_form_needs_csrf(login: Callable[[str], TestClient]) -> None:
    client = login("admin")
    form = {"email": "new@test.id", "role": "admin", "password": "password-9"}
    assert client.post("/users", data=form).status_code == 403
    assert "new@test.id" not in client.get("/users").text


def test_admin_adds_and_removes_an_account(store_copy: Store) -> None:
    app = create_app(store_copy, config=WebConfig())
    client = login_client(app, Cast.emails["admin"])
    token = csrf_of(client.get("/users").text)
    form = {
        "email": "baru@test.id",
        "role": "manager",
        "teams": "A, B",
        "password": "password-9",
        "csrf_token": token,
    }
    added = client.post("/users", data=form)
    assert added.status_code == 200 and "baru@test.id" in added.text
    assert auth.get_user(store_copy, "baru@test.id").teams == ("A", "B")
    gone = client.post("/users/remove", data={"email": "baru@test.id", "csrf_token": token})
    assert gone.status_code == 303
    assert "baru@test.id" not in [u.email for u in auth.list_users(store_copy)]


def test_only_admins_manage_users(clients: dict[str, TestClient]) -> None:
    assert clients["manager"].get("/users.json").status_code == 403
    assert clients["admin"].get("/users.json").json()["users"]


def test_throttling_through_the_login_form(store_copy: Store, cast: Cast) -> None:
    app = create_app(store_copy, config=WebConfig())
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    form = {"email": cast.emails["rep"], "password": "wrong-password", "csrf_token": token}
    for _ in range(throttle.MAX_FAILURES):
        assert client.post("/login", data=form).status_code == 401
    form["password"] = PASSWORD
    locked = client.post("/login", data=form)
    assert locked.status_code == 429
    assert "Coba lagi dalam 15 mnt" in locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    with store_copy.read() as con:
        row = con.execute("SELECT count(*) FROM login_attempts WHERE NOT success").fetchone()
    assert row == (throttle.MAX_FAILURES,)


def test_setup_page_creates_the_first_admin(tmp_path) -> None:
    store = Store(tmp_path / "empty.duckdb")
    app = create_app(store, config=WebConfig())
    client = TestClient(app, follow_redirects=False)
    assert client.get("/login").headers["location"] == "/setup"
    page = client.get("/setup")
    assert page.status_code == 200 and CSRF_COOKIE in page.headers["set-cookie"]
    form = {"email": "boss@x.id", "password": "password-1", "password2": "password-2"}
    form["csrf_token"] = csrf_of(page.text)
    assert client.post("/setup", data=form).status_code == 400
    form["password2"] = "password-1"
    assert client.post("/setup", data=form).status_code == 303
    assert auth.has_admin(store)
    assert client.get("/overview.json").status_code == 200  # logged in straight away
    other = TestClient(app, follow_redirects=False)
    assert other.get("/setup").headers["location"] == "/login"
    form["email"] = "intruder@x.id"
    form["csrf_token"] = csrf_of(other.get("/login").text)
    assert other.post("/setup", data=form).status_code == 400
    assert [u.email for u in auth.list_users(store)] == ["boss@x.id"]


def test_open_redirect_is_not_followed(app, cast: Cast) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client = TestClient(app, follow_redirects=False)
        token = csrf_of(client.get("/login").text)
        form = {"email": cast.emails["rep"], "password": PASSWORD, "csrf_token": token}
        response = client.post("/login", data={**form, "next": target})
        assert response.headers["location"] == "/"
