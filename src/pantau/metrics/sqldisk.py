"""Compiled SQL kept on disk, so that a new process does not build and compile it again.

Building the KPI queries as Ibis expressions and compiling them costs a fresh process more than
running them on a small store (importing Ibis's backend and compiler included). For engines whose
driver binds positional parameters (DuckDB: ``$1``, ``$2``…), the SQL of a query shape is one
text for every parameter value (:mod:`pantau.metrics.compiled`), and that text is kept here:
one small JSON file per (code, libraries, dialect, shape, number of parameters).

- **Where**: ``$PANTAU_CACHE_DIR``, else ``$XDG_CACHE_HOME/pantau``, else ``~/.cache/pantau``;
  the files are in its ``sql`` folder.
- **Key**: the cache format, Pantau's version, a hash of the source files of
  :mod:`pantau.metrics` and :mod:`pantau.model` (editing a definition or a table's columns makes
  new keys), the versions of Ibis, sqlglot and DuckDB, Python's major.minor, the dialect, the
  shape (as a stable text, see :func:`stable_repr`: never ``hash()``, which differs between
  processes) and the number of parameters. The whole key is stored in the file and compared on
  reading; the file name is its SHA-256.
- **Safety**: parameter values never go to disk or into the text; only ``int`` values are bound
  (``compiled._check_params``). Files are written to a temporary name and renamed (readers never
  see half a file). Anything unreadable, corrupt, foreign or unwritable is ignored: the SQL is
  then compiled as without this cache.
- **Size**: at most :data:`MAX_ENTRIES` files; when a write goes over, the oldest files go.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

FORMAT = 1
#: files kept at most (a full catalogue at one grain and breakdown is about a dozen)
MAX_ENTRIES = 1000
#: a file larger than this is not one of ours
MAX_BYTES = 1 << 20
#: libraries whose version changes the SQL: (module, distribution)
LIBRARIES = (("ibis", "ibis_framework"), ("sqlglot", "sqlglot"), ("duckdb", "duckdb"))


def cache_root() -> Path:
    """``$PANTAU_CACHE_DIR``, else ``$XDG_CACHE_HOME/pantau``, else ``~/.cache/pantau``."""
    env = os.environ.get("PANTAU_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "pantau"


def stable_repr(obj: Any) -> str:
    """A text of ``obj`` that is the same in every process (sets sorted, dataclasses by field);
    :class:`TypeError` for a value without one."""
    if obj is None or isinstance(obj, bool | int | str):
        return repr(obj)
    if isinstance(obj, float):
        return repr(obj)
    if isinstance(obj, tuple | list):
        return "(" + ",".join(stable_repr(v) for v in obj) + ")"
    if isinstance(obj, frozenset | set):
        return "{" + ",".join(sorted(stable_repr(v) for v in obj)) + "}"
    if isinstance(obj, dict):
        items = sorted(f"{stable_repr(k)}:{stable_repr(v)}" for k, v in obj.items())
        return "{" + ",".join(items) + "}"
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = ",".join(
            f"{f.name}={stable_repr(getattr(obj, f.name))}" for f in dataclasses.fields(obj)
        )
        return f"{type(obj).__module__}.{type(obj).__qualname__}({fields})"
    raise TypeError(f"no stable text for {type(obj).__name__}")


def _library_version(module: str, dist: str) -> str:
    """The installed version of ``module`` without importing it: its ``.dist-info`` folder next
    to the package; else the size and modification time of its ``__init__``."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return "absent"
    if spec is None or spec.origin is None:
        return "absent"
    origin = Path(spec.origin)
    folder = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    try:
        prefix = f"{dist.lower()}-"
        for name in os.listdir(folder):
            low = name.lower()
            if low.startswith(prefix) and low.endswith(".dist-info"):
                return name[len(prefix) : -len(".dist-info")]
        st = origin.stat()
    except OSError:
        return "unknown"
    return f"{st.st_size}-{st.st_mtime_ns}"


def _source_hash() -> str:
    """SHA-256 of the Python sources of :mod:`pantau.metrics` and :mod:`pantau.model`."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for root in (package, package.parent / "model"):
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def environment() -> tuple[str, ...]:
    """What every key shares: the format, Pantau's code and the libraries' versions."""
    from pantau import __version__

    versions = [f"{m}={_library_version(m, d)}" for m, d in LIBRARIES]
    python = f"python={sys.version_info[0]}.{sys.version_info[1]}"
    return (f"format={FORMAT}", f"pantau={__version__}", _source_hash(), *versions, python)


class SqlDisk:
    """The SQL texts of query shapes, in files under :func:`cache_root` (or ``root``)."""

    def __init__(self, root: Path | None = None, max_entries: int = MAX_ENTRIES) -> None:
        self._root = root
        self.max_entries = max_entries
        self._env: tuple[str, ...] | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.writes = 0

    def folder(self) -> Path:
        return (self._root or cache_root()) / "sql"

    def _environment(self) -> tuple[str, ...] | None:
        with self._lock:
            if self._env is None:
                try:
                    self._env = environment()
                except (OSError, ImportError):
                    self._env = ()  # cannot tell the code's version: no disk cache
            return self._env or None

    def key(self, dialect: str, shape: Any, n: int) -> str | None:
        """The full key of a shape (None: the shape or the code has no stable key)."""
        env = self._environment()
        if env is None:
            return None
        try:
            shape_text = stable_repr(shape)
        except TypeError:
            return None
        return json.dumps([*env, dialect, shape_text, n])

    def _path(self, key: str) -> Path:
        return self.folder() / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".json")

    def get(self, key: str | None) -> str | None:
        """The SQL stored under ``key``, or None (absent, unreadable, corrupt, foreign)."""
        if key is None:
            return None
        try:
            with open(self._path(key), "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
            entry = json.loads(raw) if len(raw) <= MAX_BYTES else None
        except (OSError, ValueError):
            entry = None
        ok = (
            isinstance(entry, dict)
            and entry.get("key") == key
            and isinstance(entry.get("sql"), str)
        )
        with self._lock:
            if ok:
                self.hits += 1
            else:
                self.misses += 1
        return entry["sql"] if ok else None  # type: ignore[index]

    def put(self, key: str | None, sql: str) -> None:
        """Store ``sql`` under ``key``; silently nothing when the folder is not writable."""
        if key is None:
            return
        folder = self.folder()
        tmp = None
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "sql": sql}, fh)
            os.replace(tmp, self._path(key))
            tmp = None
            with self._lock:
                self.writes += 1
            self._trim(folder)
        except OSError:
            pass
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def _trim(self, folder: Path) -> None:
        """Keep at most ``max_entries`` files: the oldest go first (and stale temporaries)."""
        entries = []
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.endswith(".json"):
                    try:
                        entries.append((entry.stat().st_mtime_ns, entry.path))
                    except OSError:
                        continue
        if len(entries) <= self.max_entries:
            return
        entries.sort()
        for _mtime, path in entries[: len(entries) - self.max_entries * 3 // 4]:
            with contextlib.suppress(OSError):
                os.unlink(path)

    def reset_counters(self) -> None:
        with self._lock:
            self.hits = self.misses = self.writes = 0
