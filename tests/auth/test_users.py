from __future__ import annotations

import pytest

from pantau import auth
from pantau.auth.passwords import hash_password, verify_password
from pantau.errors import UsageError
from pantau.store import Store


def test_password_hash_is_argon2id(store: Store) -> None:
    auth.add_user(store, "Ani@Example.com", role="admin", password="rahasia-123")
    with store.read() as con:
        row = con.execute("SELECT email, password_hash FROM users").fetchone()
    assert row is not None
    assert row[0] == "ani@example.com"
    assert row[1].startswith("$argon2id$")
    assert "rahasia" not in row[1]


def test_verify_password_rejects_wrong_and_corrupt() -> None:
    stored = hash_password("benar-sekali")
    assert verify_password("benar-sekali", stored)
    assert not verify_password("salah-sekali", stored)
    assert not verify_password("benar-sekali", "not-a-hash")


@pytest.mark.parametrize(
    ("role", "kwargs", "message"),
    [
        ("boss", {}, "unknown role"),
        ("rep", {}, "needs --rep-id"),
        ("manager", {}, "at least one --team"),
        ("admin", {"rep_id": "R1"}, "only for rep"),
        ("rep", {"rep_id": "R1", "teams": ("Jawa",)}, "only for manager"),
    ],
)
def test_role_needs(store: Store, role: str, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        auth.add_user(store, "x@example.com", role=role, password="password1", **kwargs)


def test_short_password_and_duplicate_email_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="at least 8"):
        auth.add_user(store, "a@example.com", role="admin", password="short")
    auth.add_user(store, "a@example.com", role="admin", password="long enough")
    with pytest.raises(UsageError, match="already an account"):
        auth.add_user(store, "A@example.com", role="admin", password="long enough")


def test_last_admin_cannot_be_removed(store: Store) -> None:
    auth.add_user(store, "a@example.com", role="admin", password="password1")
    with pytest.raises(UsageError, match="last admin"):
        auth.remove_user(store, "a@example.com")
    auth.add_user(store, "b@example.com", role="admin", password="password1")
    auth.remove_user(store, "a@example.com")
    assert [u.email for u in auth.list_users(store)] == ["b@example.com"]


def test_setup_creates_only_the_first_admin(store: Store) -> None:
    assert not auth.has_admin(store)
    auth.add_user(store, "a@example.com", role="admin", password="password1", only_if_no_admin=True)
    assert auth.has_admin(store)
    with pytest.raises(UsageError, match="exists already"):
        auth.add_user(
            store, "b@example.com", role="admin", password="password1", only_if_no_admin=True
        )


def test_password_change_ends_sessions(store: Store) -> None:
    user = auth.add_user(store, "m@example.com", role="manager", password="password1", teams=("A",))
    cookie, _ = auth.start_session(store, user)
    assert auth.load_session(store, cookie) is not None
    auth.set_password(store, "m@example.com", "password2")
    assert auth.load_session(store, cookie) is None
    assert auth.authenticate(store, "m@example.com", "password2", ip="1.2.3.4") == user


def test_a_version_1_store_gains_the_account_tables(tmp_path) -> None:
    import duckdb

    from pantau.store.schema import _create_v1

    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    _create_v1(con)
    con.execute("INSERT INTO pantau_meta VALUES ('schema_version', '1'), ('data_version', '7')")
    con.close()
    store = Store(path)
    assert not auth.has_admin(store)
    auth.add_user(store, "a@example.com", role="admin", password="password1")
    assert store.data_version() == 7  # accounts are not data: caches of KPIs stay valid
