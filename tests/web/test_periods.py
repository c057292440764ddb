"""The period a page shows by default: the last complete month with a record behind a KPI."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pantau.metrics.periods import label, month_of_date
from pantau.store import Store, bump_data_version
from pantau.web import WebConfig
from pantau.web.context import WebContext
from pantau.web.services.periods import last_data_month


def _month_start(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}-15 10:00:00"


def test_planned_activities_do_not_make_a_month_with_data(store: Store) -> None:
    today = datetime.now(ZoneInfo(store.settings()["timezone"])).date()
    complete = month_of_date(today) - 1  # the last complete month
    with store.write() as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, created_at_local) VALUES ('L1', ?, ?)",
            [_month_start(complete - 2)] * 2,
        )
        con.execute(
            "INSERT INTO activities (activity_id, occurred_at, occurred_at_local, status) "
            "VALUES ('A1', ?, ?, 'planned')",
            [_month_start(complete)] * 2,
        )
        bump_data_version(con)
    ctx = WebContext(store, WebConfig())
    assert label(last_data_month(ctx), "month") == label(complete - 2, "month")
    with store.write() as con:  # the same activity done: now that month has data
        con.execute("UPDATE activities SET status = 'done'")
        bump_data_version(con)
    assert label(last_data_month(ctx), "month") == label(complete, "month")
