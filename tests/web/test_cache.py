"""The in-process caches: warm requests do not open the store; writes are seen at once."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from pantau import auth
from pantau.store import Store, bump_data_version
from pantau.web import WebConfig, create_app
from pantau.web.cache import Cache, StoreWatch


def test_cache_computes_each_key_once_under_concurrency() -> None:
    cache = Cache(maxsize=2)
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    threads = [threading.Thread(target=cache.get, args=("k", slow)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    assert cache.get("k", lambda: 0) == 0  # evicted (LRU of 2)
    assert cache.get("n", lambda: None, keep=lambda v: v is not None) is None
    assert cache.get("n", lambda: 5) == 5


def test_store_watch_sees_writes_from_elsewhere(store: Store) -> None:
    watch = StoreWatch(store, max_age_s=3600)
    before = watch.versions()
    assert watch.versions() == before
    other = Store(store.path)  # as another process would
    with other.write() as con:
        bump_data_version(con)
    assert watch.versions().data == before.data + 1


def test_warm_requests_do_not_open_the_store(
    store_copy: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(store_copy, config=WebConfig(version_max_age_s=3600))
    _, token = auth.create_token(store_copy, "admin@test.id")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    params = {"period": "2025-06"}
    assert client.get("/overview.json", params=params).status_code == 200
    opened: list[bool] = []
    real_open = Store._open
    monkeypatch.setattr(
        Store,
        "_open",
        lambda self, read_only: opened.append(read_only) or real_open(self, read_only),
    )
    warm = client.get("/overview.json", params=params)
    assert warm.status_code == 200 and opened == []
    api = client.get("/api/v1/kpis", params={"from": "2025-06", "to": "2025-06", "by": "rep"})
    assert api.status_code == 200 and opened  # a new question: computed
    opened.clear()
    client.get("/api/v1/kpis", params={"from": "2025-06", "to": "2025-06", "by": "rep"})
    assert opened == []


def test_new_data_is_seen_by_the_next_request(store_copy: Store) -> None:
    app = create_app(store_copy, config=WebConfig(version_max_age_s=3600))
    _, token = auth.create_token(store_copy, "admin@test.id")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    params = {"from": "2025-06", "to": "2025-06", "kpi": "leads"}
    before = client.get("/api/v1/kpis", params=params).json()["rows"][0]["leads"]
    with store_copy.write() as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, created_at_local) VALUES "
            "('NEW-1', TIMESTAMP '2025-06-10 03:00:00', TIMESTAMP '2025-06-10 10:00:00')"
        )
        bump_data_version(con)
    after = client.get("/api/v1/kpis", params=params).json()["rows"][0]["leads"]
    assert after == before + 1


def test_revoked_session_is_dropped_from_the_cache(store_copy: Store) -> None:
    from .conftest import login_client

    app = create_app(store_copy, config=WebConfig(version_max_age_s=3600))
    client = login_client(app, "rep@test.id")
    assert client.get("/api/v1/me").status_code == 200
    auth.set_password(store_copy, "rep@test.id", "another-password")  # ends every session
    assert client.get("/api/v1/me").status_code == 401


def test_aged_version_is_read_by_one_thread_while_the_others_answer(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = StoreWatch(store, max_age_s=0.0)  # every call finds the reading aged
    watch.versions()  # the first use of a new store creates its tables: the file changes
    first = watch.versions()
    reads: list[int] = []
    gate = threading.Event()
    real_read = Store.read

    def slow_read(self: Store):  # type: ignore[no-untyped-def]
        reads.append(1)
        gate.wait(5)
        return real_read(self)

    monkeypatch.setattr(Store, "read", slow_read)
    answers: list[object] = []
    reader = threading.Thread(target=lambda: answers.append(watch.versions()))
    reader.start()
    time.sleep(0.1)  # the reader is inside the store read now
    # the files did not change: the other callers answer at once with the last reading
    others = [watch.versions() for _ in range(5)]
    assert reads == [1] and others == [first] * 5
    gate.set()
    reader.join()
    assert answers == [first]


def test_a_changed_file_is_never_answered_from_the_old_reading(store: Store) -> None:
    watch = StoreWatch(store, max_age_s=3600)
    before = watch.versions()
    with Store(store.path).write() as con:
        bump_data_version(con)
    threads_saw: list[int] = []
    threads = [
        threading.Thread(target=lambda: threads_saw.append(watch.versions().data)) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert threads_saw == [before.data + 1] * 6


def test_rendered_pages_are_kept_per_user_and_data_version(
    store_copy: Store, cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pantau.web import rendering

    app = create_app(store_copy, config=WebConfig(version_max_age_s=3600))
    clients = {
        role: TestClient(app, headers={"Authorization": f"Bearer {token}"})
        for role, token in cast.tokens.items()
    }
    renders: list[str] = []
    real = rendering._env.get_template

    def counting(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "overview.html":  # (base.html and macros are fetched by the template)
            renders.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(rendering._env, "get_template", counting)
    params = {"period": "2025-06"}
    admin = clients["admin"].get("/", params=params)
    assert admin.status_code == 200 and renders == ["overview.html"]
    assert clients["admin"].get("/", params=params).text == admin.text
    assert renders == ["overview.html"]  # the second came from the cache
    rep = clients["rep"].get("/", params=params)
    assert rep.status_code == 200 and len(renders) == 2  # another user: their own page
    assert rep.text != admin.text
    english = clients["admin"].get("/", params={**params, "lang": "en"})
    assert len(renders) == 3 and english.text != admin.text
    with store_copy.write() as con:  # new data: the page is rendered again
        con.execute(
            "INSERT INTO leads (lead_id, created_at, created_at_local) VALUES "
            "('NEW-1', TIMESTAMP '2025-06-10 03:00:00', TIMESTAMP '2025-06-10 10:00:00')"
        )
        bump_data_version(con)
    again = clients["admin"].get("/", params=params)
    assert len(renders) == 4 and again.text != admin.text


def test_every_response_says_how_long_the_app_took(clients) -> None:
    response = clients["admin"].get("/api/v1/kpis", params={"kpi": "leads"})
    timing = response.headers["server-timing"]
    assert timing.startswith("app;dur=") and float(timing.split("=", 1)[1]) >= 0
    assert "server-timing" in clients["anon"].get("/login").headers


def test_cached_api_answers_keep_every_scope_check(clients) -> None:
    params = {"from": "2025-06", "to": "2025-06", "by": "team"}
    first = clients["admin"].get("/api/v1/kpis", params=params)
    again = clients["admin"].get("/api/v1/kpis", params=params)
    assert first.status_code == 200 and again.content == first.content
    assert first.headers["content-type"] == "application/json"
    for _ in range(2):  # the same question from a rep: refused every time, cached or not
        assert clients["rep"].get("/api/v1/kpis", params=params).status_code == 403
    unknown = clients["admin"].get("/api/v1/kpis", params={**params, "kpi": "nope"})
    assert unknown.status_code in (400, 404, 422)
