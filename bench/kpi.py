"""Benchmark: the full KPI catalogue by month x rep over 24 months, three ways.

(a) Pantau's engine (``pantau.metrics.compute_kpis``, all KPIs, by rep, grain month),
(b) the hand-written oracle SQL (tests/oracle/oracle.sql) on the same store,
(c) a straightforward pandas implementation (below): load the tables into DataFrames, compute.

Every measurement is a fresh worker process (so no in-process cache helps a later repetition)
that times the computation only (imports excluded; wall clock and CPU seconds of all its
threads, the latter steadier on a shared machine), started by its own "runner" process whose
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is then that worker's peak RSS. ``--repeat`` rounds
interleave the three methods (fair under load from other jobs); best time and highest peak
are reported. The three results are also compared with each other (same groups, same values).

    python bench/kpi.py --scale 10        # builds bench/.cache/demo-10.duckdb once
    python bench/kpi.py                   # scale 100 (the documented run)
    python bench/kpi.py --cold-sql-cache  # each Pantau run without compiled SQL on disk

Goals: Pantau / SQL <= 1.25 and pandas / Pantau >= 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "oracle"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from kpi_oracle import KPI_IDS, oracle_rows, values_equal  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
METHODS = ("pantau", "sql", "pandas")
WON_NAMES = ("won", "closed won", "menang")
LOST_NAMES = ("lost", "closed lost", "kalah")

Rows = dict[tuple[str, Any], dict[str, Any]]


# -- (c) the pandas implementation: month x rep ---------------------------------------------


def _lower(s: pd.Series, fill: str = "") -> pd.Series:
    return s.astype("string").fillna(fill).str.lower()


def _month(s: pd.Series) -> pd.Series:
    return s.dt.to_period("M").dt.to_timestamp()


NULL_KEY = "\x00null"  # the null group (NaN keys do not group or look up reliably)


def _key(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), NULL_KEY)


def _div(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN (null) where den is 0 or missing."""
    return num / den.where(den != 0)


