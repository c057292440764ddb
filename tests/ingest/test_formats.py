"""Numbers and dates as people write them, decided per column from all its cells.

Properties (hypothesis): a number written Indonesian-style or English-style reads back equal, or
the column is asked about — never a silently wrong number; dates with a day over 12 somewhere
are read day-first (month-first likewise); a column that cannot decide asks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pantau.errors import UsageError
from pantau.ingest.formats import DateFormat, Given, NumberFormat, check_given, patterns_for

from .helpers import read_column

FAST = settings(max_examples=20, deadline=None)


def group(n: int, sep: str) -> str:
    """``1234567`` → ``1.234.567`` (with ``sep`` as thousands separator)."""
    return f"{n:,}".replace(",", sep)


def id_style(value: Decimal) -> str:
    whole, frac = f"{abs(value):.2f}".split(".")
    return ("-" if value < 0 else "") + group(int(whole), ".") + "," + frac


def en_style(value: Decimal) -> str:
    whole, frac = f"{abs(value):.2f}".split(".")
    return ("-" if value < 0 else "") + group(int(whole), ",") + "." + frac


money = st.integers(min_value=-(10**13), max_value=10**13).map(lambda c: Decimal(c) / 100)


@FAST
@given(st.lists(money, min_size=1, max_size=8), st.sampled_from(["", "Rp ", "Rp", "IDR "]))
def test_indonesian_numbers_read_back_equal(values: list[Decimal], currency: str) -> None:
    cells = [currency + id_style(v) for v in values]
    decisions, parsed, errors = read_column("number", cells)
    assert decisions.formats["x"] == NumberFormat(",")
    assert errors == [None] * len(cells)
    assert parsed == [float(v) for v in values]


@FAST
@given(st.lists(money, min_size=1, max_size=8))
def test_english_numbers_read_back_equal(values: list[Decimal]) -> None:
    decisions, parsed, errors = read_column("number", [en_style(v) for v in values])
    assert errors == [None] * len(values) and parsed == [float(v) for v in values]
    assert decisions.formats.get("x") in (None, NumberFormat("."))  # plain: the strict reading


@FAST
@given(
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
    st.sampled_from(".,"),
)
def test_grouped_whole_numbers_are_never_silently_wrong(values: list[int], sep: str) -> None:
    """``1.234`` alone is a thousand or one point two: read right, or asked — never guessed."""
    cells = [group(v, sep) for v in values]
    decisions, parsed, errors = read_column("number", cells)
    if decisions.questions:
        [question] = decisions.questions
        assert question.kind == "decimal" and question.options == ["--decimal ,", "--decimal ."]
        assert all(e is None or e == "bad_number" for e in errors)
        assert any(e == "bad_number" for e in errors)
        assert all(p in (None, float(v)) for p, v in zip(parsed, values, strict=True))
    else:
        assert parsed == [float(v) for v in values]


def test_one_decisive_cell_decides_the_column() -> None:
    decisions, parsed, errors = read_column("number", ["1.234", "12.345.678", "500"])
    assert parsed == [1234.0, 12345678.0, 500.0] and errors == [None] * 3
    decisions, parsed, _e = read_column("number", ["1.234", "0.5"])
    assert parsed == [1.234, 0.5]


def test_ambiguous_column_asks_and_the_answer_reads_it() -> None:
    decisions, parsed, errors = read_column("number", ["1.234", "2.500"])
    assert [q.examples for q in decisions.questions] == [["1.234"]]
    assert errors == ["bad_number", "bad_number"]
    assert "1.234 read as 1234" in decisions.questions[0].suggestion
    _d, parsed, errors = read_column("number", ["1.234", "2.500"], Given(decimal=","))
    assert parsed == [1234.0, 2500.0]
    _d, parsed, errors = read_column("number", ["1.234", "2.500"], Given(decimal="."))
    assert parsed == [1.234, 2.5]


def test_contradicting_cells_ask() -> None:
    decisions, _p, errors = read_column("number", ["1.234,5", "1,234.5", "7"])
    [question] = decisions.questions
    assert question.examples == ["1.234,5", "1,234.5"] and errors[2] is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Rp 1.250.000", 1_250_000),
        ("Rp1,2 jt", 1_200_000),
        ("1,2 juta", 1_200_000),
        ("500 rb", 500_000),
        ("2 ribu", 2_000),
        ("1,5 M", 1_500_000_000),
        ("3 miliar", 3_000_000_000),
        ("(1.500,25)", -1500.25),
        ("- Rp 10.000,5", -10000.5),
    ],
)
def test_rupiah_and_scale_words(cell: str, expected: float) -> None:
    _d, parsed, errors = read_column("number", [cell, "0,5"])
    assert (parsed[0], errors[0]) == (expected, None)


@pytest.mark.parametrize("cell", ["1 m", "Rp", "1.2.3", "12,34,5", "(5", "5%", "USD 5"])
def test_bad_numbers_stay_bad(cell: str) -> None:
    _d, parsed, errors = read_column("number", [cell, "1.234,5"])
    assert (parsed[0], errors[0]) == (None, "bad_number")


def test_percent_discounts_with_decimal_comma() -> None:
    _d, parsed, errors = read_column("fraction", ["12,5%", "0,2", "20"])
    assert parsed[:2] == [0.125, 0.2] and errors == [None, None, "fraction_over_one"]


def test_plain_columns_keep_the_strict_reading() -> None:
    decisions, parsed, _e = read_column("number", ["1200", "0.25", "-3e-05", None])
    assert decisions.formats == {} and parsed[:3] == [1200.0, 0.25, -3e-05]


dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31))


@FAST
@given(st.lists(dates, min_size=1, max_size=8), st.sampled_from(["/", "-", "."]))
def test_day_first_dates_with_a_day_over_12(days: list[dt.date], sep: str) -> None:
    assume(any(d.day > 12 for d in days))
    cells = [d.strftime(f"%d{sep}%m{sep}%Y") for d in days]
    decisions, parsed, errors = read_column("timestamp", cells)
    assert decisions.formats["x"] == DateFormat("dmy")
    assert errors == [None] * len(days)
    assert parsed == [dt.datetime(d.year, d.month, d.day) for d in days]


@FAST
@given(st.lists(dates, min_size=1, max_size=8))
def test_month_first_dates_with_a_day_over_12(days: list[dt.date]) -> None:
    assume(any(d.day > 12 for d in days))
    cells = [f"{d.month}/{d.day}/{d.year}" for d in days]
    decisions, parsed, _e = read_column("date", cells)
    assert decisions.formats["x"] == DateFormat("mdy")
    assert parsed == days


low_days = st.builds(
    dt.date,
    st.integers(min_value=1970, max_value=2068),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=12),
)


@FAST
@given(st.lists(low_days, min_size=1, max_size=8))
def test_dates_that_cannot_decide_ask(days: list[dt.date]) -> None:
    assume(any(d.day != d.month for d in days))
    decisions, parsed, errors = read_column("timestamp", [d.strftime("%d/%m/%Y") for d in days])
    [question] = decisions.questions
    assert question.kind == "date_order"
    assert question.options == ["--date-format '%d/%m/%Y'", "--date-format '%m/%d/%Y'"]
    for day, value, error in zip(days, parsed, errors, strict=True):
        assert (value, error) == (
            (dt.datetime(day.year, day.month, day.day), None)
            if day.day == day.month
            else (None, "bad_timestamp")
        )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("5 Agustus 2025", dt.datetime(2025, 8, 5)),
        ("05-Agu-2025", dt.datetime(2025, 8, 5)),
        ("17 Mei 2026 14.30", dt.datetime(2026, 5, 17, 14, 30)),
        ("Senin, 2 Desember 2024", dt.datetime(2024, 12, 2)),
        ("1 Okt 24", dt.datetime(2024, 10, 1)),
        ("August 5, 2025", dt.datetime(2025, 8, 5)),
        ("5 Aug 2025 2:30 PM", dt.datetime(2025, 8, 5, 14, 30)),
        ("2025/08/05 09:00:15", dt.datetime(2025, 8, 5, 9, 0, 15)),
        ("2025-08-05T09:00", dt.datetime(2025, 8, 5, 9, 0)),
    ],
)
def test_month_names_and_other_shapes(cell: str, expected: dt.datetime) -> None:
    decisions, parsed, errors = read_column("timestamp", [cell])
    assert (parsed[0], errors[0]) == (expected, None)
    assert not decisions.questions


def test_two_digit_years_times_and_am_pm() -> None:
    cells = ["03/01/19", "31/12/69 23:59", "3/5/26 2:30 PM"]
    _d, parsed, errors = read_column("timestamp", cells)
    assert errors == [None] * 3
    assert parsed == [
        dt.datetime(2019, 1, 3),
        dt.datetime(1969, 12, 31, 23, 59),
        dt.datetime(2026, 5, 3, 14, 30),
    ]


@pytest.mark.parametrize("cell", ["31/02/2026", "May-20", "5 Foo 2025", "13/13/2026", "kemarin"])
def test_impossible_dates_are_errors(cell: str) -> None:
    _d, parsed, errors = read_column("timestamp", [cell, "25/12/2025"])
    assert (parsed[0], errors[0]) == (None, "bad_timestamp")


def test_a_given_pattern_reads_indonesian_month_names() -> None:
    decisions, parsed, errors = read_column(
        "timestamp", ["05-Agu-25", "17-Des-25", "2026-01-02"], Given(date_format="%d-%b-%y")
    )
    assert decisions.formats["x"] == DateFormat(None, "%d-%b-%y", given=True)
    assert parsed == [dt.datetime(2025, 8, 5), dt.datetime(2025, 12, 17), dt.datetime(2026, 1, 2)]


def test_a_four_digit_year_pattern_refuses_two_digits() -> None:
    _d, _parsed, errors = read_column("date", ["05/03/26"], Given(date_format="%d/%m/%Y"))
    assert errors == ["bad_date"]  # year 26 is refused, not read


@pytest.mark.parametrize("pattern", ["%d/%m", "%Q/%m/%Y", "dd/mm/yyyy", "%H:%M"])
def test_bad_patterns_and_decimals_are_usage_errors(pattern: str) -> None:
    with pytest.raises(UsageError, match="is not a date pattern"):
        check_given(Given(date_format=pattern), "en")
    with pytest.raises(UsageError, match="--decimal must be"):
        check_given(Given(decimal=";"), "en")


@pytest.mark.parametrize(
    ("example", "patterns"),
    [
        ("05/03/2026", ("%d/%m/%Y", "%m/%d/%Y")),
        ("5-3-26 14:30", ("%d-%m-%y %H:%M", "%m-%d-%y %H:%M")),
        ("05.03.2026 2:30:15 PM", ("%d.%m.%Y %I:%M:%S %p", "%m.%d.%Y %I:%M:%S %p")),
    ],
)
def test_question_patterns_fit_the_example(example: str, patterns: tuple[str, str]) -> None:
    assert patterns_for(example) == patterns
    for pattern in patterns:
        _d, parsed, errors = read_column("timestamp", [example], Given(date_format=pattern))
        assert errors == [None]


def test_excel_damage_in_a_number_column_is_an_error() -> None:
    _d, parsed, errors = read_column("number", ["May-20", "01-May", "15"])
    assert errors == ["excel_damage", "excel_damage", None]
