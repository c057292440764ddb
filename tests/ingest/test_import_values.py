"""Value parsers (SQL expressions of pantau.ingest.parse), checked with hypothesis."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.ingest import parse
from pantau.model.records import Column

TZ = "Asia/Jakarta"
CON = duckdb.connect()
CON.execute(f"SET TimeZone = '{TZ}'")

TIMESTAMP = Column("t", "timestamp", required=True)
DATE = Column("d", "date")
NUMBER = Column("n", "number")
INTEGER = Column("i", "integer")
FRACTION = Column("f", "fraction")
BOOL = Column("b", "bool")
ENUM = Column("e", "enum", choices=("open", "won", "lost"))
MONTH = Column("m", "month")
PERIOD = Column("p", "period")


def evaluate(col: Column, text: str | None) -> tuple[Any, str | None]:
    """(stored value, error code) of one cell; the value only when there is no error."""
    error = parse.error(col, "v", "p") or "NULL"
    stored = ", ".join(sql for _name, sql in parse.stored(col, "p", TZ))
    cell = (
        f"(SELECT v, {parse.parsed(col, 'v')} AS p "
        f"FROM (SELECT {parse.trimmed('x')} AS v FROM (SELECT CAST(? AS VARCHAR) AS x)))"
    )
    code = CON.execute(f"SELECT {error} FROM {cell}", [text]).fetchall()[0][0]
    if code is not None:
        return None, code
    row = CON.execute(f"SELECT {stored} FROM {cell}", [text]).fetchall()[0]
    return (row[0] if len(row) == 1 else row), None


naive = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0)
)


@given(naive, st.sampled_from([" ", "T"]))
def test_timestamp_without_offset_is_business_local(moment: datetime, sep: str) -> None:
    (utc, local), error = evaluate(TIMESTAMP, moment.isoformat(sep=sep))
    assert error is None
    assert local == moment
    expected = moment.replace(tzinfo=ZoneInfo(TZ)).astimezone(UTC).replace(tzinfo=None)
    assert utc == expected


@given(naive, st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_timestamp_with_offset_is_that_instant(moment: datetime, minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    (utc, _local), error = evaluate(TIMESTAMP, aware.isoformat())
    assert error is None
    assert utc == aware.astimezone(UTC).replace(tzinfo=None)


@given(st.dates(min_value=datetime(1950, 1, 1).date(), max_value=datetime(2100, 1, 1).date()))
def test_date_only_is_local_midnight(day: Any) -> None:
    (utc, local), error = evaluate(TIMESTAMP, day.isoformat())
    assert error is None and local == datetime(day.year, day.month, day.day)
    assert utc == local.replace(tzinfo=ZoneInfo(TZ)).astimezone(UTC).replace(tzinfo=None)
    assert evaluate(DATE, day.isoformat()) == (day, None)


@pytest.mark.parametrize(
    "text", ["05/03/2026", "2026-02-30", "infinity", "20260-01-01", "kemarin", "2026-03-05T14"]
)
def test_bad_timestamps(text: str) -> None:
    assert evaluate(TIMESTAMP, text)[1] == "bad_timestamp"


def test_missing_required_value() -> None:
    assert evaluate(TIMESTAMP, "  ")[1] == "missing_value"
    assert evaluate(NUMBER, "") == (None, None)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip(x: float) -> None:
    assert evaluate(NUMBER, repr(x)) == (x, None)
    assert evaluate(NUMBER, f" {x!r} ") == (x, None)


@pytest.mark.parametrize("text", ["1.234.567", "1,5", "Rp 100", "nan", "inf", "1e999", "0x10"])
def test_bad_numbers(text: str) -> None:
    assert evaluate(NUMBER, text)[1] == "bad_number"


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_integers(n: int) -> None:
    assert evaluate(INTEGER, str(n)) == (n, None)


@pytest.mark.parametrize("text", ["2.5", "tiga", "1e400", "1e19"])
def test_bad_integers(text: str) -> None:
    assert evaluate(INTEGER, text)[1] == "bad_integer"


@given(
    st.sampled_from(["true", "1", "yes", "ya", "false", "0", "no", "tidak"]),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_booleans_any_case(word: str, upper: list[bool]) -> None:
    text = "".join(c.upper() if u else c for c, u in zip(word, upper * 2, strict=False))
    expected = word in ("true", "1", "yes", "ya")
    assert evaluate(BOOL, text) == (expected, None)


# DuckDB's trim() also removes Unicode spaces (U+00A0, U+2000 …), Python's strip(" ") does not:
# the property is about words, so the text has ASCII spaces only.
@given(st.text(st.characters(exclude_categories=("Zs", "Cs")) | st.just(" "), max_size=8))
def test_other_words_are_not_booleans(text: str) -> None:
    value, error = evaluate(BOOL, text)
    if text.strip(parse.TRIM_CHARS).lower() in parse.TRUE_WORDS + parse.FALSE_WORDS:
        assert error is None
    elif text.strip(parse.TRIM_CHARS):
        assert (value, error) == (None, "bad_bool")
    else:
        assert (value, error) == (None, None)


@given(st.floats(min_value=0, max_value=1))
def test_fraction_as_fraction(f: float) -> None:
    assert evaluate(FRACTION, repr(f)) == (f, None)


@given(st.integers(min_value=0, max_value=100))
def test_fraction_as_percentage(p: int) -> None:
    value, error = evaluate(FRACTION, f"{p}%")
    assert error is None and math.isclose(value, p / 100)


@given(st.floats(min_value=1.0001, max_value=1e6))
def test_bare_number_over_one_asks_for_fraction_or_percent(x: float) -> None:
    assert evaluate(FRACTION, repr(x))[1] == "fraction_over_one"
    assert evaluate(FRACTION, f"{x!r}%")[1] == ("bad_fraction" if x > 100 else None)


def test_enum_case_insensitive_lower_case() -> None:
    assert evaluate(ENUM, " WON ") == ("won", None)
    assert evaluate(ENUM, "closed") == (None, "bad_enum")


@pytest.mark.parametrize(
    ("col", "text", "expected"),
    [
        (MONTH, "2026-03", ("2026-03", None)),
        (MONTH, "2026-03-01", ("2026-03", None)),
        (MONTH, "2026-13", (None, "bad_month")),
        (MONTH, "03/2026", (None, "bad_month")),
        (PERIOD, "2026-q2", ("2026-Q2", None)),
        (PERIOD, "2026", ("2026", None)),
        (PERIOD, "2026-11", ("2026-11", None)),
        (PERIOD, "2026-Q5", (None, "bad_period")),
    ],
)
def test_months_and_periods(col: Column, text: str, expected: tuple[Any, Any]) -> None:
    assert evaluate(col, text) == expected
