"""The object the web app is built around: the store, the settings and the caches."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from pantau import auth
from pantau.auth.users import utcnow
from pantau.store import Store
from pantau.web.cache import Cache, StoreWatch
from pantau.web.config import WebConfig
from pantau.web.services.uploads import UploadArea

T = TypeVar("T")


@dataclass
class WebContext:
    """Shared by every request of one app (``request.app.state.ctx``)."""

    store: Store
    config: WebConfig = field(default_factory=WebConfig)

    def __post_init__(self) -> None:
        self.watch = StoreWatch(self.store, max_age_s=self.config.version_max_age_s)
        self.data_cache = Cache(self.config.cache_entries)
        self.auth_cache = Cache(1024)
        self.uploads = UploadArea()  # files between the steps of a web import

    def cached(
        self,
        key: tuple[Hashable, ...],
        compute: Callable[[], T],
        *,
        keep: Callable[[T], bool] | None = None,
    ) -> T:
        """``compute()``, remembered until the store's data changes (if ``keep`` allows)."""
        return self.data_cache.get((self.watch.versions().data, *key), compute, keep=keep)

    def session(self, cookie: str) -> auth.Session | None:
        """The live session behind a cookie value (cached until an account/session changes)."""
        key = ("session", self.watch.versions().auth, auth.tokens.digest(cookie))
        session = self._auth_lookup(key, lambda: auth.load_session(self.store, cookie))
        if session is not None and session.expires_at <= utcnow():
            return None
        return session

    def token_user(self, token: str) -> auth.User | None:
        """The account of a valid API token (cached until a token/account changes)."""
        key = ("token", self.watch.versions().auth, auth.tokens.digest(token))
        return self._auth_lookup(key, lambda: auth.user_for_token(self.store, token))

    def _auth_lookup(self, key: tuple[Hashable, ...], load: Callable[[], T | None]) -> T | None:
        # Misses are not kept: a session opened by another process must be found at once.
        return self.auth_cache.get(key, load, keep=lambda found: found is not None)

    def settings(self) -> dict[str, str]:
        return self.cached(("settings",), self.store.settings)

    def rep_teams(self) -> dict[str, str | None]:
        return self.cached(("rep_teams",), lambda: auth.rep_directory(self.store))

    def has_admin(self) -> bool:
        """Whether an admin exists (only "yes" is kept: the last admin cannot be removed)."""
        key = ("has_admin", self.watch.versions().auth)
        return self.auth_cache.get(key, lambda: auth.has_admin(self.store), keep=bool)

    def wrote(self) -> None:
        """This process changed the store: look again before trusting the caches."""
        self.watch.forget()