def pandas_catalogue(con: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The catalogue by month x rep for months ``start`` <= m < ``end``, in pandas."""
    tables = ["reps", "customers", "products", "stages", "leads", "activities"]
    tables += ["opportunities", "order_lines", "sales_costs", "collateral", "collateral_usage"]
    t = {name: con.execute(f'SELECT * FROM "{name}"').df() for name in tables}
    settings = dict(con.execute("SELECT key, value FROM settings").fetchall())
    key_type = settings.get("key_activity_type", "meeting").strip().lower()
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)

    def in_range(s: pd.Series) -> pd.Series:
        return (s >= lo) & (s < hi)

    keys = ["p", "k"]

    # leads
    leads, acts, opps = t["leads"], t["activities"], t["opportunities"]
    done = acts[_lower(acts["status"], "done") == "done"]
    contact = done.dropna(subset=["lead_id"]).groupby("lead_id")["occurred_at"].min()
    first = pd.concat([leads["first_contact_at"], leads["lead_id"].map(contact)], axis=1).min(
        axis=1
    )
    minutes = ((first - leads["created_at"]).dt.total_seconds() / 60).clip(lower=0)
    has_contact = bool(leads["first_contact_at"].notna().any() or done["lead_id"].notna().any())
    qualified = (
        leads["qualified_at"].notna()
        | _lower(leads["status"]).isin(["qualified", "converted"])
        | leads["lead_id"].isin(set(opps["lead_id"].dropna()))
    )
    lf = pd.DataFrame(
        {
            "p": _month(leads["created_at_local"]),
            "k": _key(leads["rep_id"]),
            "minutes": minutes,
            "within": minutes <= 60,
            "qualified": qualified,
        }
    )[in_range(leads["created_at_local"])]
    la = lf.groupby(keys, dropna=True).agg(
        leads=("minutes", "size"),
        within=("within", "sum"),
        response=("minutes", "median"),
        qualified=("qualified", "sum"),
    )

    # activities
    af = pd.DataFrame(
        {
            "p": _month(done["occurred_at_local"]),
            "k": _key(done["rep_id"]),
            "key": _lower(done["type"]) == key_type,
        }
    )[in_range(done["occurred_at_local"])]
    aa = af.groupby(keys, dropna=True).agg(activities=("key", "size"), key=("key", "sum"))

    # opportunities
    stages = t["stages"]
    stage = _lower(opps["stage"])
    if len(stages):
        kinds = dict(zip(_lower(stages["stage"]), _lower(stages["kind"]), strict=True))
        kind = stage.map(kinds).fillna("open")
    else:
        kind = pd.Series(
            np.select([stage.isin(WON_NAMES), stage.isin(LOST_NAMES)], ["won", "lost"], "open"),
            index=opps.index,
        )
    prod = t["products"].set_index("product_id")
    qty = opps["quantity"].fillna(1)
    won = kind == "won"
    with_amount = won & opps["amount"].notna()
    held = with_amount & (opps["quoted_amount"] > 0)
    of_all = pd.DataFrame(
        {
            "p": _month(opps["closed_at_local"]),
            "t": opps["closed_at_local"],
            "k": _key(opps["rep_id"]),
            "won": won,
            "customer_id": opps["customer_id"],
            "amount": opps["amount"],
            "held_num": opps["amount"].where(held),
            "held_den": opps["quoted_amount"].where(held),
            "won_amount": opps["amount"].where(with_amount),
            "with_amount": with_amount,
            "cycle": (opps["closed_at"] - opps["created_at"]).dt.total_seconds() / 86400,
            "cost": opps["product_id"].map(prod["unit_cost"]) * qty,
            "list": opps["list_amount"].fillna(opps["product_id"].map(prod["list_price"]) * qty),
        }
    )[kind.isin(["won", "lost"]) & opps["closed_at"].notna()]
    of = of_all[in_range(of_all["t"])]
    oa = of.groupby(keys, dropna=True).agg(
        closed=("won", "size"),
        won=("won", "sum"),
        held_num=("held_num", "sum"),
        held_den=("held_den", "sum"),
        won_amount=("won_amount", "sum"),
        with_amount=("with_amount", "sum"),
    )
    oa["cycle"] = of[of["won"]].groupby(keys, dropna=True)["cycle"].median()

    # sales: order basis when there are any order lines, else deal basis
    lines = t["order_lines"]
    if len(lines):
        ol = lines[_lower(lines["status"], "confirmed") != "cancelled"]
        rep = ol["rep_id"].fillna(
            ol["opportunity_id"].map(opps.set_index("opportunity_id")["rep_id"])
        )
        list_price = ol["product_id"].map(prod["list_price"])
        unit_list = np.where(
            ol["line_list_amount"].isna(),
            list_price,
            np.where(
                ol["quantity"] != 0,
                ol["line_list_amount"] / ol["quantity"].replace(0, np.nan),
                ol["unit_list_price"],
            ),
        )
        sf_all = pd.DataFrame(
            {
                "p": _month(ol["order_date_local"]),
                "t": ol["order_date_local"],
                "k": _key(rep),
                "customer_id": ol["customer_id"],
                "purchase": ol["quantity"] > 0,
                "net": ol["net_amount"],
                "cost": ol["line_cost_amount"].fillna(
                    ol["quantity"] * ol["product_id"].map(prod["unit_cost"])
                ),
                "list": ol["line_list_amount"].fillna(ol["quantity"] * list_price),
                "list_ok": pd.Series(unit_list, index=ol.index) > 0,
            }
        )
    else:
        w = of_all[of_all["won"]]
        sf_all = pd.DataFrame(
            {
                "p": w["p"],
                "t": w["t"],
                "k": w["k"],
                "customer_id": w["customer_id"],
                "purchase": True,
                "net": w["amount"],
                "cost": w["cost"],
                "list": w["list"],
                "list_ok": w["list"] > 0,
            }
        )
    buys = sf_all[sf_all["purchase"] & sf_all["customer_id"].notna()]
    first_buy = buys.groupby("customer_id")["t"].min()
    sf = sf_all[in_range(sf_all["t"])].copy()
    gm = sf["cost"].notna() & sf["net"].notna()
    pr = sf["list_ok"] & sf["net"].notna()
    sf["gm_net"], sf["gm_cost"] = sf["net"].where(gm), sf["cost"].where(gm)
    sf["pr_net"], sf["pr_list"] = sf["net"].where(pr), sf["list"].where(pr)
    sa = sf.groupby(keys, dropna=True)[["net", "gm_net", "gm_cost", "pr_net", "pr_list"]].sum(
        min_count=1
    )
    sb = sf[sf["purchase"] & sf["customer_id"].notna()]
    sa["buyers"] = sb.groupby(keys, dropna=True)["customer_id"].nunique()
    rb = sb[sb["customer_id"].map(first_buy) < sb["p"]]
    sa["repeat"] = rb.groupby(keys, dropna=True)["customer_id"].nunique()

    # costs and collateral
    sc = t["sales_costs"]
    cf = pd.DataFrame(
        {
            "p": _month(pd.to_datetime(sc["month_start"])),
            "k": _key(sc["rep_id"]),
            "amount": sc["amount"],
        }
    )
    cf = cf[in_range(cf["p"])]
    ca = cf.groupby(keys, dropna=True)[["amount"]].sum()
    cost_periods = set(cf["p"])

    months = pd.date_range(lo, hi, freq="MS", inclusive="left")
    coll = t["collateral"]
    avail = pd.DataFrame({"p": months}).merge(
        coll[["collateral_id", "published_at_local", "retired_at_local"]], how="cross"
    )
    nxt = avail["p"] + pd.offsets.MonthBegin(1)
    avail = avail[
        (avail["published_at_local"].isna() | (avail["published_at_local"] < nxt))
        & (avail["retired_at_local"].isna() | (avail["retired_at_local"] >= avail["p"]))
    ][["p", "collateral_id"]]
    avail_n = avail.groupby("p")["collateral_id"].nunique()
    use = t["collateral_usage"]
    uf = pd.DataFrame(
        {
            "p": _month(use["used_at_local"]),
            "k": _key(use["rep_id"]),
            "collateral_id": use["collateral_id"],
        }
    )[in_range(use["used_at_local"])]
    used = uf.merge(avail, on=["p", "collateral_id"], how="inner")
    ua = used.groupby(keys)["collateral_id"].nunique().rename("used")

    # assemble: every (month, rep) with a record behind any KPI (outer join of the parts)
    g = pd.concat([la, aa, oa, sa, ca.rename(columns={"amount": "costs"}), ua], axis=1)
    period = g.index.get_level_values("p")
    n_leads = g["leads"].fillna(0)
    volume = g["net"].fillna(0.0)
    pr = _div(g["pr_net"], g["pr_list"])
    missing = pd.Series(np.nan, index=g.index)
    kpis = pd.DataFrame(
        {
            "leads": n_leads.astype(int),
            "speed_to_lead": _div(g["within"], n_leads) if has_contact else missing,
            "response_time_median_min": g["response"] if has_contact else missing,
            "activities": g["activities"].fillna(0).astype(int),
            "key_activities": g["key"].fillna(0).astype(int),
            "qualified_rate": _div(g["qualified"], n_leads),
            "win_rate": _div(g["won"], g["closed"]),
            "sales_volume": volume,
            "gross_margin": _div(g["gm_net"] - g["gm_cost"].fillna(0.0), g["gm_net"]),
            "price_realization": pr,
            "discount_rate": 1 - pr,
            "deal_value_held": _div(g["held_num"], g["held_den"]),
            "avg_deal_size": _div(g["won_amount"], g["with_amount"]),
            "sales_cycle_days": g["cycle"],
            "repeat_customer_rate": _div(g["repeat"].fillna(0), g["buyers"]),
            "cost_of_sales_ratio": _div(g["costs"].fillna(0.0), volume).where(
                period.isin(list(cost_periods))
            ),
            "collateral_usage_rate": _div(
                g["used"].fillna(0), pd.Series(period.map(avail_n), index=g.index)
            ),
        },
        index=g.index,
    ).sort_index()
    kpis = kpis.astype(object).where(kpis.notna(), None)
    out = []
    for (p, k), values in zip(kpis.index, kpis.to_dict("records"), strict=True):
        out.append({"period": p.strftime("%Y-%m"), "key": None if k == NULL_KEY else k, **values})
    return out


# -- the three methods -----------------------------------------------------------------------


def _compute(method: str, store: Any, start: dt.date, end: dt.date) -> Rows:
    if method == "pantau":
        from pantau.metrics import KpiQuery, compute_kpis

        last = end - dt.timedelta(days=1)
        query = KpiQuery(start=f"{start:%Y-%m}", end=f"{last:%Y-%m}", grain="month", by="rep")
        result = compute_kpis(store, query)
        return {(r["period"], r.get("rep_id")): r for r in result["rows"]}
    with store.read() as con:
        if method == "sql":
            rows = oracle_rows(con, grain="month", by="rep", start=start, end=end)
        else:
            rows = pandas_catalogue(con, start, end)
    return {(r["period"], r["key"]): r for r in rows}


def _worker(args: argparse.Namespace) -> None:
    """Compute the catalogue once: wall and CPU seconds (all threads) of the computation."""
    from pantau.store import Store

    store = Store(Path(args.db))
    store.settings()  # schema check outside the timed part
    if args.worker == "pantau":
        import pantau.metrics  # noqa: F401  (imports outside the timed part, as for the others)
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    wall, cpu = time.perf_counter(), time.process_time()
    rows = _compute(args.worker, store, start, end)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    with open(args.out, "wb") as fh:
        pickle.dump({"seconds": wall, "cpu": cpu, "rows": rows}, fh)


def _runner(args: argparse.Namespace) -> None:
    """Run one fresh worker; report its time and peak RSS (its runner has no other child)."""
    out = Path(args.out)
    rows = out.with_suffix(".rows")
    cmd = [sys.executable, __file__, "--worker", args.runner, "--db", args.db]
    cmd += ["--start", args.start, "--end", args.end, "--out", str(rows)]
    subprocess.run(cmd, check=True)
    with open(rows, "rb") as fh:
        res = pickle.load(fh)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    out.write_text(
        json.dumps({"seconds": res["seconds"], "cpu": res["cpu"], "peak_mib": peak_kib / 1024})
    )


def _measure(
    method: str, db: Path, start: dt.date, end: dt.date, tmp: Path, cold: bool = False
) -> dict[str, Any]:
    out = tmp / method
    cmd = [sys.executable, __file__, "--runner", method, "--db", str(db)]
    cmd += ["--start", start.isoformat(), "--end", end.isoformat(), "--out", str(out)]
    env = None
    if cold:  # compiled SQL (pantau.metrics.sqldisk) from an empty cache folder
        env = {**os.environ, "PANTAU_CACHE_DIR": tempfile.mkdtemp(dir=tmp, prefix="cache-")}
    subprocess.run(cmd, check=True, env=env)
    res = json.loads(out.read_text())
    with open(out.with_suffix(".rows"), "rb") as fh:
        res["rows"] = pickle.load(fh)["rows"]
    return res


def _ensure_store(scale: float) -> Path:
    db = CACHE / f"demo-{scale:g}.duckdb"
    if not db.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        pantau = Path(sys.executable).with_name("pantau")
        print(f"building {db} with `pantau demo --scale {scale:g}` ...", flush=True)
        t0 = time.perf_counter()
        tmp = db.with_suffix(".building")
        subprocess.run([str(pantau), "--db", str(tmp), "demo", "--scale", f"{scale:g}"], check=True)
        tmp.rename(db)
        lock = tmp.with_name(tmp.name + ".lock")
        if lock.exists():
            lock.unlink()
        print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
    return db


def _range(db: Path, months: int) -> tuple[dt.date, dt.date]:
    """The last ``months`` whole months up to the latest sale or closed deal."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        (last,) = con.execute(
            "SELECT max(t) FROM (SELECT max(order_date_local) AS t FROM order_lines "
            "UNION ALL SELECT max(closed_at_local) FROM opportunities "
            "UNION ALL SELECT max(created_at_local) FROM leads)"
        ).fetchone()
    finally:
        con.close()
    end_m = last.year * 12 + last.month  # month after the last one, 1-based
    start_m = end_m - months
    return (
        dt.date(start_m // 12, start_m % 12 + 1, 1),
        dt.date(end_m // 12, end_m % 12 + 1, 1),
    )


def _compare(a: Rows, b: Rows) -> list[str]:
    problems = [f"group only in first: {g}" for g in sorted(set(a) - set(b), key=str)]
    problems += [f"group only in second: {g}" for g in sorted(set(b) - set(a), key=str)]
    for g in sorted(set(a) & set(b), key=str):
        for kpi in KPI_IDS:
            if not values_equal(kpi, a[g].get(kpi), b[g].get(kpi)):
                problems.append(f"{kpi} {g}: {a[g].get(kpi)!r} vs {b[g].get(kpi)!r}")
    return problems


def _machine() -> str:
    import duckdb

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}, {mem:.0f} GiB RAM, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pd.__version__}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=100, help="demo scale (default 100)")
    ap.add_argument("--db", help="use this store instead of building a demo")
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument(
        "--cold-sql-cache",
        action="store_true",
        help="give each run an empty compiled-SQL cache (default: the user's, as the CLI has)",
    )
    ap.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    ap.add_argument("--runner", choices=METHODS, help=argparse.SUPPRESS)
    ap.add_argument("--start", help=argparse.SUPPRESS)
    ap.add_argument("--end", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return _worker(args)
    if args.runner:
        return _runner(args)

    db = Path(args.db) if args.db else _ensure_store(args.scale)
    start, end = _range(db, args.months)
    print(_machine())
    print(f"store {db} ({db.stat().st_size / 2**20:.0f} MiB), months {start} .. {end} (excl.)")
    print(f"compiled-SQL cache: {'empty for each run' if args.cold_sql_cache else 'the default'}")
    methods = args.methods.split(",")
    results: dict[str, dict[str, Any]] = {
        m: {"times": [], "cpu": [], "peak_mib": 0.0} for m in methods
    }
    with tempfile.TemporaryDirectory() as tmp:
        # rounds interleave the methods, so that load from other jobs hits them alike
        for _round in range(args.repeat):
            for method in methods:
                res = _measure(method, db, start, end, Path(tmp), args.cold_sql_cache)
                results[method]["times"].append(res["seconds"])
                results[method]["cpu"].append(res["cpu"])
                results[method]["peak_mib"] = max(results[method]["peak_mib"], res["peak_mib"])
                results[method]["rows"] = res["rows"]
    for method, res in results.items():
        times = ", ".join(f"{s:.2f}" for s in res["times"])
        print(
            f"{method:>7}: best {min(res['times']):.2f} s (runs {times}), CPU best "
            f"{min(res['cpu']):.2f} s, peak RSS {res['peak_mib']:.0f} MiB, "
            f"groups {len(res['rows'])}"
        )
    best = {m: min(r["times"]) for m, r in results.items()}
    cpu = {m: min(r["cpu"]) for m, r in results.items()}
    if {"pantau", "sql"} <= set(best):
        print(
            f"Pantau / SQL    = {best['pantau'] / best['sql']:.2f} wall, "
            f"{cpu['pantau'] / cpu['sql']:.2f} CPU  (goal <= 1.25)"
        )
    if {"pantau", "pandas"} <= set(best):
        print(
            f"pandas / Pantau = {best['pandas'] / best['pantau']:.2f} wall, "
            f"{cpu['pandas'] / cpu['pantau']:.2f} CPU  (goal >= 3)"
        )
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    ref = "sql" if "sql" in results else next(iter(results))
    failed = False
    for method in results:
        if method != ref:
            problems = _compare(results[method]["rows"], results[ref]["rows"])
            verdict = "agree" if not problems else f"{len(problems)} DISAGREEMENTS"
            print(f"{method} vs {ref}: {verdict}")
            for line in problems[:20]:
                print("   ", line)
            failed = failed or bool(problems)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
