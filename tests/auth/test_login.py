from __future__ import annotations

import pytest

from pantau import auth
from pantau.auth import throttle
from pantau.store import Store


@pytest.fixture
def store_with_user(store: Store) -> Store:
    auth.add_user(store, "a@example.com", role="admin", password="password1")
    return store


def test_wrong_password_and_unknown_account_look_alike(store_with_user: Store) -> None:
    with pytest.raises(auth.BadCredentials) as wrong:
        auth.authenticate(store_with_user, "a@example.com", "nope-nope", ip="1.1.1.1")
    with pytest.raises(auth.BadCredentials) as unknown:
        auth.authenticate(store_with_user, "b@example.com", "nope-nope", ip="1.1.1.1")
    assert str(wrong.value) == str(unknown.value)


def test_throttled_per_account_and_address(store_with_user: Store) -> None:
    for _ in range(throttle.MAX_FAILURES):
        with pytest.raises(auth.BadCredentials):
            auth.authenticate(store_with_user, "a@example.com", "wrong-pass", ip="1.1.1.1")
    # locked out, even with the right password
    with pytest.raises(auth.TooManyAttempts):
        auth.authenticate(store_with_user, "a@example.com", "password1", ip="1.1.1.1")
    # another address is not affected
    assert auth.authenticate(store_with_user, "a@example.com", "password1", ip="2.2.2.2")
    with store_with_user.read() as con:
        row = con.execute("SELECT count(*) FROM login_attempts").fetchone()
    assert row is not None and row[0] == throttle.MAX_FAILURES + 1


def test_success_resets_the_count(store_with_user: Store) -> None:
    for _ in range(throttle.MAX_FAILURES - 1):
        with pytest.raises(auth.BadCredentials):
            auth.authenticate(store_with_user, "a@example.com", "wrong-pass", ip="1.1.1.1")
    auth.authenticate(store_with_user, "a@example.com", "password1", ip="1.1.1.1")
    with pytest.raises(auth.BadCredentials):
        auth.authenticate(store_with_user, "a@example.com", "wrong-pass", ip="1.1.1.1")
    assert auth.authenticate(store_with_user, "a@example.com", "password1", ip="1.1.1.1")
