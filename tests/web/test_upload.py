"""The import page: upload, mapping, dry-run report, confirm — the same as ``pantau import``."""

from __future__ import annotations

import asyncio
import html
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pantau.cli.main import app as cli
from pantau.ingest import import_file
from pantau.model.records import RECORD_TYPES
from pantau.store import Store
from pantau.web.services.uploads import UploadArea, UploadMissing

from .conftest import Cast, Site, csrf_of
from .formdata import form_fields

LEADS = (
    "lead_id,created_at,source,rep_id,status\n"
    "LD0000001,2024-11-03 23:27:40,WhatsApp,R002,qualified\n"
    "LW0000001,2026-10-05 09:15,Website,R001,open\n"
    "LW0000002,2026-10-06 10:00,Pameran,R999,open\n"
    "LW0000003,2026-10-07,Referral,R003,\n"
)
OWN_HEADERS = (
    "No Prospek,Kapan Masuk,Sumber,Kode Sales,Status\n"
    "LM0000001,2026-10-01 08:00,Website,R001,open\n"
    "LM0000002,2026-10-02 09:30,WhatsApp,R002,qualified\n"
)
PRESETS = Path(__file__).parents[1] / "data" / "ingest" / "presets"


def upload(client: TestClient, name: str, body: bytes | str, lang: str = "id") -> Any:
    token = csrf_of(client.get("/imports/upload").text)
    data = body.encode("utf-8") if isinstance(body, str) else body
    return client.post(
        f"/imports/upload?lang={lang}",
        data={"csrf_token": token},
        files={"file": (name, data, "text/plain")},
    )


def uploaded(client: TestClient, name: str, body: bytes | str) -> str:
    """Upload a file; the path of its mapping page."""
    response = upload(client, name, body)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def check(client: TestClient, page: str, **changes: str) -> Any:
    """Post the mapping form of ``page`` (with ``changes``) to its check step."""
    fields = form_fields(client.get(page).text, f"{page}/check") | changes
    return client.post(f"{page}/check", data=fields)


def confirm(client: TestClient, page: str, checked_html: str) -> Any:
    fields = form_fields(checked_html, f"{page}/check")
    return client.post(f"{page}/confirm", data=fields)


def pantau(store: Store, *args: str | Path) -> Any:
    return CliRunner().invoke(cli, ["--db", str(store.path), *map(str, args)])


def canonical(store: Store) -> dict[str, Any]:
    """Every canonical table, and the import log without who/where/when."""
    out: dict[str, Any] = {}
    with store.read() as con:
        for rt in RECORD_TYPES.values():
            rows = con.execute(f'SELECT * FROM "{rt.table}"').fetchall()
            out[rt.name] = sorted(rows, key=repr)
        out["imports"] = con.execute(
            "SELECT * EXCLUDE (file_path, username, started_at, finished_at) FROM imports "
            "ORDER BY import_id"
        ).fetchall()
        out["import_issues"] = sorted(
            con.execute("SELECT * FROM import_issues").fetchall(), key=repr
        )
    return out


def twin(store: Store, tmp_path: Path) -> Store:
    """A second copy of the same store (for the CLI side of a round trip)."""
    shutil.copy(store.path, tmp_path / "cli.duckdb")
    return Store(tmp_path / "cli.duckdb")


# -- the round trip ----------------------------------------------------------------------------
def test_upload_equals_pantau_import(site: Site, store_copy: Store, tmp_path: Path) -> None:
    cli_store = twin(store_copy, tmp_path)
    admin = site("admin")
    page = uploaded(admin, "leads.csv", LEADS)
    mapping = admin.get(page)
    assert mapping.status_code == 200
    assert 'value="leads" selected' in mapping.text and "LW0000002" in mapping.text
    checked = check(admin, page)
    assert checked.status_code == 200
    assert "Import 4 rows" in checked.text or "Impor 4 baris" in checked.text
    assert "R999" in checked.text  # the unknown rep's warning, before anything is written
    assert canonical(store_copy) == canonical(cli_store)  # the check wrote nothing
    done = confirm(admin, page, checked.text)
    assert done.status_code == 200, done.text
    file = tmp_path / "leads.csv"
    file.write_text(LEADS, encoding="utf-8")
    result = pantau(cli_store, "import", "leads", file)
    assert result.exit_code == 0, result.output
    assert canonical(store_copy) == canonical(cli_store)
    with store_copy.read() as con:
        row = con.execute(
            "SELECT file_name, username FROM imports ORDER BY import_id DESC"
        ).fetchone()
    assert row is not None and row[0] == "leads.csv" and row[1] == Cast.emails["admin"]
    assert admin.get(page).status_code == 400  # the upload is gone


