"""``pantau serve``: demo accounts and the ``--get`` smoke test (the server loop itself is
exercised by the browser tests and ``bench/web.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pantau import auth
from pantau.cli.main import app as cli
from pantau.store import Store
from pantau.web.serve import DEMO_DOMAIN, ensure_demo

from .conftest import Cast

runner = CliRunner()


def test_get_prints_the_answer_as_an_admin(store_copy: Store) -> None:
    result = runner.invoke(cli, ["--db", str(store_copy.path), "serve", "--get", "/api/v1/me"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["role"] == "admin"


def test_get_as_a_rep_fails_outside_their_scope(store_copy: Store, cast: Cast) -> None:
    args = ["--db", str(store_copy.path), "serve", "--get", "/api/v1/imports", "--as"]
    result = runner.invoke(cli, [*args, cast.emails["rep"]])
    assert result.exit_code == 1
    assert "admins and managers" in result.stdout


def test_demo_accounts_on_a_demo_store(store_copy: Store) -> None:
    accounts = ensure_demo(store_copy, scale=0.1)
    assert [a.role for a in accounts] == ["admin", "manager", "rep"]
    reps = auth.rep_directory(store_copy)
    manager, rep = accounts[1], accounts[2]
    assert reps[rep.sees] == manager.sees  # the rep is in the manager's team
    for account in accounts:
        assert account.email.endswith("@" + DEMO_DOMAIN)
        assert auth.authenticate(store_copy, account.email, account.password, ip="t")
    again = ensure_demo(store_copy, scale=0.1)  # new passwords, same accounts
    assert [a.email for a in again] == [a.email for a in accounts]
    assert again[0].password != accounts[0].password


def test_demo_loads_an_empty_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.duckdb")
    accounts = ensure_demo(store, scale=0.05)
    assert len(accounts) == 3
    with store.read() as con:
        row = con.execute("SELECT count(*) FROM opportunities").fetchone()
    assert row is not None and row[0] > 0


def test_serve_with_two_workers_answers(store_copy: Store, cast: Cast) -> None:
    """``--workers 2``: a real Uvicorn supervisor with two processes over the same store."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("pantau")
    cmd = [str(exe), "--db", str(store_copy.path), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/me",
                    headers={"Authorization": f"Bearer {cast.tokens['rep']}"},
                    timeout=5,
                )
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert response.status_code == 200 and response.json()["role"] == "rep"
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) >= 2  # the two workers (Uvicorn may add a helper process)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()
