"""Real-browser tests: Playwright driving the system Chromium against a live server.

Screenshots go to ``test-artifacts/`` (git-ignored). Run only these with ``-m browser``;
they need ``/usr/bin/chromium`` (``apt-get install chromium``), never ``playwright install``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from pantau.web.format import kpi_value

from .conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PERIOD = "2025-06"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """``app`` served by Uvicorn on a free local port (in a thread) for the ``with`` block."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def launch_chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail("browser tests need /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def base_url(app: FastAPI) -> Iterator[str]:
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launch_chromium() as b:
        yield b


class Tab:
    """A page plus what it saw: requests to other hosts and script errors."""

    def __init__(self, browser: object, base: str, **context: object) -> None:
        self.base = base
        self.context = browser.new_context(**context)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _request(self, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if not url.startswith(self.base) and not url.startswith("data:"):
            self.foreign.append(url)

    def login(self, email: str) -> None:
        self.page.goto(self.base + "/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form.stack button[type=submit]")
        self.page.wait_for_url(self.base + "/")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert self.foreign == [], f"requests left the site: {self.foreign}"
        assert self.errors == [], f"script errors: {self.errors}"
        self.context.close()


def _cards(tab: Tab) -> dict[str, str]:
    return tab.page.eval_on_selector_all(
        "article.card",
        "els => Object.fromEntries(els.map(e => "
        "[e.dataset.kpi, e.querySelector('.value .num').textContent.trim()]))",
    )


def test_overview_shows_the_api_numbers(browser: object, base_url: str, cast: Cast) -> None:
    tab = Tab(browser, base_url, viewport={"width": 1280, "height": 900})
    tab.login(cast.emails["manager"])
    tab.page.goto(f"{base_url}/?period={PERIOD}")
    shown = _cards(tab)
    api = tab.page.request.get(f"{base_url}/api/v1/kpis?from={PERIOD}&to={PERIOD}").json()
    catalogue = tab.page.request.get(f"{base_url}/api/v1/kpis/catalogue").json()
    row = api["rows"][0]
    assert len(shown) == len(catalogue) > 10
    for kpi in catalogue:
        assert shown[kpi["id"]] == kpi_value(row[kpi["id"]], kpi["unit"], "id"), kpi["id"]
    tab.shot("overview-manager-id")
    tab.close()


def test_language_switch_and_kpi_detail(browser: object, base_url: str, cast: Cast) -> None:
    tab = Tab(browser, base_url, viewport={"width": 1280, "height": 900})
    tab.login(cast.emails["admin"])
    tab.page.goto(f"{base_url}/?period={PERIOD}")
    assert tab.page.locator("html").get_attribute("lang") == "id"
    assert tab.page.locator("h1").first.text_content().startswith("Ringkasan")
    tab.page.click("a[data-lang=en]")
    tab.page.wait_for_load_state("load")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.page.locator("h1").first.text_content().startswith("Overview")
    volume = tab.page.locator("article[data-kpi=sales_volume] .value .num")
    assert volume.text_content().endswith(("B", "M", "K"))  # compact English: Rp1.2B
    assert volume.get_attribute("title").startswith("Rp") and "," in volume.get_attribute("title")
    tab.page.click("article[data-kpi=win_rate] h3 a")
    tab.page.wait_for_selector("#trend[data-drawn=true]", timeout=20000)
    assert tab.page.locator("table.data tbody tr").count() > 1
    assert tab.page.locator("html").get_attribute("lang") == "en"  # the cookie keeps English
    tab.shot("kpi-detail-admin-en")
    tab.close()


def test_rep_sees_own_rows_only(browser: object, base_url: str, cast: Cast) -> None:
    tab = Tab(browser, base_url, viewport={"width": 1280, "height": 900})
    tab.login(cast.emails["rep"])
    tab.page.goto(f"{base_url}/leaderboard?period={PERIOD}")
    assert tab.page.locator("table.leaderboard tbody tr").count() == 1
    response = tab.page.goto(f"{base_url}/leaderboard?rep={cast.teammate}")
    assert response is not None and response.status == 403
    tab.close()


def test_phone_width(browser: object, base_url: str, cast: Cast) -> None:
    tab = Tab(
        browser,
        base_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    tab.login(cast.emails["rep"])
    for path, name in ((f"/?period={PERIOD}", "overview"), ("/funnel", "funnel")):
        tab.page.goto(base_url + path)
        tab.page.wait_for_load_state("networkidle")
        overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is wider than the phone"
        tab.shot(f"phone-{name}-rep")
    widths = tab.page.eval_on_selector_all("article.card", "els => els.map(e => e.offsetWidth)")
    assert widths == [] or min(widths) > 300  # one card per row
    tab.close()


def test_charts_draw_under_the_csp(browser: object, base_url: str, cast: Cast) -> None:
    tab = Tab(browser, base_url, viewport={"width": 1280, "height": 900})
    tab.login(cast.emails["admin"])
    for path, chart in (("/funnel", "#funnel"), ("/cohorts", "#cohorts"), ("/speed", "#speed")):
        tab.page.goto(f"{base_url}{path}?period={PERIOD}")
        tab.page.wait_for_selector(f"{chart}[data-drawn=true]", timeout=20000)
        tab.shot(f"chart-{path.strip('/')}")
    tab.close()
