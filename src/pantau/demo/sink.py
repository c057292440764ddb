"""Writing the demo as Pantau template CSV files, chunk by chunk, with pyarrow.

Each record type gets one file ``<type>.csv`` whose header is exactly the template columns of
:mod:`pantau.model.records`. Chunks are appended as Arrow tables, so no file is ever held in
memory as Python objects. Helpers here turn numpy arrays into Arrow columns: ids with leading
zeros, timestamps with the ``+07:00`` offset, optional numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pantau.demo.calendar import NONE
from pantau.model.records import RECORD_TYPES, RecordType

#: columns written as text although their kind is numeric (mixed ``0.2``/``20%``, ratios)
TEXT_NUMBERS = {("order_lines", "discount"), ("targets", "target")}
WIB = "+07:00"


def _schema(rt: RecordType) -> pa.Schema:
    fields = []
    for col in rt.columns:
        numeric = col.kind in ("number", "integer") and (rt.name, col.name) not in TEXT_NUMBERS
        fields.append(pa.field(col.name, pa.int64() if numeric else pa.string()))
    return pa.schema(fields)


Column: TypeAlias = pa.Array | np.ndarray | Sequence[Any]


class CsvSink:
    """One template CSV per record type in ``out_dir``, appended to in chunks."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.paths: dict[str, Path] = {}
        self.rows: dict[str, int] = {}
        self._writers: dict[str, pacsv.CSVWriter] = {}
        self._schemas: dict[str, pa.Schema] = {}
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, rt in RECORD_TYPES.items():
            path = out_dir / f"{name}.csv"
            schema = _schema(rt)
            self.paths[name] = path
            self.rows[name] = 0
            self._schemas[name] = schema
            self._writers[name] = pacsv.CSVWriter(str(path), schema)

    def write(self, record_type: str, n: int, columns: Mapping[str, Column]) -> None:
        """Append ``n`` rows; template columns missing from ``columns`` are left empty."""
        if n == 0:
            return
        schema = self._schemas[record_type]
        unknown = set(columns) - set(schema.names)
        if unknown:
            raise KeyError(f"{record_type}: not template columns: {sorted(unknown)}")
        arrays = [_arrow(columns.get(f.name), f.type, n) for f in schema]
        self._writers[record_type].write_table(pa.Table.from_arrays(arrays, schema=schema))
        self.rows[record_type] += n

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def __enter__(self) -> CsvSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _arrow(value: Column | None, typ: pa.DataType, n: int) -> pa.Array:
    if value is None:
        return pa.nulls(n, typ)
    arr = value if isinstance(value, pa.Array) else pa.array(value)
    if len(arr) != n:
        raise ValueError(f"column of {len(arr)} values in a chunk of {n} rows")
    return arr if arr.type == typ else pc.cast(arr, typ)


# -- column helpers ---------------------------------------------------------------------------
def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded number, e.g. ``LD0000042``."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def take(values: pa.Array, idx: np.ndarray) -> pa.Array:
    """``values[idx]``, null where ``idx`` is negative."""
    return values.take(pa.array(np.maximum(idx, 0), mask=idx < 0))


def timestamps(ts: np.ndarray) -> pa.Array:
    """Local times as ``2026-03-05T14:30:07+07:00`` (null for :data:`NONE`)."""
    text = pc.cast(_instants(ts), pa.string())  # 2026-03-05 14:30:07 (faster than strftime)
    text = pc.utf8_replace_slice(text, start=10, stop=11, replacement="T")
    return pc.binary_join_element_wise(text, WIB, "")


def dates(ts: np.ndarray) -> pa.Array:
    """Local times as calendar days ``2026-03-05`` (null for :data:`NONE`)."""
    return pc.cast(pc.cast(_instants(ts), pa.date32()), pa.string())


def _instants(ts: np.ndarray) -> pa.Array:
    return pa.array(ts.astype("datetime64[s]"), mask=ts == NONE)


def optional(values: np.ndarray, present: np.ndarray) -> pa.Array:
    """Whole numbers, null where ``present`` is false."""
    return pa.array(np.asarray(values).astype(np.int64), mask=~present)


def choose_text(choices: Sequence[str], idx: np.ndarray) -> pa.Array:
    """Texts from ``choices`` by index (null where the index is negative)."""
    return take(pa.array(list(choices), pa.string()), idx)
