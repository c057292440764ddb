"""The aggregate layer answers exactly what the direct computation answers.

On the demo company (loaded through the real importer): every KPI, every grain, every
breakdown, with and without a scope — once the layer is filled, after imports that only add
rows (the layer keeps the periods they cannot change), and after imports that replace rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest

from pantau.demo import IMPORT_ORDER, generate
from pantau.ingest import import_file
from pantau.metrics import KpiQuery, Scope, compute_kpis
from pantau.metrics import engine as eng
from pantau.metrics.compiled import Runner
from pantau.metrics.preagg import Dirt, Slab, SlabKey, merge, slab_from_rows
from pantau.metrics.sources import FACT_COLUMNS, FACTS, FactsEnv
from pantau.metrics.sources.common import Tables
from pantau.store import Store

from .compare import same

SCALE, SEED, END = 0.05, 7, "2026-06"
START = "2024-07"
CUTOFF = "2026-03"  # rows dated from this month on are imported later
GRAINS = ("month", "quarter", "year")
BREAKDOWNS = (None, "rep", "team", "region", "source", "product", "segment")
#: the column that dates a row, for the record types split into an early and a late file
DATED = {
    "leads": "created_at",
    "activities": "occurred_at",
    "opportunities": "created_at",
    "order_lines": "order_date",
    "sales_costs": "month",
    "collateral_usage": "used_at",
}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    eng.clear_caches()
    yield
    eng.clear_caches()


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _held_back(full: dict[str, Path]) -> dict[str, set[int]]:
    """Row numbers imported later, per record type: every row from ``CUTOFF`` on, and older
    rows chosen so that importing them later changes periods other than their own."""
    rows = {t: _read(full[t])[1] for t in DATED}
    leads_without_contact = {r["lead_id"] for r in rows["leads"] if not r["first_contact_at"]}
    opps_giving_a_rep = {r["opportunity_id"] for r in rows["order_lines"] if not r["rep_id"]}
    first_month: dict[str, str] = {}
    for line in rows["order_lines"]:
        month = line["order_date"][:7]
        first_month[line["customer_id"]] = min(month, first_month.get(line["customer_id"], month))
    backfill = {
        # a first contact for leads that had none
        "activities": lambda r: r["lead_id"] in leads_without_contact,
        # the rep of order lines without one; qualified leads
        "opportunities": lambda r: (
            r["opportunity_id"] in opps_giving_a_rep
            or (r["lead_id"] != "" and r["opportunity_id"].endswith(("1", "4", "7")))
        ),
        # the first purchase of every third customer: later purchases become repeat ones
        "order_lines": lambda r: (
            r["customer_id"].endswith(("0", "3", "6"))
            and r["order_date"][:7] == first_month[r["customer_id"]] <= "2024-12"
        ),
        "leads": lambda r: r["lead_id"].endswith("5"),
    }
    out = {}
    for record_type, column in DATED.items():
        chosen = backfill.get(record_type, lambda _r: False)
        out[record_type] = {
            i for i, r in enumerate(rows[record_type]) if r[column][:7] >= CUTOFF or chosen(r)
        }
    return out


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The demo's template CSVs: ``full``; ``early`` and ``late`` (see :func:`_held_back`)."""
    folder = tmp_path_factory.mktemp("demo-files")
    full = generate(folder / "full", scale=SCALE, seed=SEED, end_month=END)
    early, late = dict(full), {}
    for record_type, later in _held_back(full).items():
        header, rows = _read(full[record_type])
        before = [r for i, r in enumerate(rows) if i not in later]
        after = [r for i, r in enumerate(rows) if i in later]
        assert before and after, record_type
        early[record_type] = _write(folder / f"{record_type}-early.csv", header, before)
        late[record_type] = _write(folder / f"{record_type}-late.csv", header, after)
    return {"full": full, "early": early, "late": late}


def _load(store: Store, files: dict[str, Path]) -> None:
    for record_type in IMPORT_ORDER:
        import_file(store, record_type, files[record_type], user="test")


