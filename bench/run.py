"""The benchmark suite: demo stores built once, the import, KPI and web benchmarks, one table.

    python bench/run.py --scale S             # demo scale 10 (about 1.3 million rows)
    python bench/run.py --scale S --scale M   # and scale 100 (generation ~1 min, import minutes)
    python bench/run.py --scale L             # scale 400: hours on a small machine
    python bench/run.py --preagg-prototype bench/.cache/demo-10.duckdb   # a persisted layer

For each scale it generates the demo's template CSVs (``pantau demo --keep … --no-load``) and the
demo store (``bench/.cache/demo-<scale>.duckdb``, the store bench/kpi.py and bench/web.py use)
once, under ``bench/.cache/`` (git-ignored), then runs as subprocesses:

- ``bench/import.py <demo files> --json`` — Pantau's importer vs DuckDB's CSV load;
- ``bench/kpi.py --scale <n>`` — the whole catalogue by month x rep over 24 months: Pantau (a
  fresh process per run) vs the hand-written SQL vs pandas;
- the *refresh* benchmark below (``--refresh``) — the same question inside one long-running
  process, as the web app asks it: first call, after an import (compiled SQL kept, data caches
  empty), repeated, the dashboard's other questions from the aggregate layer, and the dashboard
  right after a real import of 2,000 new order lines (on a copy of the store);
- ``bench/web.py --scale <n> --no-write`` — the served app under 20 clients (needs ``wrk``);
- at scale S only, ``bench/engines.py`` — the same refresh on DuckDB, PostgreSQL and Spark (needs
  the PostgreSQL of ``scripts/ci-services.sh`` and Java; ``--skip engines`` to leave it out).

Each subprocess runs under a small wrapper that reports its wall time and peak RSS (the largest
resident set of the benchmark's whole process tree). Results are kept per scale in
``bench/.cache/results/<scale>.json`` (``--skip`` keeps a benchmark's previous results). The
growth exponent (slope of log time against log rows, goal <= 1.1) is fitted over every scale
that has results, and the table with the machine is written to the "Benchmark runs" section of
docs/performance.md (``--no-write``: print only). Shared machines are noisy: the load average
before and after each benchmark is recorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
RESULTS = CACHE / "results"
DOC = ROOT / "docs" / "performance.md"
PANTAU = Path(sys.executable).with_name("pantau")
SCALES = {"S": 10.0, "M": 100.0, "L": 400.0}
FACT_TABLES = (
    "leads",
    "activities",
    "opportunities",
    "order_lines",
    "sales_costs",
    "collateral_usage",
)
SECTION = "## Benchmark runs (bench/run.py)"
BENCHMARKS = ("import", "kpi", "refresh", "web", "engines")


# -- measured subprocesses ----------------------------------------------------------------------


def _wrapped(out: Path, cmd: list[str]) -> None:
    """``--measure``: run ``cmd`` (output to ``out``), then print its time and peak RSS."""
    t0 = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False).returncode
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB (Linux)
    print(json.dumps({"rc": rc, "seconds": seconds, "peak_mib": peak}))


def measured(name: str, cmd: list[str], scale_dir: Path) -> dict[str, Any]:
    """Run ``cmd`` in a fresh wrapper process: its output, wall time, peak RSS, load."""
    log = scale_dir / f"{name}.log"
    load = os.getloadavg()[0]
    print(f"  {name}: {' '.join(cmd[1:])}", flush=True)
    wrapper = [sys.executable, __file__, "--measure", str(log), "--", *cmd]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=True)
    info = json.loads(done.stdout.strip().splitlines()[-1])
    info.update(
        output=log.read_text(encoding="utf-8"), load_before=load, load_after=os.getloadavg()[0]
    )
    status = "ok" if info["rc"] == 0 else f"FAILED (exit {info['rc']}, see {log})"
    print(f"    {status}: {info['seconds']:.1f} s, peak RSS {info['peak_mib']:.0f} MiB", flush=True)
    return info


# -- demo data ----------------------------------------------------------------------------------


def label(scale: float) -> str:
    return f"{scale:g}"


def ensure_demo(scale: float) -> tuple[Path, Path, float | None]:
    """(CSV folder, store, seconds to build them or None when cached)."""
    files = CACHE / f"demo-{label(scale)}-files"
    db = CACHE / f"demo-{label(scale)}.duckdb"
    CACHE.mkdir(parents=True, exist_ok=True)
    built = None
    if not db.exists():
        print(f"building {db} and {files} with `pantau demo --scale {label(scale)}` ...")
        tmp = db.with_suffix(".building")
        t0 = time.perf_counter()
        cmd = [str(PANTAU), "--db", str(tmp), "demo", "--scale", label(scale), "--keep", str(files)]
        subprocess.run(cmd, check=True)
        tmp.rename(db)
        for leftover in (tmp.with_name(tmp.name + ".lock"),):
            leftover.unlink(missing_ok=True)
        built = time.perf_counter() - t0
    elif not (files / "order_lines.csv").exists():
        cmd = [str(PANTAU), "demo", "--scale", label(scale), "--keep", str(files), "--no-load"]
        subprocess.run(cmd, check=True)
    return files, db, built


def table_rows(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in FACT_TABLES
        }
    finally:
        con.close()


# -- the refresh benchmark (one long-running process) -------------------------------------------


def _best(fn: Any, n: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds of this process) of ``n`` calls."""
    walls, cpus = [], []
    for _ in range(n):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    return min(walls), min(cpus)


