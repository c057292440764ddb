"""The bad-input corpus: one clear message each, exit code 1, no traceback, store unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import InputFileError, PantauError, UnknownRecordType
from pantau.ingest import import_file
from pantau.store import Store

from .helpers import TYPES, snapshot

GOOD_HEADER = "opportunity_id,rep_id,created_at,stage\n"


def _missing(tmp: Path) -> Path:
    return tmp / "nope.csv"


def _folder(tmp: Path) -> Path:
    (tmp / "folder.csv").mkdir()
    return tmp / "folder.csv"


def _empty(tmp: Path) -> Path:
    (tmp / "empty.csv").write_bytes(b"")
    return tmp / "empty.csv"


def _header_only(tmp: Path) -> Path:
    (tmp / "header.csv").write_text(GOOD_HEADER + "\n,,,\n")
    return tmp / "header.csv"


def _binary(tmp: Path) -> Path:
    (tmp / "garbage.csv").write_bytes(bytes(range(256)) * 50)
    return tmp / "garbage.csv"


def _truncated_xlsx(tmp: Path) -> Path:
    import xlsxwriter

    full = tmp / "full.xlsx"
    book = xlsxwriter.Workbook(str(full))
    book.add_worksheet().write_row(0, 0, ["opportunity_id", "rep_id"])
    book.close()
    data = full.read_bytes()
    (tmp / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return tmp / "truncated.xlsx"


def _wrong_encoding(tmp: Path) -> Path:
    # 0x81 and 0x8D are undefined in Windows-1252 and invalid in UTF-8
    (tmp / "enc.csv").write_bytes(GOOD_HEADER.encode() + b"O1,R\x81\x8d,2026-01-01,open\n")
    return tmp / "enc.csv"


def _utf16_no_bom(tmp: Path) -> Path:
    (tmp / "u16.csv").write_bytes((GOOD_HEADER + "O1,R,2026-01-01,open\n").encode("utf-16-le"))
    return tmp / "u16.csv"


def _duplicate_headers(tmp: Path) -> Path:
    (tmp / "dup.csv").write_text(
        "opportunity_id,Rep ID,created_at,stage,rep_id\nO,R,2026-01-01,x,Y\n"
    )
    return tmp / "dup.csv"


def _missing_column(tmp: Path) -> Path:
    (tmp / "miss.csv").write_text("opportunity_id,created_at,stage\nO1,2026-01-01,open\n")
    return tmp / "miss.csv"


def _ragged(tmp: Path) -> Path:
    (tmp / "ragged.csv").write_text(GOOD_HEADER + "O1,R,2026-01-01,open\nO2,R,2026-01-01,open,x\n")
    return tmp / "ragged.csv"


def _unclosed_quote(tmp: Path) -> Path:
    (tmp / "quote.csv").write_text(GOOD_HEADER + 'O1,R,2026-01-01,"open\nO2,R,2026-01-01,open\n')
    return tmp / "quote.csv"


CORPUS: list[tuple[Callable[[Path], Path], str]] = [
    (_missing, "file not found"),
    (_folder, "is a folder, not a file"),
    (_empty, "the file is empty"),
    (_header_only, "no rows: the file has a header but no data"),
    (_binary, "is a binary file, not a CSV, Excel or Parquet file"),
    (_truncated_xlsx, "is not a readable Excel workbook (damaged or truncated?)"),
    (_wrong_encoding, "is neither UTF-8 nor Windows-1252 text (byte 0x81 at position 43)"),
    (_utf16_no_bom, "looks like UTF-16 text without a byte-order mark"),
    (_duplicate_headers, "the header has column rep_id more than once: 'Rep ID' (B), 'rep_id' (E)"),
    (_missing_column, "required column(s) missing for opportunities: rep_id"),
    (_ragged, "line 3 has 5 cells, but the header has 4 columns"),
    (_unclosed_quote, 'line 2: a quote (") is opened and never closed'),
]
IDS = [make.__name__.strip("_") for make, _m in CORPUS]


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = Store(tmp_path_factory.mktemp("seed") / "seed.duckdb")
    import_file(store, "opportunities", TYPES / "opportunities.csv")
    return store.path


@pytest.fixture
def seeded(seeded_file: Path, tmp_path: Path) -> Store:
    """A store holding two opportunities (a copy of one seeded per module: faster)."""
    shutil.copyfile(seeded_file, tmp_path / "store.duckdb")
    return Store(tmp_path / "store.duckdb")


@pytest.mark.parametrize(("make", "message"), CORPUS, ids=IDS)
def test_library_raises_one_clear_error(
    seeded: Store, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    before = snapshot(seeded)
    path = make(tmp_path)
    with pytest.raises(InputFileError) as err:
        import_file(seeded, "opportunities", path, lang="en")
    assert str(err.value).startswith(f"{path}: {message}")
    assert "\n" not in str(err.value)
    assert snapshot(seeded) == before


@pytest.mark.parametrize(("make", "message"), CORPUS, ids=IDS)
def test_cli_exit_code_one_and_no_traceback(
    seeded: Store, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    result = CliRunner().invoke(
        app, ["--db", str(seeded.path), "import", "opportunities", str(path), "--lang", "en"]
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_unknown_record_type(seeded: Store) -> None:
    with pytest.raises(UnknownRecordType, match="unknown record type 'deals'"):
        import_file(seeded, "deals", TYPES / "opportunities.csv")
    result = CliRunner().invoke(
        app, ["--db", str(seeded.path), "import", "deals", str(TYPES / "reps.csv")]
    )
    assert result.exit_code == 1
    assert "jenis data 'deals' tidak dikenal" in result.stderr  # the store's language: id


def test_messages_are_indonesian_by_default(seeded: Store, tmp_path: Path) -> None:
    with pytest.raises(PantauError, match="tidak ada baris"):
        import_file(seeded, "opportunities", _header_only(tmp_path))


def test_through_the_console_script(seeded: Store, tmp_path: Path) -> None:
    """The real entry point (``run()`` and its error boundary) in a subprocess."""
    env = {**os.environ, "PANTAU_DB": str(seeded.path)}
    cmd = [sys.executable, "-c", "from pantau.cli.main import run; run()"]
    proc = subprocess.run(
        [*cmd, "import", "opportunities", str(_empty(tmp_path))],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "file kosong" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_fifty_megabyte_single_line(seeded: Store, tmp_path: Path) -> None:
    before = snapshot(seeded)
    one_line = tmp_path / "one_line.csv"
    with one_line.open("w") as fh:
        for _ in range(50):
            fh.write("x," * (1 << 19))
    with pytest.raises(InputFileError, match="the first line is longer than 1 MB"):
        import_file(seeded, "opportunities", one_line, lang="en")
    long_row = tmp_path / "long_row.csv"
    with long_row.open("w") as fh:
        fh.write(GOOD_HEADER + "O1,R,2026-01-01,open\nO2,R,2026-01-01,")
        for _ in range(50):
            fh.write("y" * (1 << 20))
        fh.write("\n")
    with pytest.raises(InputFileError, match="line 3 is longer than the 2 MB"):
        import_file(seeded, "opportunities", long_row, lang="en")
    assert snapshot(seeded) == before
