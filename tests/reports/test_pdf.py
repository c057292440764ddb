"""The monthly PDF report: rendered once, read back with pdftotext, one page kept as PNG."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pantau.metrics import Scope, catalogue
from pantau.reports.pdf import render_html, write_pdf
from pantau.reports.rendering import html_to_pdf
from pantau.store import Store

from .company import REPORT_MONTH

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils missing: run scripts/system-deps.sh"
)


def poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pdf(company: Store) -> Path:
    """The Indonesian report for March, written to test-artifacts/ with its first page as PNG."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report-id.pdf"
    write_pdf(company, path, end=REPORT_MONTH, generated_by="budi")
    poppler(
        "pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / "report")
    )
    return path


@pytest.fixture(scope="module")
def text(pdf: Path) -> str:
    """The PDF's text in drawing order, whitespace collapsed (table rows read as lines)."""
    return " ".join(poppler("pdftotext", "-raw", str(pdf), "-").split())


def test_a_few_a4_pages_in_system_fonts(pdf: Path) -> None:
    info = poppler("pdfinfo", str(pdf))
    assert "(A4)" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert 2 <= pages <= 5
    assert "DejaVu" in poppler("pdffonts", str(pdf)) or "Noto" in poppler("pdffonts", str(pdf))
    assert (ARTIFACTS / "report-1.png").stat().st_size > 10_000


def test_header_in_indonesian(text: str) -> None:
    assert "Laporan Bulanan Penjualan Maret 2026" in text
    assert "Cakupan: seluruh perusahaan" in text
    assert "Basis pendapatan: peluang yang dimenangkan (basis kesepakatan)" in text
    assert "Dibuat oleh budi" in text and "(WIB, Asia/Jakarta)" in text


def test_every_kpi_is_in_the_table(text: str) -> None:
    for kpi in catalogue():
        assert kpi.name_id in text


@pytest.mark.parametrize(
    "row",
    [
        "Nilai Penjualan Rp45.000.000 Rp40.000.000 112,5 % tercapai Rp10.000.000",
        "Tingkat Kemenangan 75,0 % 80,0 % – tidak tercapai 100,0 %",
        "Arus Prospek 4 3 133,3 % tercapai 1",
        "Nilai Rata-rata Transaksi Rp15.000.000 – – tanpa target Rp10.000.000",
        "Panjang Siklus Penjualan 28,0 hari – – tanpa target 26,0 hari",
        "Median Waktu Respons 45,0 mnt – – tanpa target 30,0 mnt",
        "Profitabilitas (Margin Kotor) – – – tanpa target –",
    ],
)
def test_kpi_rows_as_displayed(text: str, row: str) -> None:
    assert row in text


def test_trends_reps_funnel_and_quality(text: str) -> None:
    assert "Tren: Januari 2026 – Maret 2026" in text  # from the first month with data
    assert "Budi Santoso R1 · Barat Rp25.000.000 125,0 %" in text
    assert "Sari Dewi R2 · Timur Rp15.000.000 75,0 %" in text
    assert "Corong Tahapan" in text and "proposal 2" in text
    assert "Kualitas Data" in text
    assert "Peluang menang tanpa nilai penawaran" in text


@pytest.fixture(scope="module")
def english_html(company: Store) -> str:
    return render_html(company, end=REPORT_MONTH, lang="en", generated_by="<script>x</script>")


def test_english_report(english_html: str) -> None:
    assert "Monthly sales report" in english_html and "March 2026" in english_html
    assert "Rp45,000,000" in english_html and "75.0%" in english_html
    assert "Sales volume" in english_html and "not met" in english_html


def test_user_text_is_escaped(english_html: str) -> None:
    assert "<script>" not in english_html and "&lt;script&gt;x" in english_html


def test_scoped_report_shows_only_the_rep(company: Store) -> None:
    html = render_html(company, end=REPORT_MONTH, scope=Scope(rep_ids=frozenset({"R2"})))
    assert "Sari Dewi" in html and "Budi Santoso" not in html
    assert "sales: R2" in html
    assert "Rp15.000.000" in html and "Rp45.000.000" not in html


@pytest.fixture
def web_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records the paths asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def test_rendering_fetches_nothing_from_outside(web_server: tuple[str, list[str]]) -> None:
    url, asked = web_server
    html = (
        f'<html><head><link rel="stylesheet" href="{url}/x.css"></head>'
        f'<body><p>ok</p><img src="{url}/x.png"><img src="file:///etc/hostname"></body></html>'
    )
    assert html_to_pdf(html).startswith(b"%PDF")
    assert asked == []


def test_an_empty_store_says_there_is_no_data(store: Store) -> None:
    html = render_html(store, start="2030-01")
    assert "Tidak ada data untuk bulan ini." in html
    assert "Tidak ada peluang yang dibuat bulan ini." in html
