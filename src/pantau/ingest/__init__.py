"""The importer: CSV, Excel and Parquet files of a record type into the store, all or nothing.

A library first (``import_file``) behind a thin CLI (``pantau import``)::

    from pantau.ingest import import_file
    report = import_file(store, "opportunities", "deals.xlsx", sheet="2026")

Pipeline: :mod:`~pantau.ingest.files` (checks, checksum, encoding) → :mod:`~pantau.ingest.readers`
(a DuckDB relation of text columns; :mod:`~pantau.ingest.layout` finds the header below title
rows and cuts footers) → :mod:`~pantau.ingest.recipe` (which column is which: the template
headers of :mod:`~pantau.ingest.header`, a :mod:`~pantau.ingest.mapping` file or a
:mod:`~pantau.ingest.presets` CRM export) → :mod:`~pantau.ingest.formats` (how each number and
date column is written, decided from all its cells, or a question) → :mod:`~pantau.ingest.stage`
with :mod:`~pantau.ingest.parse` (values parsed in SQL) → :mod:`~pantau.ingest.validate` (row
errors) and :mod:`~pantau.ingest.checks` (warnings) → :mod:`~pantau.ingest.load` (upsert and
import log, one transaction) → :mod:`~pantau.ingest.report`.

Before an import: :mod:`~pantau.ingest.suggest` guesses the record type and a mapping from
headers, :mod:`~pantau.ingest.profile` looks at a whole file (``pantau mapping suggest``).
"""

from pantau.ingest.formats import Question
from pantau.ingest.history import list_imports
from pantau.ingest.importer import import_file
from pantau.ingest.mapping import Mapping, MappingError, load_mapping, parse_mapping
from pantau.ingest.report import ImportReport, Issue
from pantau.ingest.suggest import guess_record_type, suggest_mapping
from pantau.ingest.template import template_columns, write_template

__all__ = [
    "ImportReport",
    "Issue",
    "Mapping",
    "MappingError",
    "Question",
    "guess_record_type",
    "import_file",
    "list_imports",
    "load_mapping",
    "parse_mapping",
    "suggest_mapping",
    "template_columns",
    "write_template",
]