def test_corrected_mapping_is_imported_and_remembered(
    site: Site, store_copy: Store, tmp_path: Path
) -> None:
    admin = site("admin")
    page = uploaded(admin, "prospek.csv", OWN_HEADERS)
    guessed = admin.get(page).text
    assert 'value="reps" selected' in guessed  # "Kode Sales" alone looks like a reps file
    fields = form_fields(admin.get(f"{page}?type=leads").text, f"{page}/check")
    assert fields["type"] == "leads" and fields["col_source"] == "Sumber"
    assert fields["col_lead_id"] == "" and fields["col_created_at"] == ""
    fields |= {"col_lead_id": "No Prospek", "col_created_at": "Kapan Masuk"}
    checked = admin.post(f"{page}/check", data=fields)
    assert checked.status_code == 200 and "/confirm" in checked.text
    toml = html.unescape(re.search(r"<pre>(.*?)</pre>", checked.text, re.S).group(1))
    assert confirm(admin, page, checked.text).status_code == 200
    with store_copy.read() as con:
        leads = con.execute(
            "SELECT lead_id, source, rep_id FROM leads WHERE lead_id LIKE 'LM%' ORDER BY 1"
        ).fetchall()
    assert leads == [("LM0000001", "Website", "R001"), ("LM0000002", "WhatsApp", "R002")]

    second = uploaded(admin, "prospek-november.csv", OWN_HEADERS)
    again = form_fields(admin.get(second).text, f"{second}/check")
    assert again["type"] == "leads" and again["col_lead_id"] == "No Prospek"

    cli_store = twin(store_copy, tmp_path)  # the mapping shown on the page, from the command line
    (tmp_path / "m.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "prospek.csv").write_text(OWN_HEADERS.replace("Website", "Iklan"), encoding="utf-8")
    result = pantau(cli_store, "import", tmp_path / "prospek.csv", "--mapping", tmp_path / "m.toml")
    assert result.exit_code == 0, result.output


def test_a_crm_export_is_read_with_its_preset(
    site: Site, store_copy: Store, tmp_path: Path
) -> None:
    file = PRESETS / "pipedrive" / "deals.csv"
    cli_store = twin(store_copy, tmp_path)
    admin = site("admin")
    page = uploaded(admin, "deals.csv", file.read_bytes())
    fields = form_fields(admin.get(page).text, f"{page}/check")
    assert fields["preset"] == "pipedrive/deals" and fields["type"] == "opportunities"
    checked = admin.post(f"{page}/check", data=fields)
    assert confirm(admin, page, checked.text).status_code == 200
    result = pantau(cli_store, "import", file, "--preset", "pipedrive")
    assert result.exit_code == 0, result.output
    assert canonical(store_copy) == canonical(cli_store)


def test_errors_are_listed_and_nothing_is_written(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    before = canonical(store_copy)
    bad = "lead_id,created_at,status\nLX1,2026-10-01,open\nLX2,besok,open\nLX3,2026-10-02,maybe\n"
    checked = check(admin, uploaded(admin, "bad.csv", bad))
    assert checked.status_code == 200
    assert "/confirm" not in checked.text
    errors = re.findall(
        r"<tr><td class=\"r\">(\d+)</td><td class=\"r\">(\d+)</td><td>(\w+)</td>"
        r"<td><code>([^<]*)</code></td>",
        checked.text,
    )
    assert errors == [("2", "3", "created_at", "besok"), ("3", "4", "status", "maybe")]
    assert canonical(store_copy) == before  # a dry run logs nothing either


def test_a_question_is_answered_with_a_button(site: Site) -> None:
    admin = site("admin")
    page = uploaded(admin, "q.csv", "lead_id,created_at\nLQ1,05/03/2026\nLQ2,06/04/2026\n")
    asked = check(admin, page)
    assert 'name="answer"' in asked.text and "/confirm" not in asked.text
    fields = form_fields(asked.text, f"{page}/check") | {"answer": "--date-format '%d/%m/%Y'"}
    answered = admin.post(f"{page}/check", data=fields)
    assert "/confirm" in answered.text
    assert form_fields(answered.text, f"{page}/check")["date_format"] == "%d/%m/%Y"


# -- uploads that are refused -----------------------------------------------------------------
def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(8):
                member.write(bytes(1 << 20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "body", "status", "says"),
    [
        ("deals.xlsx", zip_bomb(), 413, "zip bomb"),
        ("leads.csv", "<!DOCTYPE html><html><body><table></table></body></html>", 415, "HTML"),
        ("leads.csv", bytes(range(256)) * 8, 415, "binary"),
        ("export.xls", "<html><body><p>Your session expired</p></body></html>", 415, "HTML"),
        ("leads.xlsx", "lead_id,created_at\n", 415, "zip"),
        ("leads.txt", "lead_id,created_at\n", 415, "CSV, XLSX or XLS"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    site: Site, store_copy: Store, name: str, body: bytes | str, status: int, says: str
) -> None:
    admin = site("admin")
    response = upload(admin, name, body, lang="en")
    assert response.status_code == status
    assert says in html.unescape(response.text)
    assert not any((admin.app.state.ctx.uploads.root()).iterdir())  # type: ignore[attr-defined]


def test_an_html_table_saved_as_xls_is_taken(site: Site, store_copy: Store) -> None:
    # Salesforce Classic and other CRMs export an HTML table named .xls: the importer reads it
    admin = site("admin")
    body = (
        "<html><body><table><tr><th>lead_id</th><th>created_at</th></tr>"
        "<tr><td>LX1</td><td>2026-10-01</td></tr></table></body></html>"
    )
    page = uploaded(admin, "leads.xls", body)
    mapping = admin.get(page)
    assert mapping.status_code == 200 and "LX1" in mapping.text
    checked = check(admin, page)
    assert checked.status_code == 200
    assert confirm(admin, page, checked.text).status_code in (200, 303)
    with store_copy.read() as con:
        found = con.execute("SELECT created_at FROM leads WHERE lead_id = 'LX1'").fetchall()
    assert len(found) == 1


def test_uploads_over_the_limit_are_refused(site: Site, store_copy: Store) -> None:
    store_copy.set_setting("upload_max_mb", "1")
    admin = site("admin")
    big = "lead_id,created_at\n" + "LB1,2026-10-01\n" * 80_000
    response = upload(admin, "big.csv", big)
    assert response.status_code == 413 and "1 MB" in response.text  # "batas unggahan 1 MB"
    assert upload(admin, "small.csv", LEADS).status_code == 303


# -- who may upload, and whose uploads --------------------------------------------------------
def test_reps_may_not_import(site: Site, login: Callable[[str], TestClient]) -> None:
    rep = site("rep")
    assert rep.get("/imports/upload").status_code == 403
    response = rep.post("/imports/upload", files={"file": ("l.csv", LEADS.encode())})
    assert response.status_code == 403
    assert site("manager").get("/imports/upload").status_code == 200


def test_forms_need_their_csrf_token(site: Site) -> None:
    admin = site("admin")
    response = admin.post("/imports/upload", files={"file": ("l.csv", LEADS.encode())})
    assert response.status_code == 403
    page = uploaded(admin, "leads.csv", LEADS)
    fields = form_fields(admin.get(page).text, f"{page}/check")
    assert admin.post(f"{page}/check", data=fields | {"csrf_token": "x"}).status_code == 403


def test_an_upload_belongs_to_its_session(site: Site) -> None:
    first = site("admin")
    page = uploaded(first, "leads.csv", LEADS)
    other = site("admin")  # the same account, another browser
    assert other.get(page).status_code == 400
    cancel = form_fields(first.get(page).text, f"{page}/check")
    assert first.post(f"{page}/cancel", data=cancel).status_code == 303
    assert first.get(page).status_code == 400


def test_dry_run_writes_nothing_and_counts_like_the_import(
    store_copy: Store, tmp_path: Path
) -> None:
    file = tmp_path / "leads.csv"
    file.write_text(LEADS, encoding="utf-8")
    before = canonical(store_copy)
    dry = import_file(store_copy, "leads", file, dry_run=True, lang="en")
    assert canonical(store_copy) == before and dry.import_id is None
    real = import_file(store_copy, "leads", file, lang="en")
    assert (dry.inserted, dry.updated, dry.warning_counts) == (
        real.inserted,
        real.updated,
        real.warning_counts,
    )
    assert (real.inserted, real.updated) == (3, 1)


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_a_workbook_sheet_is_chosen_and_imported(site: Site, store_copy: Store) -> None:
    admin = site("admin")
    book = workbook(
        {
            "Catatan": [],
            "Prospek": [
                ["Laporan prospek"],
                [],
                ["No Prospek", "Tanggal Masuk", "Sumber", "Status"],
                ["LX0000001", "2026-10-01 08:00", "Website", "open"],
                ["LX0000002", "2026-10-02 09:30", "Pameran", "qualified"],
            ],
        }
    )
    page = uploaded(admin, "prospek.xlsx", book)
    first = admin.get(page)
    assert first.status_code == 400 and 'name="sheet"' in first.text
    fields = form_fields(admin.get(f"{page}?sheet=Prospek&type=leads").text, f"{page}/check")
    assert fields["sheet"] == "Prospek" and fields["col_created_at"] == "Tanggal Masuk"
    checked = admin.post(f"{page}/check", data=fields | {"col_lead_id": "No Prospek"})
    assert "/confirm" in checked.text, checked.text
    assert confirm(admin, page, checked.text).status_code == 200
    with store_copy.read() as con:
        found = con.execute("SELECT count(*) FROM leads WHERE lead_id LIKE 'LX%'").fetchone()
    assert found == (2,)


def test_old_uploads_are_deleted_and_names_stay_in_their_folder() -> None:
    area = UploadArea(ttl_s=-1)  # everything is already too old
    chunks = [LEADS.encode(), b""]

    async def read(_size: int) -> bytes:
        return chunks.pop(0)

    upload = asyncio.run(area.receive("me", "../../etc/l.CSV", read, limit=1 << 20, lang="en"))
    assert upload.path.parent.parent == area.root() and upload.name == "l.csv"
    area.sweep()
    assert not upload.path.exists()
    with pytest.raises(UploadMissing):
        area.get("me", upload.id, "en")
