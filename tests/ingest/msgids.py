"""The translatable messages of the importer, found in the source (shared by a test and tools)."""

from __future__ import annotations

import ast
from pathlib import Path

import pantau

SOURCES = [*sorted(Path(pantau.__file__).parent.joinpath("ingest").rglob("*.py"))]
SOURCES += [
    Path(pantau.__file__).parent / "cli" / f"{name}_cmd.py" for name in ("import", "mapping")
]
#: function name → positions of its arguments that are messages
MARKERS = {"_": (0,), "N_": (0,), "gettext": (0,), "fail": (1, 2)}


def msgids() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            for pos in MARKERS.get(str(name), ()):
                if pos < len(node.args):
                    arg = node.args[pos]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
    return found
