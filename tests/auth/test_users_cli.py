from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pantau import auth
from pantau.cli.main import app
from pantau.store import Store

runner = CliRunner()


def run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_add_list_passwd_remove(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    code, out, _ = run(
        db, "users", "add", "boss@x.id", "--role", "admin", "--password-stdin", stdin="password-1\n"
    )
    assert code == 0, out
    code, out, _ = run(
        db,
        "users",
        "add",
        "m@x.id",
        "--role",
        "manager",
        "--team",
        "Jawa",
        "--team",
        "Bali",
        "--password-stdin",
        stdin="password-2\n",
    )
    assert code == 0
    code, out, _ = run(db, "users", "list")
    assert "boss@x.id\tadmin\teverything" in out
    assert "m@x.id\tmanager\tJawa, Bali" in out
    code, out, _ = run(db, "users", "passwd", "m@x.id", "--password-stdin", stdin="password-3\n")
    assert code == 0
    assert auth.authenticate(Store(db), "m@x.id", "password-3", ip="t")
    code, out, _ = run(db, "users", "remove", "m@x.id")
    assert code == 0
    assert [u.email for u in auth.list_users(Store(db))] == ["boss@x.id"]


def test_non_interactive_add_generates_a_password(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    code, out, _ = run(db, "users", "add", "r@x.id", "--role", "rep", "--rep-id", "R1")
    assert code == 0
    password = out.split("password: ")[1].strip()
    assert auth.authenticate(Store(db), "r@x.id", password, ip="t").rep_id == "R1"


def test_token_printed_once_and_revoked(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    run(db, "users", "add", "r@x.id", "--role", "rep", "--rep-id", "R1")
    code, out, err = run(db, "users", "token", "r@x.id", "--name", "sheet")
    assert code == 0
    secret = out.strip()
    assert secret.startswith("pantau_") and "token id 1" in err
    assert auth.user_for_token(Store(db), secret) is not None
    code, out, _ = run(db, "users", "tokens", "list")
    assert out.startswith("1\tr@x.id\tsheet\t") and "active" in out
    code, out, _ = run(db, "users", "tokens", "revoke", "1")
    assert code == 0
    assert auth.user_for_token(Store(db), secret) is None


def test_errors_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    result = runner.invoke(
        app,
        ["--db", str(db), "users", "add", "x@x.id", "--role", "boss", "--password-stdin"],
        input="password-1\n",
    )
    assert result.exit_code != 0
    assert "unknown role" in str(result.exception)
