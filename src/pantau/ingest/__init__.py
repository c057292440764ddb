"""The importer: CSV, Excel and Parquet files of a record type into the store, all or nothing.

A library first (``import_file``) behind a thin CLI (``pantau import``)::

    from pantau.ingest import import_file
    report = import_file(store, "opportunities", "deals.xlsx", sheet="2026")

Pipeline: :mod:`~pantau.ingest.files` (checks, checksum, encoding) → :mod:`~pantau.ingest.readers`
(a DuckDB relation of text columns) → :mod:`~pantau.ingest.header` (which column is which) →
:mod:`~pantau.ingest.stage` with :mod:`~pantau.ingest.parse` (values parsed in SQL) →
:mod:`~pantau.ingest.validate` (row errors) and :mod:`~pantau.ingest.checks` (warnings) →
:mod:`~pantau.ingest.load` (upsert and import log, one transaction) →
:mod:`~pantau.ingest.report`.
"""

from pantau.ingest.history import list_imports
from pantau.ingest.importer import import_file
from pantau.ingest.report import ImportReport, Issue
from pantau.ingest.template import template_columns, write_template

__all__ = [
    "ImportReport",
    "Issue",
    "import_file",
    "list_imports",
    "template_columns",
    "write_template",
]
