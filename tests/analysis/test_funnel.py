"""The stage funnel on a hand-worked pipeline (expected numbers worked out in the comments)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pantau.analysis.funnel import compute_funnel
from pantau.errors import UsageError
from pantau.metrics import Scope
from pantau.store import Store

from .helpers import Insert, insert

STAGES = ["Prospecting", "Qualified", "Proposal", "Negotiation", "Closed Won"]


def _opp(oid: str, rep: str, created: str, stage: str, **kw: Any) -> dict[str, Any]:
    return {"opportunity_id": oid, "rep_id": rep, "created_at": created, "stage": stage, **kw}


def _hist(oid: str, *steps: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"opportunity_id": oid, "stage": s, "entered_at": at} for s, at in steps]


@pytest.fixture(scope="module")
def pipeline(shared_store: Store) -> Store:
    """Five opportunities created in 2025-01..03, furthest forward stage ("depth") in brackets:

    O1 (R1) full history up to Closed Won                        [5]
    O2 (R1) prospecting → PROPOSAL: Qualified skipped             [3]
    O3 (R2) no history, current stage "negotiation"               [4]
    O4 (R2) Prospecting, Qualified ×2, back, Qualified, Closed Lost [2], lost
    O6 (R1) created in February, still Prospecting                [1]
    Outside the period: O5 (2024-12) and O7 (local 2025-04-01 01:00 = UTC 2025-03-31 18:00).
    """
    insert(
        shared_store,
        "stages",
        *[
            {"stage": name, "position": i, "kind": "won" if name == "Closed Won" else "open"}
            for i, name in enumerate(STAGES, start=1)
        ],
        {"stage": "Closed Lost", "position": 6, "kind": "lost"},
    )
    insert(
        shared_store,
        "reps",
        {"rep_id": "R1", "team": "North", "region": "Jawa"},
        {"rep_id": "R2", "team": "South", "region": "Bali"},
    )
    insert(shared_store, "leads", {"lead_id": "L1", "created_at": "2025-01-01", "source": "Web"})
    insert(
        shared_store,
        "opportunities",
        _opp("O1", "R1", "2025-01-02 09:00", "Closed Won", lead_id="L1"),
        _opp("O2", "R1", "2025-01-03 09:00", "Proposal"),
        _opp("O3", "R2", "2025-01-04 09:00", "negotiation"),
        _opp("O4", "R2", "2025-01-05 09:00", "Closed Lost"),
        _opp("O5", "R1", "2024-12-20 09:00", "Closed Won"),
        _opp("O6", "R1", "2025-02-01 09:00", "Prospecting"),
        _opp("O7", "R2", "2025-04-01 01:00", "Proposal"),
    )
    insert(
        shared_store,
        "stage_history",
        *_hist(
            "O1",
            ("Prospecting", "2025-01-02 09:00"),
            ("Qualified", "2025-01-03 09:00"),
            ("Proposal", "2025-01-04 09:00"),
            ("Negotiation", "2025-01-05 09:00"),
            ("Closed Won", "2025-01-06 09:00"),
        ),
        *_hist("O2", ("prospecting", "2025-01-03 09:00"), ("PROPOSAL", "2025-01-04 09:00")),
        *_hist(
            "O4",
            ("Prospecting", "2025-01-05 09:00"),
            ("Qualified", "2025-01-06 09:00"),
            ("Qualified", "2025-01-07 09:00"),
            ("Prospecting", "2025-01-08 09:00"),
            ("Qualified", "2025-01-09 09:00"),
            ("Closed Lost", "2025-01-10 09:00"),
        ),
        *_hist("O6", ("Prospecting", "2025-02-01 09:00")),
    )
    return shared_store


def _reached(group: dict[str, Any]) -> list[int]:
    return [step["reached"] for step in group["stages"]]


def test_funnel_counts(pipeline: Store) -> None:
    result = compute_funnel(pipeline, start="2025-01", end="2025-03", lang="en")
    assert (result["start"], result["end"], result["stage_source"]) == (
        "2025-01",
        "2025-03",
        "stages",
    )
    assert [s["stage"] for s in result["stages"]] == STAGES
    assert [s["stage"] for s in result["lost_stages"]] == ["Closed Lost"]
    (group,) = result["groups"]
    assert group["opportunities"] == 5
    # depths 5, 3, 4, 2, 1 → reached stage i when depth ≥ i
    assert _reached(group) == [5, 4, 3, 2, 1]
    steps = group["stages"]
    assert steps[0]["step_rate"] is None
    assert [s["step_rate"] for s in steps[1:]] == pytest.approx([4 / 5, 3 / 4, 2 / 3, 1 / 2])
    assert [s["cumulative_rate"] for s in steps] == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2])
    # O4 was lost with Qualified as its furthest stage
    assert [s["lost_here"] for s in steps] == [0, 1, 0, 0, 0]
    assert group["lost"] == [{"stage": "Closed Lost", "reached": 1, "rate": pytest.approx(0.2)}]


def test_skipped_stage_counts_as_reached(pipeline: Store) -> None:
    result = compute_funnel(pipeline, start="2025-01", end="2025-01", by="rep", lang="en")
    r1 = next(g for g in result["groups"] if g["key"] == "R1")
    # O1 [5] and O2 [3]: O2 never entered Qualified but reached Proposal
    assert _reached(r1) == [2, 2, 2, 1, 1]


def test_no_history_falls_back_to_current_stage(pipeline: Store) -> None:
    result = compute_funnel(pipeline, start="2025-01", end="2025-01", by="rep", lang="en")
    r2 = next(g for g in result["groups"] if g["key"] == "R2")
    # O3 (no history, "negotiation") [4] and O4 [2]; stage names match case-insensitively
    assert _reached(r2) == [2, 2, 1, 1, 0]


def test_breakdown_by_team_and_source(pipeline: Store) -> None:
    teams = compute_funnel(pipeline, start="2025-01", end="2025-03", by="team", lang="en")
    got = {g["key"]: _reached(g) for g in teams["groups"]}
    # North: O1 [5], O2 [3], O6 [1]; South: O3 [4], O4 [2]
    assert got == {"North": [3, 2, 2, 1, 1], "South": [2, 2, 1, 1, 0]}
    sources = compute_funnel(pipeline, start="2025-01", end="2025-03", by="Source", lang="en")
    got = {g["key"]: g["opportunities"] for g in sources["groups"]}
    assert got == {None: 4, "Web": 1}
    none_group = next(g for g in sources["groups"] if g["key"] is None)
    assert none_group["label"] == "(none)"


def test_scope_limits_the_opportunities(pipeline: Store) -> None:
    result = compute_funnel(
        pipeline, start="2025-01", end="2025-03", scope=Scope(rep_ids=frozenset({"R2"})), lang="en"
    )
    assert _reached(result["groups"][0]) == [2, 2, 1, 1, 0]
    by_team = compute_funnel(
        pipeline, start="2025-01", end="2025-03", scope=Scope(teams=frozenset({"North"}))
    )
    assert by_team["groups"][0]["opportunities"] == 3


def test_default_window_is_last_twelve_complete_months(pipeline: Store) -> None:
    # today in May 2025: April is complete and the last month with data (O7)
    result = compute_funnel(pipeline, today=date(2025, 5, 15), lang="en")
    assert (result["start"], result["end"]) == ("2024-05", "2025-04")
    assert result["groups"][0]["opportunities"] == 7
    # today in April 2025: April is not complete yet
    result = compute_funnel(pipeline, today=date(2025, 4, 10), lang="en")
    assert (result["start"], result["end"]) == ("2024-04", "2025-03")
    assert result["groups"][0]["opportunities"] == 6


def test_empty_period_has_zero_counts_and_null_rates(pipeline: Store) -> None:
    result = compute_funnel(pipeline, start="2023-01", end="2023-02", lang="id")
    (group,) = result["groups"]
    assert group["opportunities"] == 0 and group["label"] == "Semua peluang"
    assert all(s["reached"] == 0 and s["cumulative_rate"] is None for s in group["stages"])
    assert result["title"] == "Corong Tahapan"


def test_derived_stage_order_without_stages(store: Store, add: Insert) -> None:
    """No stages loaded. Pairwise precedence in the histories (ties count half):
    lead before demo/offer/won (D1) and offer/lost (D2) → 5/5 = 1.0;
    demo after lead, before offer and won (D1) → 2/3; offer before won (D1) and lost (D2) of its
    5 comparisons → 2/5. Order: Lead, Demo, Offer, then Won; Lost apart.
    Depths: D1 [4 won], D2 [3 offer, lost], D3 (no history, demo) [2].
    """
    add("reps", {"rep_id": "R1"})
    add(
        "opportunities",
        _opp("D1", "R1", "2025-01-02", "Won"),
        _opp("D2", "R1", "2025-01-03", "lost"),
        _opp("D3", "R1", "2025-01-04", "Demo"),
    )
    add(
        "stage_history",
        *_hist(
            "D1",
            ("Lead", "2025-01-02"),
            ("Demo", "2025-01-03"),
            ("Offer", "2025-01-04"),
            ("Won", "2025-01-05"),
        ),
        *_hist("D2", ("lead", "2025-01-03"), ("Offer", "2025-01-04"), ("Lost", "2025-01-05")),
    )
    result = compute_funnel(store, start="2025-01", end="2025-01", lang="en")
    assert result["stage_source"] == "derived"
    assert [(s["stage"], s["kind"]) for s in result["stages"]] == [
        ("Lead", "open"),
        ("Demo", "open"),
        ("Offer", "open"),
        ("Won", "won"),
    ]
    assert [s["stage"] for s in result["lost_stages"]] == ["Lost"]
    (group,) = result["groups"]
    assert _reached(group) == [3, 3, 2, 1]
    assert [s["lost_here"] for s in group["stages"]] == [0, 0, 1, 0]
    assert len(result["notes"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": "2025-13"}, "not a month"),
        ({"start": "2025-03", "end": "2025-01"}, "after it ends"),
        ({"by": "colour"}, "cannot break the funnel down"),
        ({"lang": "fr"}, "unknown language"),
    ],
)
def test_bad_values_are_usage_errors(store: Store, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        compute_funnel(store, **kwargs)
