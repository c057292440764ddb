"""In-process caches that stay right while other processes write to the store.

Opening the store costs tens of milliseconds, so the web app avoids it when nothing changed:
:class:`StoreWatch` looks at the store file's size and modification time (microseconds) and
re-reads the version counters (``data_version`` for data and settings, ``auth_version`` for
withdrawn sessions, tokens and accounts) only when the file changed or ``max_age`` passed.
Cached values are keyed by those counters, so a write anywhere — an import from the CLI, a
revoked token — is seen by the next request.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from pantau.auth.users import auth_version
from pantau.store import Store

T = TypeVar("T")


@dataclass(frozen=True)
class Versions:
    """The store's change counters at one moment."""

    data: int
    auth: int


class StoreWatch:
    """Cheap answers to "what are the store's version counters now?"."""

    def __init__(self, store: Store, *, max_age_s: float = 2.0) -> None:
        self.store = store
        self.max_age_s = max_age_s
        self._lock = threading.Lock()
        self._reading = threading.Lock()  # held by the one thread reading the store
        self._seen: tuple[tuple[int, int] | None, ...] | None = None
        self._at = 0.0
        self._versions = Versions(-1, -1)

    def _fingerprint(self) -> tuple[tuple[int, int] | None, ...]:
        out: list[tuple[int, int] | None] = []
        for path in (self.store.path, self.store.path.with_name(self.store.path.name + ".wal")):
            try:
                st = os.stat(path)
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def versions(self) -> Versions:
        """The current counters (reads the store only when its files changed or aged).

        One thread reads at a time. While the files are unchanged and the reading has merely
        aged, the others keep answering with it instead of queueing behind the read (with
        many concurrent requests every thread would otherwise open the store at once).
        """
        seen = self._fingerprint()
        with self._lock:
            same = seen == self._seen
            if same and time.monotonic() - self._at < self.max_age_s:
                return self._versions
        if same and not self._reading.acquire(blocking=False):
            with self._lock:
                return self._versions  # another thread is re-reading; the files did not change
        if not same:
            self._reading.acquire()
        try:
            with self._lock:  # a thread that held the read lock before us may have just read
                if seen == self._seen and time.monotonic() - self._at < self.max_age_s:
                    return self._versions
            with self.store.read() as con:
                row = con.execute(
                    "SELECT value FROM pantau_meta WHERE key = 'data_version'"
                ).fetchone()
                versions = Versions(int(row[0]) if row else 0, auth_version(con))
            with self._lock:
                # the fingerprint taken *before* reading: a write racing with us changes it again
                self._seen, self._at, self._versions = seen, time.monotonic(), versions
            return versions
        finally:
            self._reading.release()

    def forget(self) -> None:
        """Make the next :meth:`versions` read the store (after this process wrote to it)."""
        with self._lock:
            self._seen = None


class Cache:
    """A bounded LRU where each missing key is computed once, however many ask at once."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(
        self, key: Hashable, compute: Callable[[], T], *, keep: Callable[[T], bool] | None = None
    ) -> T:
        """The cached value of ``key``, computing it with ``compute()`` when absent.

        ``keep``: whether a computed value may be remembered (default: always).
        """
        found, value = self._lookup(key)
        if found:
            return value
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            found, value = self._lookup(key)
            if found:
                return value
            try:
                value = compute()
                if keep is None or keep(value):
                    self._put(key, value)
            finally:
                with self._lock:
                    self._flights.pop(key, None)
            with self._lock:
                self.misses += 1
        return value

    def _lookup(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return True, self._data[key]
        return False, None

    def _put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
