"""Group 1, activity KPIs: activities (done) and key_activities (setting key_activity_type)."""

from __future__ import annotations

import pytest

from pantau.store import Store

from .conftest import by_key, by_period, seed

pytestmark = pytest.mark.usefixtures("engine")  # the same tests on every engine


def _act(activity_id: str, rep: str, kind: str, at: str, status: str | None = "done") -> dict:
    return {
        "activity_id": activity_id,
        "rep_id": rep,
        "type": kind,
        "occurred_at": at,
        "status": status,
    }


@pytest.fixture
def acts_store(jakarta: Store) -> Store:
    seed(
        jakarta,
        lower=False,
        reps=[{"rep_id": "R1", "team": "Alpha"}],
        activities=[
            _act("A1", "R1", "meeting", "2026-03-02 10:00"),
            _act("A2", "R1", "Meeting", "2026-03-03 10:00"),  # any case
            _act("A3", "R1", "call", "2026-03-04 10:00"),
            _act("A4", "R1", "meeting", "2026-03-05 10:00", "planned"),  # not done
            _act("A5", "R2", "meeting", "2026-03-06 10:00", None),  # no status: done
            # 2026-03-31 17:30 UTC = 2026-04-01 00:30 in Jakarta: April
            _act("A6", "R1", "call", "2026-03-31T17:30:00+00:00"),
        ],
    )
    return jakarta


def test_done_and_key_activities(acts_store: Store) -> None:
    got = by_period(
        acts_store, start="2026-03", end="2026-04", kpis=("activities", "key_activities")
    )
    # March done: A1 A2 A3 A5 = 4; meetings among them: A1 A2 A5 = 3; April: A6 (a call)
    assert (got["2026-03"]["activities"], got["2026-03"]["key_activities"]) == (4, 3)
    assert (got["2026-04"]["activities"], got["2026-04"]["key_activities"]) == (1, 0)


def test_key_type_comes_from_the_setting(acts_store: Store) -> None:
    acts_store.set_setting("key_activity_type", "Call")
    got = by_period(acts_store, start="2026-03", end="2026-03", kpis="key_activities")
    assert got["2026-03"]["key_activities"] == 1  # A3


def test_key_activities_alone_lists_only_groups_with_key_activities(acts_store: Store) -> None:
    # April has only a call: no record behind key_activities, so no April row
    got = by_period(acts_store, start="2026-03", end="2026-04", kpis="key_activities")
    assert list(got) == ["2026-03"]


def test_by_team_and_unknown_rep(acts_store: Store) -> None:
    got = by_key(acts_store, "team", start="2026-03", end="2026-03", by="team", kpis="activities")
    # R2 is not in reps: its activity has no team (null key, listed last)
    assert [(k[1], r["activities"]) for k, r in got.items()] == [("Alpha", 3), (None, 1)]