def refresh(db: Path, repeat: int) -> dict[str, Any]:
    """``--refresh``: the 24-month month x rep catalogue and the dashboard's questions, in one
    process, through every cache layer; the hand-written SQL in the same process for scale."""
    sys.path.insert(0, str(ROOT / "tests" / "oracle"))
    from kpi_oracle import oracle_rows

    from pantau.metrics import KpiQuery, compute_kpis
    from pantau.metrics import engine as eng
    from pantau.store import Store

    store = Store(db)
    store.settings()
    with store.read() as con:
        (last,) = con.execute(
            "SELECT max(t) FROM (SELECT max(order_date_local) AS t FROM order_lines "
            "UNION ALL SELECT max(closed_at_local) FROM opportunities "
            "UNION ALL SELECT max(created_at_local) FROM leads)"
        ).fetchone()
    end_m = last.year * 12 + last.month - 1
    month = lambda m: f"{m // 12:04d}-{m % 12 + 1:02d}"  # noqa: E731
    full = KpiQuery(start=month(end_m - 23), end=month(end_m), grain="month", by="rep")
    out: dict[str, Any] = {}

    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    compute_kpis(store, full)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    out["first_call"] = (
        time.perf_counter() - t0,
        r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime,
    )

    def after_import() -> None:  # a new data version: results and layer gone, SQL compiled
        eng.RESULTS.clear()
        eng.LAYER.clear()
        eng.SNAPSHOTS.clear()
        eng.WATCH.clear()
        compute_kpis(store, full)

    out["after_import"] = _best(after_import, repeat)
    out["direct"] = _best(lambda: compute_kpis(store, full, cache=False), repeat)
    first_day = dt.date((end_m - 23) // 12, (end_m - 23) % 12 + 1, 1)
    after_day = dt.date((end_m + 1) // 12, (end_m + 1) % 12 + 1, 1)

    def sql() -> None:
        with store.read() as con:
            oracle_rows(con, grain="month", by="rep", start=first_day, end=after_day)

    out["sql"] = _best(sql, repeat)
    out["result_hit"] = _best(lambda: compute_kpis(store, full), max(repeat, 5))
    # the dashboard: overview window (13 months) and sparkline, a leaderboard, a KPI's page
    dashboard = [
        KpiQuery(start=month(end_m - 12), end=month(end_m), grain="month"),
        KpiQuery(start=month(end_m - 11), end=month(end_m), grain="month"),
        KpiQuery(start=month(end_m), end=month(end_m), by="rep", kpis=("sales_volume",)),
        KpiQuery(start=month(end_m - 23), end=month(end_m), kpis=("win_rate",), include_parts=True),
        KpiQuery(
            start=month(end_m), end=month(end_m), by="rep", kpis=("win_rate",), include_parts=True
        ),
        KpiQuery(start=month(end_m - 12), end=month(end_m), grain="quarter"),
    ]

    def cold_dashboard() -> None:
        eng.RESULTS.clear()
        eng.LAYER.clear()
        for query in dashboard:
            compute_kpis(store, query)

    out["dashboard_cold"] = _best(cold_dashboard, repeat)
    eng.RESULTS.clear()  # the layer stays: every question of the dashboard from its slabs
    latencies = []
    for query in dashboard * 5:
        t0 = time.perf_counter()
        compute_kpis(store, query)
        latencies.append(time.perf_counter() - t0)
    out["dashboard_warm_p95"] = statistics.quantiles(latencies, n=20)[-1]
    out["dashboard_warm_max"] = max(latencies)
    out["range"] = [full.start, full.end]
    out.update(after_small_import(db, dashboard, end_m, repeat))
    return out


def _new_order_lines(store: Any, end_m: int, path: Path, tag: str, n: int = 2000) -> Path:
    """A template CSV of ``n`` new order lines in the last month (copies of existing ones under
    new order ids starting with ``tag``): what a daily or monthly import brings."""
    import csv

    from pantau.model.records import RECORD_TYPES

    names = [c.name for c in RECORD_TYPES["order_lines"].columns]
    exprs = {
        "order_id": "order_id",
        "order_date": "strftime(order_date_local, '%Y-%m-%d %H:%M:%S')",
    }
    cols = ", ".join(exprs.get(name, f'"{name}"') for name in names)
    first = dt.date(end_m // 12, end_m % 12 + 1, 1)
    with store.read() as con:
        rows = con.execute(
            f"SELECT {cols} FROM order_lines WHERE order_date_local >= ? LIMIT {int(n)}", [first]
        ).fetchall()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for row in rows:
            values = ["" if v is None else v for v in row]
            values[0] = f"{tag}{values[0]}"
            writer.writerow(values)
    return path


def after_small_import(db: Path, dashboard: list[Any], end_m: int, repeat: int) -> dict[str, Any]:
    """The dashboard's questions right after an import of new order lines of the last month
    (on a copy of the store): the aggregate layer keeps every period the import cannot change,
    against a layer emptied (what a cache of whole answers would have to do)."""
    import shutil
    import tempfile

    from pantau.ingest import import_file
    from pantau.metrics import compute_kpis
    from pantau.metrics import engine as eng
    from pantau.store import Store

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="pantau-bench-refresh-") as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copyfile(db, copy)
        store = Store(copy)
        store.settings()
        kept, emptied = [], []
        for i in range(repeat):
            path = _new_order_lines(store, end_m, Path(tmp) / f"new-{i}.csv", f"X{i}-")
            for query in dashboard:  # the layer holds what the dashboard asked before
                compute_kpis(store, query)
            t0 = time.perf_counter()
            report = import_file(store, "order_lines", path, user="bench")
            out["import_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            for query in dashboard:
                compute_kpis(store, query)
            kept.append(time.perf_counter() - t0)
            eng.LAYER.clear()
            eng.RESULTS.clear()
            t0 = time.perf_counter()
            for query in dashboard:
                compute_kpis(store, query)
            emptied.append(time.perf_counter() - t0)
        out["import_rows"] = report.rows_read
        out["dashboard_after_import_kept"] = min(kept)
        out["dashboard_after_import_emptied"] = min(emptied)
    return out


# -- a persisted layer, measured (docs/performance.md, "Pre-aggregation") -------------------------


def preagg_prototype(db: Path, repeat: int) -> dict[str, Any]:
    """``--preagg-prototype``: what a persisted aggregate layer would cost and bring. Each source's
    facts (the joins done once) are materialised into an in-memory DuckDB attached to the store;
    the catalogue by month x rep over 24 months is then computed from them and, as the engine
    does, from the store (both including building and compiling the queries)."""
    import duckdb
    import ibis

    from pantau.metrics import engine as eng
    from pantau.metrics.sources import FACT_COLUMNS, FACTS
    from pantau.metrics.sources.common import Tables

    con = duckdb.connect()
    con.execute("ATTACH ? AS s (READ_ONLY)", [str(db)])
    con.execute("USE s")
    backend = ibis.duckdb.from_connection(con)
    tables = Tables(backend)
    (last,) = con.execute("SELECT max(order_date_local) FROM order_lines").fetchone()
    end_m = last.year * 12 + last.month - 1
    out: dict[str, Any] = {"build_s": {}, "rows": {}}
    everything = eng.facts_env(tables, "month", 1900 * 12, 2100 * 12, True, "meeting")
    for source in FACT_COLUMNS:
        if source == "collateral_available":
            continue
        sql = backend.compile(FACTS[source](everything))
        t0 = time.perf_counter()
        con.execute(f'CREATE TABLE memory.main."f_{source}" AS {sql}')
        out["build_s"][source] = time.perf_counter() - t0
        (n,) = con.execute(f'SELECT count(*) FROM memory.main."f_{source}"').fetchone()
        out["rows"][source] = n
    rollups = {
        "customer": "p, rep_id, product_id, segment, customer_id",
        "sums_only": "p, rep_id, product_id, segment",
    }
    for name, keys in rollups.items():
        (n,) = con.execute(
            f'SELECT count(*) FROM (SELECT DISTINCT {keys} FROM memory.main."f_order_lines")'
        ).fetchone()
        out[f"order_rollup_{name}"] = n
    first, last_p = end_m - 23, end_m
    parts = eng.catalogue_parts("orders", "rep")

    def direct() -> None:
        env = eng.facts_env(tables, "month", first, last_p, True, "meeting")
        for key, ps in parts.items():
            con.execute(backend.compile(eng.source_expr(env, key, ps, "rep", None))).fetchall()

    def materialised() -> None:
        for (source, keyed), ps in parts.items():
            if source == "collateral_available":
                continue
            f = ibis.table({"p": "int64", **FACT_COLUMNS[source]}, name=f"f_{source}")
            f = f.filter(f.p.between(first, last_p))
            groups = [f.p, f.rep_id.name("key")] if keyed else [f.p]
            expr = f.group_by(groups).aggregate(**{x.name: x.build(f) for x in ps})
            sql = backend.compile(expr).replace(f'"f_{source}"', f'memory.main."f_{source}"')
            con.execute(sql).fetchall()

    out["catalogue_direct"] = _best(direct, repeat)
    out["catalogue_materialised"] = _best(materialised, repeat)
    return out


# -- output parsing ------------------------------------------------------------------------------


def parse_kpi(text: str) -> dict[str, Any]:
    """The summary lines of bench/kpi.py."""
    out: dict[str, Any] = {}
    pattern = (
        r"^\s*(\w+): best ([\d.]+) s\s*\(runs ([^)]*)\)(?:, CPU best ([\d.]+) s)?,?"
        r"\s+peak RSS (\d+) MiB"
    )
    for m in re.finditer(pattern, text, re.M):
        runs = [float(x) for x in m.group(3).split(",") if x.strip()]
        out[m.group(1)] = {
            "best": float(m.group(2)),
            "runs": runs,
            "cpu_best": float(m.group(4)) if m.group(4) else None,
            "peak_mib": int(m.group(5)),
        }
    ratio = re.search(r"Pantau / SQL\s+=\s+([\d.]+)", text)
    if ratio:
        out["pantau_over_sql"] = float(ratio.group(1))
    out["agree"] = "DISAGREEMENTS" not in text
    return out


def parse_web(text: str) -> list[dict[str, Any]]:
    """The endpoint rows of bench/web.py's table."""
    rows = []
    num = r" \| ([\d.]+)"
    pattern = r"^\| (.+?) \| (\d+) \| (\d+)" + num * 8 + r" \|$"
    for m in re.finditer(pattern, text, re.M):
        rows.append(
            {
                "endpoint": m.group(1),
                "cold_ms": float(m.group(2)),
                "requests": int(m.group(3)),
                "p50_ms": float(m.group(4)),
                "p95_ms": float(m.group(5)),
                "rps": float(m.group(6)),
                "p99_ms": float(m.group(7)),
                "server_p50_ms": float(m.group(8)),
                "server_p95_ms": float(m.group(9)),
                "cpu_ms": float(m.group(10)),
            }
        )
    return rows


# -- one scale -------------------------------------------------------------------------------------


def run_scale(name: str, scale: float, args: argparse.Namespace) -> dict[str, Any]:
    files, db, built = ensure_demo(scale)
    scale_dir = CACHE / "logs" / label(scale)
    scale_dir.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "name": name,
        "scale": scale,
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "rows": table_rows(db),
        "store_mib": db.stat().st_size / 2**20,
        "demo_build_s": built,
    }
    py = sys.executable
    if "import" not in args.skip:
        out = scale_dir / "import.json"
        info = measured(
            "import", [py, str(BENCH / "import.py"), str(files), "--json", str(out)], scale_dir
        )
        res["import"] = {
            **_meta(info),
            "types": json.loads(out.read_text()) if info["rc"] == 0 else None,
        }
    if "kpi" not in args.skip:
        cmd = [
            py,
            str(BENCH / "kpi.py"),
            "--scale",
            label(scale),
            "--repeat",
            str(args.repeat),
            "--methods",
            _methods(args.methods, scale),
        ]
        info = measured("kpi", cmd, scale_dir)
        res["kpi"] = {**_meta(info), **parse_kpi(info["output"])}
    if "refresh" not in args.skip:
        out = scale_dir / "refresh.json"
        cmd = [py, __file__, "--refresh", str(db), "--out", str(out), "--repeat", str(args.repeat)]
        info = measured("refresh", cmd, scale_dir)
        res["refresh"] = {**_meta(info), **(json.loads(out.read_text()) if info["rc"] == 0 else {})}
    web = BENCH / "web.py"
    if "web" not in args.skip and web.exists():
        cmd = [
            py,
            str(web),
            "--scale",
            label(scale),
            "--no-write",
            "--seconds",
            str(args.web_seconds),
        ]
        info = measured("web", cmd, scale_dir)
        res["web"] = {**_meta(info), "endpoints": parse_web(info["output"])}
    if name == "S" and "engines" not in args.skip:  # PostgreSQL and Spark beside DuckDB
        out = scale_dir / "engines.json"
        cmd = [py, str(BENCH / "engines.py"), "--db", str(db), "--json", str(out)]
        info = measured("engines", cmd, scale_dir)
        found = json.loads(out.read_text()) if info["rc"] == 0 else {}
        res["engines"] = {**_meta(info), **{k: found.get(k) for k in ("table", "agreement")}}
    return res


def _meta(info: dict[str, Any]) -> dict[str, Any]:
    return {k: info[k] for k in ("rc", "seconds", "peak_mib", "load_before", "load_after")}


# -- growth and the report ------------------------------------------------------------------------


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(time) against log(rows); None with fewer than two scales."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = statistics.fmean(x for x, _ in pts)
    my = statistics.fmean(y for _, y in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def series(results: list[dict[str, Any]]) -> dict[str, list[tuple[float, float]]]:
    """(rows, seconds) per measured quantity, over the scales."""
    out: dict[str, list[tuple[float, float]]] = {}

    def add(key: str, rows: float, seconds: float | None) -> None:
        if seconds:
            out.setdefault(key, []).append((rows, seconds))

    for r in results:
        rows = float(sum(r["rows"].values()))
        kpi, ref = r.get("kpi", {}), r.get("refresh", {})
        add(
            "KPI catalogue, Pantau fresh process (bench/kpi.py)",
            rows,
            kpi.get("pantau", {}).get("best"),
        )
        add("KPI catalogue, hand-written SQL (bench/kpi.py)", rows, kpi.get("sql", {}).get("best"))
        add(
            "KPI catalogue, Pantau after an import (refresh)",
            rows,
            (ref.get("after_import") or [None])[0],
        )
        for t in (r.get("import") or {}).get("types") or []:
            add(f"import {t['type']} (Pantau)", float(t["rows"]), t["pantau_s"])
    return out


def machine() -> str:
    import duckdb
    import ibis

    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{len(os.sched_getaffinity(0))} usable cores of {os.cpu_count()} ({cpu}), "
        f"{mem:.0f} GiB RAM, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}, Ibis {ibis.__version__}"
    )


def _s(value: Any, fmt: str = "{:.2f}") -> str:
    return "–" if value is None else fmt.format(value)


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        SECTION,
        "",
        "Written by `python bench/run.py` (the latest run of each scale; "
        "times are the best of the runs, wall clock).",
        "",
        f"Machine: {machine()}.",
        "",
    ]
    lines += [
        "| scale | fact rows | store MiB | run at | load average (kept benchmarks) |",
        "|---|---:|---:|---|---|",
    ]
    for r in results:
        loads = [r[k]["load_before"] for k in ("import", "kpi", "refresh", "web") if k in r]
        loads += [r[k]["load_after"] for k in ("import", "kpi", "refresh", "web") if k in r]
        load = f"{min(loads):.1f} – {max(loads):.1f}" if loads else "–"
        lines.append(
            f"| {r['name']} ({label(r['scale'])}) | {sum(r['rows'].values()):,} | "
            f"{r['store_mib']:.0f} | {r['at']} | {load} |"
        )
    lines += [
        "",
        "**KPI catalogue** (17 KPIs by month x rep over 24 months). *Fresh process*: "
        "bench/kpi.py, one new process per run (Ibis import and compilation included). "
        "*After an import*: the same question in a running process once the data changed "
        "(compiled SQL kept, results and aggregate layer empty). *Direct*: the uncached "
        "computation in that process. *Dashboard*: six questions of the overview, a "
        "leaderboard and a KPI page; cold = empty layer, warm = from the layer.",
        "",
    ]
    lines += [
        "| scale | SQL s | Pantau fresh s | ratio (CPU) | after import s | ratio (CPU) | "
        "direct s | result hit ms | dashboard cold s | warm p95 ms | pandas s | "
        "Pantau peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        kpi, ref = r.get("kpi", {}), r.get("refresh", {})
        sql, fresh = kpi.get("sql", {}), kpi.get("pantau", {})
        after, ref_sql = ref.get("after_import") or [None, None], ref.get("sql") or [None, None]
        warm = ref.get("dashboard_warm_p95")
        lines.append(
            f"| {r['name']} | {_s(sql.get('best'))} | {_s(fresh.get('best'))} | "
            f"{_ratio(fresh.get('best'), sql.get('best'))} "
            f"({_ratio(fresh.get('cpu_best'), sql.get('cpu_best'))}) | {_s(after[0])} | "
            f"{_ratio(after[0], ref_sql[0])} ({_ratio(after[1], ref_sql[1])}) | "
            f"{_s((ref.get('direct') or [None])[0])} | {_ms(ref.get('result_hit'))} | "
            f"{_s((ref.get('dashboard_cold') or [None])[0])} | "
            f"{_s(warm * 1000 if warm else None, '{:.1f}')} | "
            f"{_s(kpi.get('pandas', {}).get('best'))} | {fresh.get('peak_mib') or '–'} |"
        )
    small = [r for r in results if (r.get("refresh") or {}).get("dashboard_after_import_kept")]
    if small:
        lines += [
            "",
            "**Dashboard after a small import** (2,000 new order lines of the last "
            "month imported into a copy of the store; the six dashboard questions "
            "right after it). *Layer kept*: the aggregate layer keeps every period the "
            "import cannot have changed (here: all but the order lines from that month "
            "on). *Layer emptied*: everything recomputed, as a cache of whole answers "
            "would have to.",
            "",
            "| scale | import s | dashboard, layer kept s | dashboard, layer emptied s |",
            "|---|---:|---:|---:|",
        ]
        for r in small:
            ref = r["refresh"]
            lines.append(
                f"| {r['name']} | {ref['import_s']:.2f} | "
                f"{ref['dashboard_after_import_kept']:.2f} | "
                f"{ref['dashboard_after_import_emptied']:.2f} |"
            )
    imports = [(r, t) for r in results for t in (r.get("import") or {}).get("types") or []]
    if imports:
        lines += [
            "",
            "**Import** (bench/import.py on the demo's files, each type into a new "
            "store, against DuckDB's `read_csv`).",
            "",
            "| scale | type | rows | Pantau s | DuckDB s | ratio | Pantau peak RSS MiB |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for r, t in imports:
            lines.append(
                f"| {r['name']} | {t['type']} | {t['rows']:,} | {t['pantau_s']:.2f} | "
                f"{t['duckdb_s']:.2f} | {t['ratio']:.2f} | {t['pantau_rss_mb']:.0f} |"
            )
    webs = [(r, e) for r in results for e in (r.get("web") or {}).get("endpoints") or []]
    if webs:
        lines += [
            "",
            "**Web** (bench/web.py: wrk, 20 connections per endpoint, the last month; p50/p95 "
            "as the clients saw them, server = the app's own time from its Server-Timing header).",
            "",
            "| scale | endpoint | cold ms | p50 ms | p95 ms | req/s | server p95 ms | CPU ms/req |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r, e in webs:
            lines.append(
                f"| {r['name']} | {e['endpoint']} | {e['cold_ms']:.0f} | "
                f"{e['p50_ms']:.1f} | {e['p95_ms']:.1f} | {e['rps']:.1f} | "
                f"{_s(e.get('server_p95_ms'), '{:.1f}')} | {_s(e.get('cpu_ms'), '{:.1f}')} |"
            )
    engines = [r for r in results if (r.get("engines") or {}).get("table")]
    for r in engines:
        agreement = r["engines"].get("agreement") or {}
        lines += [
            "",
            f"**Engines** (bench/engines.py at scale {r['name']}: the same refresh, month x rep "
            "over 24 months, `cache=False`, on DuckDB, PostgreSQL and Spark in fresh processes).",
            "",
            r["engines"]["table"],
            "",
            "Agreement: "
            + ", ".join(f"{pair}: {verdict}" for pair, verdict in agreement.items())
            + ".",
        ]
    lines += [
        "",
        "**Growth** (slope of log time against log rows over the scales measured; goal <= 1.1):",
        "",
    ]
    for key, points in series(results).items():
        k = slope(points)
        scales = len(points)
        lines.append(
            f"- {key}: {_s(k)}"
            + ("" if k is not None else f" (needs two scales; {scales} measured)")
        )
    return "\n".join(_wrap(line) for line in lines) + "\n"


def _wrap(line: str) -> str:
    """Prose wrapped at 100 columns (tables and headings as they are)."""
    if line.startswith(("|", "#", "- ")) or len(line) <= 100:
        return line
    return textwrap.fill(line, 100, break_on_hyphens=False, break_long_words=False)


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}"


def _ms(pair: list[float] | None) -> str:
    return "–" if not pair else f"{pair[0] * 1000:.1f}"


def write_section(text: str) -> None:
    """Replace (or add) this script's section of docs/performance.md, leaving the others."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    doc = pattern.sub(text + "\n", doc) if pattern.search(doc) else doc.rstrip() + "\n\n" + text
    DOC.write_text(doc.rstrip() + "\n", encoding="utf-8")


def _methods(given: str | None, scale: float) -> str:
    """The bench/kpi.py methods for ``scale``: ``given``, else all but pandas at L."""
    if given:
        return given
    return "pantau,sql" if scale >= SCALES["L"] else "pantau,sql,pandas"


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--measure" and sys.argv[3] == "--":
        return _wrapped(Path(sys.argv[2]), sys.argv[4:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--scale",
        action="append",
        choices=[*SCALES, *map(str.lower, SCALES)],
        help="S (demo scale 10), M (100) or L (400); repeatable",
    )
    ap.add_argument("--skip", default="", help="comma-separated: import,kpi,refresh,web,engines")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    ap.add_argument(
        "--methods",
        default=None,
        help="bench/kpi.py methods (default: pantau,sql,pandas; at L pantau,sql: pandas would "
        "need more memory than a 24 GB machine has)",
    )
    ap.add_argument("--web-seconds", type=float, default=20.0)
    ap.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    ap.add_argument(
        "--preagg-prototype",
        type=Path,
        metavar="STORE",
        help="measure a persisted aggregate layer on STORE (prints JSON)",
    )
    ap.add_argument("--refresh", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.preagg_prototype:
        print(json.dumps(preagg_prototype(args.preagg_prototype, args.repeat), indent=1))
        return
    if args.refresh:
        args.out.write_text(json.dumps(refresh(args.refresh, args.repeat), indent=1))
        return
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in args.scale or ["S"]:
        name = name.upper()
        print(f"scale {name} (demo scale {label(SCALES[name])})", flush=True)
        res = run_scale(name, SCALES[name], args)
        kept = RESULTS / f"{name}.json"
        if kept.exists():  # a skipped benchmark keeps the results of its last run
            before = json.loads(kept.read_text())
            res = {**{k: v for k, v in before.items() if k in BENCHMARKS}, **res}
            if not set(BENCHMARKS) - args.skip:  # nothing run: only the report is rewritten
                res["at"] = before.get("at", res["at"])
        kept.write_text(json.dumps(res, indent=1, default=str))
    results = [
        json.loads((RESULTS / f"{n}.json").read_text())
        for n in SCALES
        if (RESULTS / f"{n}.json").exists()
    ]
    for r in results:
        r.get("import", {}).pop("output", None)
    text = report(results)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