def _queries(team: str, *, every_grain: bool = True) -> list[KpiQuery]:
    """Every breakdown at every grain (or: at month grain, plus a few), and some scopes."""
    out = []
    for grain in GRAINS:
        for by in BREAKDOWNS:
            if every_grain or grain == "month" or by in (None, "rep"):
                out.append(KpiQuery(start=START, end=END, grain=grain, by=by, include_parts=True))
    scope = Scope(teams=frozenset({team}))
    out += [
        KpiQuery(start=START, end=END, by="rep", scope=scope, include_parts=True),
        KpiQuery(start=START, end=END, grain="quarter", scope=scope),
        KpiQuery(start=START, end=END, scope=Scope(rep_ids=frozenset())),
    ]
    return out


def _team(store: Store) -> str:
    with store.read() as con:
        row = con.execute("SELECT min(team) FROM reps").fetchone()
    assert row is not None
    return str(row[0])


def _check(store: Store, queries: list[KpiQuery]) -> None:
    """Each query: the cached answer (layer, result cache) equals the direct computation."""
    bad = []
    for query in queries:
        got = compute_kpis(store, query)
        want = compute_kpis(store, query, cache=False)
        if not same(got, want):
            bad.append(query)
    assert not bad, f"{len(bad)} of {len(queries)} answers differ, first: {bad[0]}"


def test_layer_answers_exactly_as_direct(tmp_path: Path, demo_files: dict) -> None:
    store = Store(tmp_path / "demo.duckdb")
    _load(store, demo_files["full"])
    queries = _queries(_team(store))
    _check(store, queries)
    # smaller questions are served from the slabs the first ones filled, without any query
    computed = len(eng.LAYER.computed)
    smaller = [
        KpiQuery(start="2025-02", end="2025-11", grain="month", by="rep", kpis=("win_rate",)),
        KpiQuery(start="2025-04", end="2026-03", grain="quarter", by="segment"),
        KpiQuery(start="2026-01", end="2026-06", kpis=("sales_cycle_days", "leads")),
    ]
    _check(store, smaller)
    assert len(eng.LAYER.computed) == computed


#: after each import: the breakdowns through which one source reaches another
FOCUSED = [
    KpiQuery(start=START, end=END, by=by, include_parts=True)
    for by in (None, "rep", "source", "segment")
] + [KpiQuery(start=START, end=END, grain="quarter", by="rep")]


def test_insert_only_imports_keep_untouched_periods(tmp_path: Path, demo_files: dict) -> None:
    store = Store(tmp_path / "demo.duckdb")
    _load(store, demo_files["early"])
    queries = _queries(_team(store), every_grain=False)
    for query in queries:
        compute_kpis(store, query)  # fill the layer
    late = demo_files["late"]
    kept = []
    for record_type in ("activities", "opportunities", "order_lines", "leads", "sales_costs",
                        "collateral_usage"):  # fmt: skip
        import_file(store, record_type, late[record_type], user="test")
        before = len(eng.LAYER.computed)
        compute_kpis(store, KpiQuery(start=START, end=END, by="rep", kpis=("activities",)))
        # the activities' slab is kept through every import but that of activities
        assert (len(eng.LAYER.computed) > before) == (record_type == "activities")
        _check(store, FOCUSED)
        delta = eng.LAYER.deltas[-1]
        assert not delta.everything, record_type
        kept.append(delta)
    _check(store, queries)
    acts, opps, lines = kept[0], kept[1], kept[2]
    # new activities: their own months, and the months of the leads they name
    assert set(acts.dirt) == {"activities", "leads"}
    assert min(acts.dirt["leads"].months) < _month(CUTOFF)
    # order lines: every month from the earliest new first purchase on, nothing else
    assert set(lines.dirt) == {"order_lines"} and lines.dirt["order_lines"].since is not None
    assert set(opps.dirt) == {"opportunities", "leads", "order_lines"}


