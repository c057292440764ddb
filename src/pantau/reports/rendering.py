"""The Jinja2 environment of the report templates, and HTML → PDF without network access."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def templates() -> jinja2.Environment:
    """The templates in ``pantau/reports/templates`` (HTML autoescaped: user data is text)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pantau.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained HTML page as PDF; external resources are refused."""
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=_offline_fetcher())
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _offline_fetcher() -> Any:
    """A URL fetcher that serves ``data:`` URLs only (no http(s), no file:)."""
    import weasyprint

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint ≥ 68
        return weasyprint.URLFetcher(allowed_protocols={"data"})
    return _refuse_but_data


def _refuse_but_data(url: str) -> Any:  # WeasyPrint < 68: a plain function
    import weasyprint

    if url.startswith("data:"):
        return weasyprint.default_url_fetcher(url)
    raise ValueError(f"Pantau reports load nothing from outside: {url}")
