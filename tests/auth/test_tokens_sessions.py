from __future__ import annotations

from datetime import timedelta

import pytest

from pantau import auth
from pantau.auth.tokens import digest
from pantau.store import Store


@pytest.fixture
def user(store: Store) -> auth.User:
    return auth.add_user(store, "r@example.com", role="rep", password="password1", rep_id="R1")


def test_token_is_stored_hashed_and_revocable(store: Store, user: auth.User) -> None:
    record, secret = auth.create_token(store, user.email, name="sheet")
    with store.read() as con:
        stored = con.execute("SELECT token_hash FROM api_tokens").fetchone()
    assert stored == (digest(secret),)
    assert auth.user_for_token(store, secret) == user
    auth.revoke_token(store, record.token_id)
    assert auth.user_for_token(store, secret) is None
    assert auth.list_tokens(store, user.email)[0].revoked_at is not None


def test_unknown_tokens_find_nobody(store: Store, user: auth.User) -> None:
    assert auth.user_for_token(store, "pantau_nope") is None
    assert auth.user_for_token(store, "something else") is None


def test_session_expires_and_ends(store: Store, user: auth.User) -> None:
    cookie, session = auth.start_session(store, user)
    loaded = auth.load_session(store, cookie)
    assert loaded is not None and loaded.user == user
    assert loaded.csrf_token == session.csrf_token
    auth.end_session(store, cookie)
    assert auth.load_session(store, cookie) is None
    old, _ = auth.start_session(store, user, ttl=timedelta(seconds=-1))
    assert auth.load_session(store, old) is None


def test_removing_a_user_removes_tokens_and_sessions(store: Store, user: auth.User) -> None:
    auth.add_user(store, "a@example.com", role="admin", password="password1")
    _, secret = auth.create_token(store, user.email)
    cookie, _ = auth.start_session(store, user)
    auth.remove_user(store, user.email)
    assert auth.user_for_token(store, secret) is None
    assert auth.load_session(store, cookie) is None
