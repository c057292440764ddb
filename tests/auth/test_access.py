"""The access policy: one function turns an account (+ filters) into what it may see."""

from __future__ import annotations

import pytest

from pantau import auth
from pantau.auth import Grant, grant_for
from pantau.errors import UsageError

REPS = {"R1": "Jawa", "R2": "Jawa", "R3": "Sumatra"}
ADMIN = auth.User(1, "a@x.id", "admin")
MANAGER = auth.User(2, "m@x.id", "manager", teams=("Jawa",))
REP = auth.User(3, "r@x.id", "rep", rep_id="R1")


def g(user: auth.User, **kw: object) -> Grant:
    return grant_for(user, rep_teams=REPS, **kw)  # type: ignore[arg-type]


def test_admin_sees_all_and_filters_freely() -> None:
    assert g(ADMIN).scope() is None
    assert g(ADMIN, team="Sumatra").teams == {"Sumatra"}
    assert g(ADMIN, rep="R3").rep_ids == {"R3"}
    g(ADMIN).check_by("rep")


def test_manager_is_held_to_their_teams() -> None:
    assert g(MANAGER).teams == {"Jawa"} and g(MANAGER).rep_ids is None
    assert g(MANAGER, rep="R2").rep_ids == {"R2"}
    with pytest.raises(auth.Forbidden):
        g(MANAGER, team="Sumatra")
    with pytest.raises(auth.Forbidden):
        g(MANAGER, rep="R3")
    with pytest.raises(auth.Forbidden):
        g(MANAGER, rep="unknown")


def test_rep_sees_only_themselves() -> None:
    grant = g(REP)
    assert grant.rep_ids == {"R1"} and grant.teams is None
    grant.check_by("rep")  # allowed: it yields only their own row
    for by in ("team", "region"):
        with pytest.raises(auth.Forbidden):
            grant.check_by(by)
    assert g(REP, rep="R1").rep_ids == {"R1"}
    assert g(REP, team="Jawa").rep_ids == {"R1"}
    with pytest.raises(auth.Forbidden):
        g(REP, rep="R2")
    with pytest.raises(auth.Forbidden):
        g(REP, team="Sumatra")


def test_company_totals_without_breakdown_for_everyone() -> None:
    for user in (MANAGER, REP):
        grant = g(user, company=True)
        assert grant.scope() is None
        grant.check_by(None)
        with pytest.raises(auth.Forbidden):
            grant.check_by("rep")
    g(ADMIN, company=True).check_by("rep")
    with pytest.raises(UsageError):
        g(REP, company=True, team="Jawa")


def test_rep_and_team_must_agree() -> None:
    with pytest.raises(UsageError, match="not in team"):
        g(ADMIN, rep="R3", team="Jawa")
    assert g(ADMIN, rep="R1", team="Jawa").rep_ids == {"R1"}


def test_grant_key_is_stable() -> None:
    assert g(MANAGER).key == g(MANAGER).key
    assert g(MANAGER).key != g(REP).key
