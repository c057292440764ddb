"""Values Excel damaged: a range or code such as ``5-20`` typed into a cell that Excel turned into
a date and now shows as ``May-20`` (``1-5`` shows as ``5-Jan``).

Such a cell is flagged, never repaired: the original cannot be known for sure (``May-20`` may be
``5-20`` or May 2020). In a number column it is an error (``excel_damage``) — the cell is not a
number either way. In a text or id column it is a warning: ``Mar-21`` can be a real code or
campaign name, so the row is imported as written and the report asks for a look.
"""

from __future__ import annotations

import re

from pantau.ingest.dates import MONTHS
from pantau.ingest.sqltext import literal

WORDS = "jan|feb|mar|apr|may|mei|jun|jul|aug|agu|agt|sep|oct|okt|nov|dec|des"
#: RE2 (DuckDB) and Python agree on this pattern
DAMAGE_RE = rf"(?i)({WORDS})-\d{{1,2}}|\d{{1,2}}-({WORDS})"


def sql_match(v: str) -> str:
    """SQL: cell ``v`` looks Excel-damaged (``contains`` first: most cells have no ``-``, and
    every match has one)."""
    return f"(contains({v}, '-') AND regexp_full_match({v}, {literal(DAMAGE_RE)}))"


_MONTH_FIRST = re.compile(rf"(?i)({WORDS})-(\d{{1,2}})")
_DAY_FIRST = re.compile(rf"(?i)(\d{{1,2}})-({WORDS})")


def original(value: str) -> str:
    """What was probably typed: ``May-20`` → ``5-20``; ``01-May`` is ``1-5`` where Excel reads
    day first, ``5-1`` where it reads month first.

    >>> original("May-20"), original("01-May"), original("Agu-12"), original("5-May")
    ('5-20', '1-5 / 5-1', '8-12', '5-5')
    """
    found = _MONTH_FIRST.fullmatch(value.strip())
    if found:
        return f"{MONTHS[found.group(1).lower()]}-{int(found.group(2))}"
    found = _DAY_FIRST.fullmatch(value.strip())
    if found:
        day, month = int(found.group(1)), MONTHS[found.group(2).lower()]
        return f"{day}-{month}" if day == month else f"{day}-{month} / {month}-{day}"
    return value
