"""Cells that a spreadsheet will never run as a formula (CSV/formula injection).

Rep ids, team names, product ids and the like come from user files. Opened in Excel or
LibreOffice, a CSV cell such as ``=HYPERLINK("http://evil")`` or ``+cmd|' /C calc'!A0`` is a
formula. Following OWASP, a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe, which spreadsheets read as "this is text". Numbers are
left alone: ``-5`` as a number is not an attack, ``"-5"`` as text is neutralised like any other.

The Excel writer does not prepend the apostrophe: it writes such text with ``write_string`` and
Excel's *quote prefix* cell flag, which keeps the value unchanged and still never a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    >>> is_risky("=1+1"), is_risky("-x"), is_risky("Jakarta"), is_risky("")
    (True, True, False, False)
    """
    return text.startswith(RISKY_PREFIXES)


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV cell: risky text gets a leading ``'``.

    >>> safe_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("Tim Barat"), safe_cell(-5), safe_cell(None)
    ('Tim Barat', -5, None)
    """
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]


def write_csv(fh: IO[str], header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write ``header`` and ``rows`` as CSV to ``fh``, every cell neutralised.

    ``None`` becomes an empty cell (empty is not zero: a null KPI stays blank).
    """
    writer = csv.writer(fh)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(["" if v is None else v for v in safe_row(row)])