def _month(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def test_imports_that_replace_rows(tmp_path: Path, demo_files: dict) -> None:
    store = Store(tmp_path / "demo.duckdb")
    _load(store, demo_files["full"])
    queries = _queries(_team(store), every_grain=False)
    for query in queries:
        compute_kpis(store, query)
    # a won deal closed in the spring of 2026 now closed in January 2025, and lost
    with demo_files["full"]["opportunities"].open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    moved = next(r for r in rows if r["closed_at"][:7] >= CUTOFF and r["customer_id"])
    moved.update(closed_at="2025-01-15", created_at="2025-01-02", stage="Lost")
    import_file(store, "opportunities", _write(tmp_path / "moved.csv", header, [moved]))
    import_file(store, "sales_costs", demo_files["full"]["sales_costs"], user="test")
    _check(store, queries)
    assert eng.LAYER.deltas[-1].dirt["opportunities"].whole


def test_settings_change_drops_the_layer(tmp_path: Path, demo_files: dict) -> None:
    store = Store(tmp_path / "demo.duckdb")
    _load(store, demo_files["full"])
    query = KpiQuery(start=START, end=END, by="rep", kpis=("key_activities",))
    before = compute_kpis(store, query)
    store.set_setting("key_activity_type", "call")
    after = compute_kpis(store, query)
    assert eng.LAYER.deltas[-1].everything
    assert after == compute_kpis(store, query, cache=False)
    assert after != before


# -- the pieces --------------------------------------------------------------------------------


def test_dirt_at_each_grain() -> None:
    held = range(_month("2025-01") // 3, _month("2026-12") // 3 + 1)
    months = Dirt(months=frozenset({_month("2025-02"), _month("2025-12")}))
    assert months.periods("quarter", held) == {_month("2025-01") // 3, _month("2025-10") // 3}
    since = Dirt(since=_month("2026-05"))
    assert since.periods("quarter", held) == {_month("2026-04") // 3, _month("2026-07") // 3,
                                              _month("2026-10") // 3}  # fmt: skip
    assert since.periods("year", range(2024, 2027)) == {2026}
    assert (months | since).periods("month", [_month("2025-02"), _month("2026-01")]) == {
        _month("2025-02")
    }
    assert Dirt(whole=True).periods("month", held) is None
    assert (Dirt() | Dirt(whole=True)).whole


def test_slabs_merge_by_period() -> None:
    old = slab_from_rows(("n",), 10, 12, ["key", "n", "p"], [("a", 1, 10), (None, 3, 12)])
    assert old.periods == {10, 11, 12} and old.groups == 2
    assert old.rows == {10: (("a", (1,)),), 12: ((None, (3,)),)}
    new = slab_from_rows(("n",), 12, 13, ["p", "key", "n"], [(13, "b", 4)])
    both = merge(old, new)
    assert both.periods == {10, 11, 12, 13}
    assert both.rows == {10: (("a", (1,)),), 13: (("b", (4,)),)}  # 12 replaced: now empty
    assert both.without([10, 13]).periods == {11, 12}
    assert merge(None, new) is new
    assert Slab(("m",), frozenset(), {}).covers([]) and not both.covers([9, 10])


def test_slab_keys_separate_what_changes_the_numbers() -> None:
    base = SlabKey("leads", True, "month", "rep", None, "orders", True, "meeting")
    other = SlabKey("leads", True, "month", "rep", Scope(teams=frozenset({"A"})), "orders",
                    True, "meeting")  # fmt: skip
    assert base != other
    assert len({base, other, SlabKey("leads", True, "month", "rep", None, "orders", True,
                                     "meeting")}) == 2  # fmt: skip


def test_declared_facts_columns_are_those_the_builders_make() -> None:
    env = FactsEnv(Tables(None), "quarter", Runner.literal(1), Runner.literal(2), True, "meeting")
    for source, build in FACTS.items():
        schema = dict(build(env).schema().items())
        assert set(schema) == {"p", *FACT_COLUMNS[source]}, source
        for name, dtype in FACT_COLUMNS[source].items():
            assert schema[name] == ibis.dtype(dtype), (source, name)
        # with fewer columns asked for, a builder makes only those (and the period)
        few = FactsEnv(**{**vars(env), "columns": frozenset({"rep_id"})})
        assert set(build(few).schema()) <= {"p", "rep_id", "collateral_id"}, source
