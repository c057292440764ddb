"""Line numbers of rows: the fast count (one line per row) agrees with the walk of the file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pantau.ingest import csvtext
from pantau.ingest.csvtext import CsvText, line_numbers, one_line_per_row

FILES = {
    "plain": ("a,b\n1,2\n3,4\n5,6\n", 0, True),
    "no final newline": ("a,b\n1,2\n3,4\n5,6", 0, True),
    "crlf": ("a,b\r\n1,2\r\n3,4\r\n5,6\r\n", 0, True),
    "title lines": ("Report\nMarch\na,b\n1,2\n3,4\n5,6\n", 2, True),
    "title and blank line": ("Report\n\na,b\n1,2\n3,4\n5,6\n", 2, False),
    "quoted": ('a,b\n"1","x, y"\n3,"say ""hi"""\n5,6\n', 0, True),
    "line break in a cell": ('a,b\n1,"two\nlines"\n3,4\n5,6\n', 0, False),
    "blank line": ("a,b\n1,2\n\n3,4\n5,6\n", 0, False),
    "blank crlf line": ("a,b\r\n1,2\r\n\r\n3,4\r\n5,6\r\n", 0, False),
    "trailing blank line": ("a,b\n1,2\n3,4\n5,6\n\n", 0, False),
    "lone cr": ("a,b\r1,2\r3,4\r5,6\r", 0, False),
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
@pytest.mark.parametrize("name", sorted(FILES))
def test_fast_line_numbers_agree_with_the_walk(
    name: str, chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvtext, "CHUNK", chunk)  # blank lines and CRLF across chunk ends
    content, skip, simple = FILES[name]
    path = tmp_path / "f.csv"
    path.write_bytes(content.encode())
    text = CsvText(path, ",", ["a", "b"], skip)
    relation = (
        f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', skip = {skip}, columns = {{'a': 'VARCHAR', 'b': 'VARCHAR'}})"
    )
    records = duckdb.sql(f"SELECT count(*) FROM {relation}").fetchall()[0][0]
    assert records == 3
    assert one_line_per_row(text, records) is simple
    wanted = [1, 2, 3]
    assert line_numbers(text, wanted, records) == line_numbers(text, wanted)
