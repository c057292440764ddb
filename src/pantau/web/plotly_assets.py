"""plotly.js for the pages: the script (gzipped once) and its CSS as a stylesheet.

The script is 4.8 MB; sent gzipped (about 1.4 MB) to browsers that accept it, compressed once per
process. Its CSS rules are served as a stylesheet, so charts work under ``style-src 'self'``:

plotly.js normally injects its rules into an inline ``<style>`` element, which Pantau's CSP
refuses. It skips that when the page has an element ``#plotly.js-style-global.no-inline-styles``
— so pages link this stylesheet under that id. The rules are read from the installed
``plotly.min.js`` (the same version as the script); if a future build hides them, the sheet is
empty and plotly merely logs a warning.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from functools import cache
from importlib import resources

_TABLE = re.compile(r"=(\{\"X,X div\":.*?\});for\(\w+ in \w+\)")
_PAIR = re.compile(r"(\"[^\"]*\"|'[^']*'|[A-Za-z_]\w*):(\"[^\"]*\"|'[^']*')")
_SELECTOR_ROOTS = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}


def plotly_js_path() -> str:
    """``plotly.min.js`` of the installed ``plotly`` wheel."""
    return str(resources.files("plotly").joinpath("package_data", "plotly.min.js"))


def rules_to_css(table: str) -> str:
    """The CSS of plotly's ``{selector-template: declarations}`` table (JS literal text)."""
    out = []
    for key, value in _PAIR.findall(table):
        selector = key.strip("\"'")
        selector = re.sub(r"^,", " ,", selector)
        for placeholder, root in _SELECTOR_ROOTS.items():
            selector = selector.replace(placeholder, root)
        out.append(f"{selector}{{{value[1:-1]}}}")
    return "\n".join(out) + "\n"


@cache
def plotly_css() -> str:
    with open(plotly_js_path(), encoding="utf-8") as fh:
        match = _TABLE.search(fh.read())
    return rules_to_css(match.group(1)) if match else ""


@cache
def plotly_js_gzip() -> tuple[bytes, str]:
    """(gzipped ``plotly.min.js``, its ETag)."""
    with open(plotly_js_path(), "rb") as fh:
        raw = fh.read()
    etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
    return gzip.compress(raw, compresslevel=6, mtime=0), etag
