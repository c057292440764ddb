"""In-process caches of the KPI engine, and how a store's version is known without opening it.

Everything the engine remembers is keyed by the store's *identity* and its ``data_version``
(``pantau_meta``), which every committed write increases (an import, a settings change). A new
version therefore never sees an older version's entries, whatever process wrote.

To answer a repeated question without opening the store at all, :class:`VersionWatch` remembers,
per store, the version it last read together with the *fingerprint* of the store's files (inode,
size and modification time of the DuckDB file and its WAL) taken while the shared lock was held.
As long as the files look the same, and the version was read less than ``max_age_s`` ago, that
version is still current; otherwise the engine opens the store and reads it again. (A write
changes the files' size or modification time; ``max_age_s`` bounds the theoretical case of a
write that changes neither within the clock's resolution.)

Other engines' stores are cached only when they name themselves (``cache_identity()``); without
a ``cache_fingerprint()`` their version is read (one small query) on every call.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

StoreId = tuple[Hashable, ...]
Fingerprint = tuple[tuple[int, int, int] | None, ...]


class LruCache(Generic[K, V]):
    """A thread-safe LRU bounded by total weight (default: one per entry)."""

    def __init__(self, max_weight: int, weigher: Callable[[V], int] | None = None) -> None:
        self.max_weight = max_weight
        self._weigher = weigher or (lambda _value: 1)
        self._data: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def lookup(self, key: K) -> tuple[bool, V | None]:
        """``(True, value)`` when ``key`` is cached (it becomes the most recent), else
        ``(False, None)``."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self.misses += 1
                return False, None
            self._data.move_to_end(key)
            self.hits += 1
            return True, entry[0]

    def get(self, key: K) -> V | None:
        return self.lookup(key)[1]

    def put(self, key: K, value: V) -> None:
        """Remember ``value``; a value heavier than the whole cache is not kept."""
        weight = max(1, self._weigher(value))
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            if weight > self.max_weight:
                return
            self._data[key] = (value, weight)
            self._weight += weight
            while self._weight > self.max_weight:
                _key, (_value, w) = self._data.popitem(last=False)
                self._weight -= w

    def pop(self, key: K) -> V | None:
        with self._lock:
            entry = self._data.pop(key, None)
            if entry is None:
                return None
            self._weight -= entry[1]
            return entry[0]

    def key_list(self) -> list[K]:
        """The cached keys, least recent first (a copy)."""
        with self._lock:
            return list(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weight = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    @property
    def weight(self) -> int:
        with self._lock:
            return self._weight


def _stat(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def is_duckdb_file_store(store: Any) -> bool:
    """Whether ``store`` is Pantau's own DuckDB file store (not another engine's subclass)."""
    from pantau.store.duckdb_store import Store

    return type(store) is Store  # subclasses (other engines) keep other data elsewhere


def store_identity(store: Any) -> StoreId | None:
    """What tells this store apart from any other in this process (None: not cacheable).

    The DuckDB store: its file's real path, device and inode, so that a store file replaced by
    another one (a restored backup, a rebuilt demo) is a different store. Another kind of store
    is cached only if it says who it is (``cache_identity()``).
    """
    custom = getattr(store, "cache_identity", None)
    if callable(custom):
        found = custom()
        return ("custom", found) if found is not None else None
    if not is_duckdb_file_store(store):
        return None
    real = os.path.realpath(os.fspath(store.path))
    try:
        st = os.stat(real)
    except OSError:
        return None
    return ("file", real, st.st_dev, st.st_ino)


def fingerprint(store: Any) -> Fingerprint | None:
    """What changes whenever the store's data can have changed, cheaply (no connection): the
    DuckDB store files' (inode, size, mtime_ns); another store's ``cache_fingerprint()`` if it
    has one; None otherwise (its version is then read on every call)."""
    custom = getattr(store, "cache_fingerprint", None)
    if callable(custom):
        found = custom()
        return None if found is None else (found,)
    if not is_duckdb_file_store(store):
        return None
    main = os.fspath(store.path)
    return (_stat(main), _stat(main + ".wal"))


@dataclass(frozen=True)
class _Seen:
    fingerprint: Fingerprint
    version: int
    at: float


class VersionWatch:
    """The last data version read per store, trusted while the store's files are unchanged."""

    def __init__(self, max_age_s: float = 2.0) -> None:
        self.max_age_s = max_age_s
        self._seen: dict[StoreId, _Seen] = {}
        self._lock = threading.Lock()

    def peek(self, ident: StoreId, store: Any) -> int | None:
        """The store's current version if known without opening it, else None."""
        with self._lock:
            seen = self._seen.get(ident)
        if seen is None or time.monotonic() - seen.at >= self.max_age_s:
            return None
        return seen.version if fingerprint(store) == seen.fingerprint else None

    def remember(self, ident: StoreId, fp: Fingerprint | None, version: int) -> None:
        """``version`` was read while the store's files had fingerprint ``fp`` (lock held)."""
        if fp is None:
            return
        with self._lock:
            self._seen[ident] = _Seen(fp, version, time.monotonic())
            while len(self._seen) > 256:  # stores come and go in long test runs
                self._seen.pop(next(iter(self._seen)))

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
