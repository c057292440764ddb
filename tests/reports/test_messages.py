"""Every message the reports show is translated into Indonesian (locale/id/*.po)."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pantau.reports
from pantau.i18n import _catalogue

SOURCES = sorted(Path(pantau.reports.__file__).parent.glob("*.py"))
SOURCES.append(Path(pantau.reports.__file__).parents[1] / "cli" / "report_cmd.py")
MARKERS = {"gettext", "N_", "t"}
TEMPLATE_CALL = re.compile(r"""\bt\(\s*(?:"([^"]+)"|'([^']+)')""")


def python_msgids() -> set[str]:
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in MARKERS:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def template_msgids() -> set[str]:
    folder = resources.files("pantau.reports").joinpath("templates")
    texts = [f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".html")]
    return {a or b for text in texts for a, b in TEMPLATE_CALL.findall(text)}


def test_messages_are_found() -> None:
    assert {"Sales KPI report", "whole company", "not yet met"} <= python_msgids()
    assert {"KPIs against target", "Page", "Targets met"} <= template_msgids()


def test_every_message_has_an_indonesian_translation() -> None:
    missing = (python_msgids() | template_msgids()) - set(_catalogue("id"))
    assert not missing, sorted(missing)
