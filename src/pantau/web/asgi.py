"""The app as an import string, for servers that start several worker processes.

``pantau serve --workers N`` runs ``uvicorn pantau.web.asgi:app_from_env --factory`` with the
store in ``PANTAU_DB``: each worker process builds its own app (and its own caches) over the same
store. Any ASGI server can do the same, e.g. ``PANTAU_DB=sales.duckdb uvicorn --factory
--workers 2 pantau.web.asgi:app_from_env``.
"""

from __future__ import annotations

from fastapi import FastAPI

from pantau.store import open_store
from pantau.web.app import create_app
from pantau.web.config import WebConfig


def app_from_env() -> FastAPI:
    """The app over the store named by ``$PANTAU_DB`` (settings from ``PANTAU_*``)."""
    return create_app(open_store(), config=WebConfig.from_env())
