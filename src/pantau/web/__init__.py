"""The web app: server-rendered pages and a JSON API over the same service functions."""

from pantau.web.app import create_app
from pantau.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]
