"""Who may see what — the one place where an account becomes a data scope.

Every page, API call and export asks :func:`grant_for` what the current account may see, and
hands the resulting :class:`Grant` to the engines (as a ``pantau.metrics.Scope``). Nothing else
in Pantau decides about access to numbers.

- **admin**: everything, any breakdown, any team or rep filter.
- **manager**: the reps of their team(s); a filter on another team or on a rep outside them is
  refused (403).
- **rep**: their own records; a breakdown by rep shows only their own row; a filter on another
  rep or another team is refused. Breakdowns by team and region are refused (a "team" row
  holding one rep's numbers would mislead).
- everyone may ask for **company-level totals** (``company=True``): no filter, no breakdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pantau.auth.errors import Forbidden
from pantau.auth.users import User
from pantau.errors import UsageError
from pantau.store import Store

if TYPE_CHECKING:
    from pantau.metrics.query import Scope

BREAKDOWNS: tuple[str, ...] = ("rep", "team", "region", "source", "product", "segment")
_ALL_BY: frozenset[str | None] = frozenset((None, *BREAKDOWNS))
_REP_BY: frozenset[str | None] = frozenset((None, "rep", "source", "product", "segment"))
_TOTALS_BY: frozenset[str | None] = frozenset((None,))


@dataclass(frozen=True)
class Grant:
    """What one request may see: the reps or teams of its data and the breakdowns allowed.

    At most one of ``rep_ids`` and ``teams`` is set (the engines read a scope with both as
    "either"); ``None`` for both is the whole company.
    """

    rep_ids: frozenset[str] | None = None
    teams: frozenset[str] | None = None
    allowed_by: frozenset[str | None] = _ALL_BY
    company: bool = False

    def scope(self) -> Scope | None:
        """The engines' scope (``None``: the whole company)."""
        if self.rep_ids is None and self.teams is None:
            return None
        from pantau.metrics.query import Scope

        return Scope(rep_ids=self.rep_ids, teams=self.teams)

    @property
    def totals_only(self) -> bool:
        """Company totals for an account that may not see others' records one by one."""
        return self.company and self.allowed_by == _TOTALS_BY

    def check_by(self, by: str | None) -> None:
        """Refuse a breakdown this grant does not allow."""
        if by not in self.allowed_by:
            raise Forbidden(f"your account may not break numbers down by {by} here")

    @property
    def key(self) -> tuple[object, ...]:
        """A hashable identity for caches (two grants with one key see the same rows)."""
        return (
            tuple(sorted(self.rep_ids)) if self.rep_ids is not None else None,
            tuple(sorted(self.teams)) if self.teams is not None else None,
            tuple(sorted(b or "" for b in self.allowed_by)),
        )


def grant_for(
    user: User,
    *,
    rep: str | None = None,
    team: str | None = None,
    company: bool = False,
    rep_teams: Mapping[str, str | None],
) -> Grant:
    """What ``user`` may see when asking for ``rep``/``team`` (or company totals).

    ``rep_teams`` maps each known rep to their team (:func:`rep_directory`); it tells whether a
    rep belongs to a manager's team. A filter outside the account's reach is
    :class:`~pantau.auth.errors.Forbidden`; a rep filter with a team the rep is not in, a
    :class:`~pantau.errors.UsageError`.
    """
    if company:
        if rep or team:
            raise UsageError("company totals cannot be combined with a team or rep filter")
        return Grant(company=True, allowed_by=_ALL_BY if user.is_admin else _TOTALS_BY)
    if user.role == "manager":
        _check_manager(user, rep=rep, team=team, rep_teams=rep_teams)
    elif user.role == "rep":
        _check_rep(user, rep=rep, team=team, rep_teams=rep_teams)
    if rep and team and rep_teams.get(rep) != team:
        raise UsageError(f"rep '{rep}' is not in team '{team}'")
    allowed_by = _REP_BY if user.role == "rep" else _ALL_BY
    if user.role == "rep" or rep:
        return Grant(rep_ids=frozenset({rep or user.rep_id or ""}), allowed_by=allowed_by)
    if team:
        return Grant(teams=frozenset({team}))
    if user.role == "manager":
        return Grant(teams=frozenset(user.teams))
    return Grant()


def _check_manager(
    user: User, *, rep: str | None, team: str | None, rep_teams: Mapping[str, str | None]
) -> None:
    if team is not None and team not in user.teams:
        raise Forbidden(f"team '{team}' is not one of your teams ({', '.join(user.teams)})")
    if rep is not None and rep_teams.get(rep) not in user.teams:
        raise Forbidden(f"rep '{rep}' is not in your team(s)")


def _check_rep(
    user: User, *, rep: str | None, team: str | None, rep_teams: Mapping[str, str | None]
) -> None:
    if rep is not None and rep != user.rep_id:
        raise Forbidden("a rep account sees only its own numbers")
    if team is not None and team != rep_teams.get(user.rep_id or ""):
        raise Forbidden("a rep account sees only its own numbers")


def may_see_imports(user: User) -> bool:
    """Import history (file names, who imported) is for admins and managers."""
    return user.role in ("admin", "manager")


def may_manage_users(user: User) -> bool:
    """Only admins add, remove and change accounts."""
    return user.is_admin


def rep_directory(store: Store) -> dict[str, str | None]:
    """Every rep of the ``reps`` table with their team."""
    with store.read() as con:
        rows = con.execute("SELECT rep_id, team FROM reps").fetchall()
    return {str(r[0]): r[1] for r in rows}
