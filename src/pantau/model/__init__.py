"""The canonical record types (``data-model.md``)."""

from pantau.model.records import RECORD_TYPES, Column, RecordType, record_type, stored_columns

__all__ = ["RECORD_TYPES", "Column", "RecordType", "record_type", "stored_columns"]
