"""Every message of the import page, the targets page and the download buttons is translated
into Indonesian (``locale/id/web_import.po`` and the other catalogues)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pantau.web
from pantau.i18n import _catalogue

WEB = Path(pantau.web.__file__).parent
TEMPLATES = [
    "import_upload.html",
    "import_mapping.html",
    "import_done.html",
    "_import_report.html",
    "_issues.html",
    "targets.html",
    "overview.html",  # the download buttons
    "kpi.html",
    "imports.html",
]
SOURCES = [
    "forms.py",
    "services/uploads.py",
    "services/mappings.py",
    "services/targets.py",
    "services/target_grid.py",
    "services/web_import.py",
    "services/exports.py",
    "pages/imports_upload.py",
    "pages/targets.py",
    "pages/downloads.py",
]
CALL = re.compile(r"""\b_\(\s*(?:"([^"]+)"|'([^']+)')\s*[,)]""")
MARKERS = {"_", "gettext", "N_"}
#: exceptions whose (constant) message an error page shows through ``_(message)``
ERRORS = {"Forbidden", "UsageError"}


def template_msgids() -> set[str]:
    texts = [(WEB / "templates" / name).read_text(encoding="utf-8") for name in TEMPLATES]
    return {a or b for text in texts for a, b in CALL.findall(text)}


def python_msgids() -> set[str]:
    found = set()
    for name in SOURCES:
        for node in ast.walk(ast.parse((WEB / name).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if called in MARKERS | ERRORS and isinstance(first, ast.Constant):
                found.add(str(first.value))
    return found


def test_messages_are_found() -> None:
    assert {"Drop a file here", "Save changes", "— not in the file —"} <= template_msgids()
    assert {"choose a file to upload", "targets are set by admins and managers"} <= python_msgids()


def test_every_message_has_an_indonesian_translation() -> None:
    missing = (template_msgids() | python_msgids()) - set(_catalogue("id"))
    assert not missing, sorted(missing)
