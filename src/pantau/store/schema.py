"""The store's schema and its migrations.

The schema is versioned in ``pantau_meta``; opening an older store runs the missing migration
steps, in order, in one transaction. Canonical tables are generated from
:mod:`pantau.model.records`, so a new template column is a new migration step, never a hand edit.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from pantau.model.records import RECORD_TYPES, stored_columns

SCHEMA_VERSION = 3

DEFAULT_SETTINGS: dict[str, str] = {
    "timezone": "Asia/Jakarta",
    "currency": "IDR",
    "language": "id",
    "key_activity_type": "meeting",
    "upload_max_mb": "50",  # the largest file the web import page accepts
}


def ddl_type(sql_type: str) -> str:
    """A column type as both DuckDB and PostgreSQL spell it (PostgreSQL has no ``DOUBLE``)."""
    return "DOUBLE PRECISION" if sql_type == "DOUBLE" else sql_type


def _create_v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS pantau_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for key, value in DEFAULT_SETTINGS.items():
        con.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [key, value])
    for rt in RECORD_TYPES.values():
        cols = ", ".join(f'"{name}" {ddl_type(sqltype)}' for name, sqltype in stored_columns(rt))
        con.execute(f'CREATE TABLE IF NOT EXISTS "{rt.table}" ({cols})')
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS imports (
            import_id BIGINT PRIMARY KEY,
            record_type VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            file_path VARCHAR,
            checksum VARCHAR,
            status VARCHAR NOT NULL,          -- 'ok' or 'rejected'
            rows_read BIGINT,
            inserted BIGINT,
            updated BIGINT,
            rejected BIGINT,
            warnings BIGINT,
            username VARCHAR,
            started_at TIMESTAMP,             -- UTC
            finished_at TIMESTAMP             -- UTC
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS import_issues (
            import_id BIGINT NOT NULL,
            level VARCHAR NOT NULL,           -- 'error' or 'warning'
            kind VARCHAR NOT NULL,
            row_number BIGINT,
            line_number BIGINT,
            column_name VARCHAR,
            value VARCHAR,
            message VARCHAR
        )
        """
    )


def _create_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Accounts for the web app and API (see :mod:`pantau.auth`)."""
    con.execute("CREATE SEQUENCE IF NOT EXISTS user_ids START 1")
    con.execute("CREATE SEQUENCE IF NOT EXISTS api_token_ids START 1")
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS users (
            user_id BIGINT PRIMARY KEY,
            email VARCHAR NOT NULL UNIQUE,    -- lower-case
            role VARCHAR NOT NULL,            -- 'admin', 'manager' or 'rep'
            rep_id VARCHAR,                   -- the rep a 'rep' account sees
            teams VARCHAR[] NOT NULL,         -- the teams a 'manager' account sees
            password_hash VARCHAR NOT NULL,   -- argon2id (pwdlib)
            created_at TIMESTAMP NOT NULL,    -- UTC
            password_changed_at TIMESTAMP     -- UTC
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS api_tokens (
            token_id BIGINT PRIMARY KEY,
            user_id BIGINT NOT NULL,
            name VARCHAR,
            token_hash VARCHAR NOT NULL UNIQUE,  -- sha256 of the token; the token is not kept
            created_at TIMESTAMP NOT NULL,
            revoked_at TIMESTAMP
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS sessions (
            session_hash VARCHAR PRIMARY KEY,    -- sha256 of the cookie value
            user_id BIGINT NOT NULL,
            csrf_token VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS login_attempts (
            email VARCHAR NOT NULL,
            ip VARCHAR NOT NULL,
            attempted_at TIMESTAMP NOT NULL,
            success BOOLEAN NOT NULL
        )
        """
    )
    con.execute("INSERT INTO pantau_meta VALUES ('auth_version', '0') ON CONFLICT (key) DO NOTHING")


def _create_v3(con: duckdb.DuckDBPyConnection) -> None:
    """The web app's target log and remembered import mappings (see :mod:`pantau.web`)."""
    con.execute("CREATE SEQUENCE IF NOT EXISTS target_change_ids START 1")
    number = ddl_type("DOUBLE")
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS target_changes (
            change_id BIGINT PRIMARY KEY,
            kpi VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            scope VARCHAR NOT NULL,           -- 'company', 'team' or 'rep'
            scope_id VARCHAR,
            old_target {number},              -- NULL: there was no target
            new_target {number},              -- NULL: the target was removed
            username VARCHAR NOT NULL,
            changed_at TIMESTAMP NOT NULL,    -- UTC
            reason VARCHAR,
            via VARCHAR NOT NULL              -- 'grid', or the uploaded file and its import
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS import_mappings (
            header_hash VARCHAR PRIMARY KEY,  -- sha256 of the file's normalised header set
            record_type VARCHAR NOT NULL,
            choice VARCHAR NOT NULL,          -- JSON: the preset, or the columns and formats
            saved_by VARCHAR,
            saved_at TIMESTAMP NOT NULL       -- UTC
        )
        """
    )


MIGRATIONS: list[tuple[int, Callable[[duckdb.DuckDBPyConnection], None]]] = [
    (1, _create_v1),
    (2, _create_v2),
    (3, _create_v3),
]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Schema version of the store behind ``con`` (0 for an empty database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'pantau_meta'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT value FROM pantau_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`; return the version found before."""
    found = current_version(con)
    if found >= SCHEMA_VERSION:
        return found
    con.execute("BEGIN TRANSACTION")
    try:
        for version, step in MIGRATIONS:
            if version > found:
                step(con)
        con.execute(
            "INSERT INTO pantau_meta VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
        con.execute(
            "INSERT INTO pantau_meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING"
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return found
