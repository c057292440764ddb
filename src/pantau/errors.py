"""Every exception Pantau raises on purpose, in one place.

A ``PantauError`` is a problem the user can fix (bad input, a wrong option, a store that is in
use); the CLI prints its message on one line and exits with code 1, the web layer turns it into a
4xx answer. Anything else is a bug.
"""

from __future__ import annotations


class PantauError(Exception):
    """Base class: a problem the user can act on. ``str(err)`` is the message to show."""


class UsageError(PantauError):
    """An option or argument has a value Pantau cannot use (e.g. ``--grain week``)."""


class UnknownRecordType(UsageError):
    """``pantau import TYPE`` names a record type that does not exist."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown record type '{name}'; use one of: {', '.join(known)}")


class StoreError(PantauError):
    """The store cannot be opened, is of a newer version, or is not a Pantau store."""


class StoreBusy(StoreError):
    """Another process holds the store for writing longer than we were willing to wait."""


class InputFileError(PantauError):
    """A file cannot be read at all (missing, a directory, empty, not a table, wrong format).

    Raised before any row is looked at; the store is untouched.
    """

    def __init__(self, path: str, reason: str, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        self.hint = hint
        msg = f"{path}: {reason}"
        if hint:
            msg += f" — {hint}"
        super().__init__(msg)


class ImportRejected(PantauError):
    """A file was read but at least one row is invalid; nothing was written.

    ``report`` is the :class:`pantau.ingest.report.ImportReport` listing every bad row.
    """

    def __init__(self, report: object, message: str) -> None:
        self.report = report
        super().__init__(message)


class UnknownKpi(UsageError):
    """A KPI id that is not in the catalogue."""


class AuthError(PantauError):
    """Not logged in, wrong password, or not allowed to see what was asked for."""
