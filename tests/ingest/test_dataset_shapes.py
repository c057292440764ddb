"""The worked examples of docs/mapping.md, on small files of the public datasets' shapes.

Each test imports a fixture shaped like one of ``shared/datasets`` (same headers and quirks,
rows of our own) through the mapping file kept in ``docs/examples``: the examples stay true.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pantau.ingest import import_file
from pantau.ingest.mapping import load_mapping
from pantau.ingest.profile import profile_file
from pantau.store import Store

from .helpers import DATA, rows

SHAPES = DATA / "shapes"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def example(name: str) -> Path:
    return EXAMPLES / f"{name}.toml"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_example_mapping_is_valid(path: Path) -> None:
    assert load_mapping(path).record_type is not None


def test_superstore_lines_customers_and_products(store: Store) -> None:
    path = SHAPES / "superstore.csv"
    customers = import_file(store, None, path, mapping=example("superstore-customers"), lang="en")
    assert customers.rows_read == 2
    assert customers.notes == [
        "1 rows repeated the Customer ID of an earlier row: the first one was kept"
    ]
    import_file(store, None, path, mapping=example("superstore-products"), lang="en")
    report = import_file(store, None, path, mapping=example("superstore"), lang="en")
    assert report.warnings == [] and report.formats["Order Date"] == "day first (31/12/2026)"
    got = rows(
        store,
        "SELECT order_id, line_no, order_date_local, quantity, net_amount, unit_net_price, "
        "unit_list_price, line_cost_amount FROM order_lines ORDER BY 1, 2",
    )
    assert [r[:5] for r in got] == [
        ("US-2019-100001", 1, dt.datetime(2019, 1, 3), 2.0, 16.448),
        ("US-2019-100001", 2, dt.datetime(2019, 1, 3), 3.0, 731.94),
        ("US-2019-100002", 1, dt.datetime(2019, 12, 25), 2.0, 3.54),
    ]
    assert got[0][5:] == pytest.approx((8.224, 10.28, 10.8968))  # list = net / (1 − 20 %)
    assert rows(store, "SELECT name FROM products WHERE product_id = 'FUR-CH-10000002'") == [
        ('Kursi "Ergo" Hitam',)
    ]


def test_olist_two_date_orders_and_excel_damage(store: Store) -> None:
    leads = import_file(
        store, None, SHAPES / "olist_leads.csv", mapping=example("olist-leads"), lang="en"
    )
    assert leads.formats == {"first_contact_date": "month first (12/31/2026)"}
    assert rows(store, "SELECT lead_id, created_at_local, source FROM leads ORDER BY 2") == [
        ("8c18d1de7f67e60dbd64e3c07d7e9d5d", dt.datetime(2017, 10, 20), "paid_search"),
        ("dac32acd4db4c29c230538b72f8dd87d", dt.datetime(2018, 2, 1), "social"),
        ("b4bc852d233dfefc5131f593b538befa", dt.datetime(2018, 3, 22), None),
    ]
    deals = SHAPES / "olist_closed_deals.csv"
    report = import_file(store, None, deals, mapping=example("olist-closed-deals"), lang="en")
    assert report.formats == {"won_date": "day first (31/12/2026)"}
    assert report.warning_counts == {
        "short_cycle": 2,
        "won_without_amount": 2,
        "unknown_reference": 4,  # sellers and reps are not loaded
    }
    assert rows(
        store, "SELECT opportunity_id, stage, closed_at_local FROM opportunities ORDER BY 3"
    ) == [
        ("dac32acd4db4c29c230538b72f8dd87d", "won", dt.datetime(2018, 2, 26, 19, 58)),
        ("8c18d1de7f67e60dbd64e3c07d7e9d5d", "won", dt.datetime(2018, 5, 8, 20, 17)),
    ]
    # average_stock is imported by no mapping; a look at the file still flags its damage
    comments = profile_file(deals).comments("en")
    assert (
        "average_stock: 2 values look like ranges Excel turned into dates ('01-May' = 1-5 / 5-1?)"
    ) in comments


def test_maven_pipeline_skips_the_undated_prospects(store: Store) -> None:
    path = SHAPES / "maven_pipeline.csv"
    report = import_file(store, None, path, mapping=example("maven-pipeline"), lang="en")
    assert report.notes == ["1 rows left out by [skip] of the mapping"]
    assert rows(
        store, "SELECT opportunity_id, stage, product_id, amount FROM opportunities ORDER BY 1"
    ) == [
        ("1C1I7A6R", "won", "GTX Plus Basic", 1054.0),
        ("EC4QE1BX", "Engaging", "MG Special", None),
        ("MV1LWRNH", "lost", "GTX Pro", 0.0),
        ("Z063OYW0", "won", "GTX Pro", 4514.0),
    ]
