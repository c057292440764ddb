"""``pantau copy-to``: the target log and import mappings go along, browser sessions do not.

Needs a PostgreSQL server (``PANTAU_TEST_PG``, see scripts/ci-services.sh).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pantau.auth.sessions import load_session, start_session
from pantau.auth.users import add_user, list_users
from pantau.ingest import import_file
from pantau.store import PostgresStore, Store
from pantau.store.transfer import copy_to_postgres

pytestmark = pytest.mark.postgres

TYPES = Path(__file__).parent.parent / "data" / "ingest" / "types"
NOW = datetime(2026, 4, 1, 9, 30)


def rows(store: Store, table: str) -> list[tuple[Any, ...]]:
    with store.read() as con:
        return sorted(con.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def log_target_change(store: Store, kpi: str, new: float) -> None:
    with store.write() as con:
        con.execute(
            "INSERT INTO target_changes VALUES (nextval('target_change_ids'), ?, '2026-04', "
            "'company', NULL, NULL, ?, 'boss@example.com', ?, 'plan', 'grid')",
            [kpi, new, NOW],
        )


def test_copy_to_carries_target_log_and_mappings_and_ends_sessions(
    pg_store: PostgresStore, store: Store
) -> None:
    import_file(store, "reps", TYPES / "reps.csv")
    add_user(store, "boss@example.com", role="admin", password="a long enough secret 1")
    log_target_change(store, "win_rate", 0.4)
    log_target_change(store, "sales_volume", 5e9)
    with store.write() as con:
        con.execute(
            "INSERT INTO import_mappings VALUES ('h1', 'reps', '{\"preset\": \"crm\"}', "
            "'boss@example.com', ?)",
            [NOW],
        )
    start_session(store, list_users(store)[0])  # the source's sessions stay there

    # the target's own account, signed in: after the copy its id is the source's boss
    add_user(pg_store, "old@example.com", role="admin", password="a long enough secret 2")
    cookie, _session = start_session(pg_store, list_users(pg_store)[0])
    assert load_session(pg_store, cookie) is not None

    counts = copy_to_postgres(store, pg_store)
    assert counts["target_changes"] == 2 and counts["import_mappings"] == 1
    for table in ("target_changes", "import_mappings", "users", "api_tokens", "settings"):
        assert rows(pg_store, table) == rows(store, table), table
    assert rows(pg_store, "sessions") == []
    assert load_session(pg_store, cookie) is None  # not the source's boss by another name

    log_target_change(pg_store, "leads", 30)  # the id sequence goes on after the copied ids
    with pg_store.read() as con:
        ids = [r[0] for r in con.execute("SELECT change_id FROM target_changes").fetchall()]
    assert sorted(ids) == [1, 2, 3]
    pg_store.close()
