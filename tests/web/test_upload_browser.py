"""The import page in a real browser: drop a file, correct the mapping, check, confirm.

Runs on a private copy of the demo store (the import writes), with its own live server.
Screenshots: ``test-artifacts/import-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pantau.store import Store
from pantau.web import WebConfig, create_app

from .conftest import Cast
from .test_browser import Tab, launch_chromium, live_server
from .test_upload import OWN_HEADERS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def live_url(store_copy: Store) -> Iterator[str]:
    with live_server(create_app(store_copy, config=WebConfig())) as url:
        yield url


DROP = """([text]) => {
  const file = new File([text], "prospek-oktober.csv", {type: "text/csv"});
  const data = new DataTransfer();
  data.items.add(file);
  const zone = document.querySelector("[data-dropzone]");
  for (const name of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(name, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


def test_drop_correct_check_and_import(chromium: object, live_url: str, store_copy: Store) -> None:
    tab = Tab(chromium, live_url, viewport={"width": 1280, "height": 900})
    tab.login(Cast.emails["admin"])
    tab.page.goto(f"{live_url}/imports/upload?lang=en")
    with tab.page.expect_navigation():
        tab.page.evaluate(DROP, [OWN_HEADERS])
    assert "/imports/upload/" in tab.page.url
    with tab.page.expect_navigation():
        tab.page.select_option("select[name=type]", "leads")  # app.js submits the GET form
    tab.page.select_option("select[name=col_lead_id]", "No Prospek")
    tab.page.select_option("select[name=col_created_at]", "Kapan Masuk")
    tab.shot("import-mapping")
    tab.page.click("text=Check the whole file")
    tab.page.wait_for_selector("#report")
    assert "All 2 rows can be imported" in tab.page.inner_text("#report")
    tab.shot("import-checked")
    tab.page.click("text=Import 2 rows")
    tab.page.wait_for_selector("h1:has-text('Imported')")
    assert "2 rows of leads imported" in tab.page.inner_text("main")
    tab.shot("import-done")
    tab.close()
    with store_copy.read() as con:
        found = con.execute("SELECT count(*) FROM leads WHERE lead_id LIKE 'LM%'").fetchone()
    assert found == (2,)


def test_targets_grid_in_the_browser(chromium: object, live_url: str, store_copy: Store) -> None:
    tab = Tab(chromium, live_url, viewport={"width": 1280, "height": 900})
    tab.login(Cast.emails["manager"])
    tab.page.goto(f"{live_url}/targets?lang=en&from=2031-01")
    cell = tab.page.locator("table.target-grid tbody tr").first.locator("input[type=text]").first
    cell.fill("1.500.000")
    assert "edited" in (cell.get_attribute("class") or "")
    assert tab.page.inner_text("[data-changed-count]").startswith("1")
    tab.page.fill("input[name=reason]", "next month's plan")
    with tab.page.expect_navigation():
        tab.page.click("text=Save changes")
    assert "Targets changed: 1." in tab.page.inner_text("main")
    assert "next month's plan" in tab.page.inner_text("table.changes")
    tab.shot("targets-manager")
    tab.close()
