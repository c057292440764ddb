"""Settings of the web server (environment variables ``PANTAU_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WebConfig:
    """How the web app behaves.

    ``https``: the site is reached over HTTPS (cookies get ``Secure``, responses HSTS); from
    ``PANTAU_HTTPS=1`` or ``pantau serve --https``. ``cache_entries``: computed KPI tables kept in
    memory. ``version_max_age_s``: how long the store's version counters are trusted without
    looking at the store file again.
    """

    https: bool = False
    cache_entries: int = 256
    version_max_age_s: float = 2.0

    @classmethod
    def from_env(cls, *, https: bool | None = None) -> WebConfig:
        return cls(
            https=_flag("PANTAU_HTTPS") if https is None else https,
            cache_entries=int(os.environ.get("PANTAU_WEB_CACHE", "256")),
        )
