"""Benchmark: the full KPI catalogue refresh on DuckDB, PostgreSQL and Spark (issue #7 "Scale").

The question is bench/kpi.py's: every KPI, by rep, grain month, the last 24 whole months with
data, asked as ``compute_kpis(store, query, cache=False)`` (no cache of any kind) of

- ``duckdb``: the cached demo store itself (opened read-only, never written),
- ``postgres``: a copy made with ``pantau --db STORE copy-to URL`` (kept; copied again only
  when a table's row count differs from the store's),
- ``spark``: ``spark:///FOLDER`` over ``pantau --db STORE export-parquet FOLDER`` (kept, the
  same check),

with the hand-written oracle SQL (tests/oracle/oracle.sql on the DuckDB store, as bench/kpi.py
runs it) as the baseline ``sql``. Each measurement is one fresh worker process: it imports
Pantau, starts the engine (Spark: the session, i.e. the JVM, timed on its own; PostgreSQL and
DuckDB: opening the store and reading its settings), answers the question once ("first call",
process start to the answer also reported) and then ``--repeat`` more times in the same process
(warm engine; best reported). Peak RSS is the worker's own (``ru_maxrss``) plus, for Spark, the
peak RSS (``VmHWM``) of its child processes, i.e. the JVM. PostgreSQL's server processes are not
children: their memory and CPU are not in the numbers. ``--rounds`` repeats the whole set of
workers, interleaved (fair under load from other jobs); best times and highest peaks are kept.

Finally every engine's answer is compared with DuckDB's and the oracle's: the same (month, rep)
groups, every value equal to 1e-9 relative (tests/oracle/kpi_oracle.values_equal).

    python bench/engines.py --json bench/.cache/results/engines-S.json
    python bench/engines.py --engines duckdb,postgres --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
ENGINES = ("duckdb", "postgres", "spark")
BASELINE = "sql"
DEFAULT_DB = CACHE / "demo-10.duckdb"
DEFAULT_PG = "postgresql://pantau:pantau@127.0.0.1:5432/pantau_bench"
PANTAU = Path(sys.executable).with_name("pantau")
TICK = os.sysconf("SC_CLK_TCK")

Rows = dict[tuple[str, Any], dict[str, Any]]


# -- the worker: one engine, one fresh process --------------------------------------------------


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def _tree_cpu() -> float:
    """CPU seconds (user + system, all threads) of this process and its live descendants."""
    total = 0.0
    for pid in [os.getpid(), *_children(os.getpid())]:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


def _worker(args: argparse.Namespace) -> None:
    launched = args.t0
    t = time.perf_counter()
    from pantau.metrics import KpiQuery, compute_kpis
    from pantau.store import open_store

    if args.worker == BASELINE:
        sys.path.insert(0, str(ROOT / "tests" / "oracle"))
        from kpi_oracle import oracle_rows
    imports_s = time.perf_counter() - t

    engine_start_s = None
    if args.worker == "spark":  # the JVM and the Spark context, on their own
        from pantau.store import spark_store

        t = time.perf_counter()
        spark_store.spark_session()
        engine_start_s = time.perf_counter() - t
    t = time.perf_counter()
    store = open_store(args.store)
    store.settings()  # PostgreSQL: the first connection and the schema check
    open_s = time.perf_counter() - t

    # each query the engine runs (Tables.run: compile + execute + fetch), to see where time goes
    from pantau.metrics.sources import common

    queries: list[float] = []
    run = common.Tables.run

    def timed_run(self: Any, expr: Any) -> Any:
        t = time.perf_counter()
        try:
            return run(self, expr)
        finally:
            queries.append(time.perf_counter() - t)

    common.Tables.run = timed_run  # type: ignore[method-assign]

    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    last = end - dt.timedelta(days=1)  # as bench/kpi.py asks: months start .. last, inclusive
    query = KpiQuery(start=f"{start:%Y-%m}", end=f"{last:%Y-%m}", grain="month", by="rep")

    def compute() -> Rows:
        if args.worker == BASELINE:  # as bench/kpi.py runs the oracle
            with store.read() as con:
                rows = oracle_rows(con, grain="month", by="rep", start=start, end=end)
            return {(r["period"], r["key"]): r for r in rows}
        result = compute_kpis(store, query, cache=False)
        return {(r["period"], r.get("rep_id")): r for r in result["rows"]}

    calls: list[list[float]] = []  # per call: the seconds of each query

    def timed() -> tuple[float, float, Rows]:
        queries.clear()
        wall, cpu = time.perf_counter(), _tree_cpu()
        rows = compute()
        wall, cpu = time.perf_counter() - wall, _tree_cpu() - cpu
        calls.append(list(queries))
        return wall, cpu, rows

    first_s, first_cpu, first_rows = timed()
    to_first_answer_s = time.time() - launched
    times, cpus, rows = [], [], first_rows
    for _ in range(args.repeat):
        wall, cpu, rows = timed()
        times.append(wall)
        cpus.append(cpu)

    children = {pid: (_comm(pid), _status_kib(pid, "VmHWM")) for pid in _children(os.getpid())}
    res = {
        "imports_s": imports_s,
        "engine_start_s": engine_start_s,
        "open_s": open_s,
        "first_s": first_s,
        "first_cpu_s": first_cpu,
        "to_first_answer_s": to_first_answer_s,
        "times": times,
        "cpu": cpus,
        "query_seconds": calls,
        "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mib": {f"{c} ({pid})": kib / 1024 for pid, (c, kib) in children.items()},
        "rows_first": first_rows,
        "rows_last": rows,
    }
    with open(args.out, "wb") as fh:
        pickle.dump(res, fh)


def _measure(engine: str, store: str, start: dt.date, end: dt.date, repeat: int, tmp: Path):
    out = tmp / f"{engine}.pickle"
    cmd = [sys.executable, __file__, "--worker", engine, "--store", store, "--out", str(out)]
    cmd += ["--start", start.isoformat(), "--end", end.isoformat(), "--repeat", str(repeat)]
    cmd += ["--t0", repr(time.time())]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    with open(out, "rb") as fh:
        res = pickle.load(fh)
    res["process_s"] = time.perf_counter() - t
    return res


# -- the copies: PostgreSQL and Parquet, kept between runs ---------------------------------------


def _source_counts(db: Path, tables: list[str]) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _create_pg_database(url: str) -> None:
    """Create the URL's database when this is root on the server's machine (ci-services.sh)."""
    import psycopg

    from pantau.store.postgres_store import PgAddress

    info = psycopg.conninfo.conninfo_to_dict(PgAddress.parse(url).conninfo)
    name, owner = info.get("dbname"), info.get("user")
    try:
        psycopg.connect(PgAddress.parse(url).conninfo).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc) or not name or os.geteuid() != 0:
            raise
    print(f"creating PostgreSQL database {name} (owner {owner}) as the postgres user", flush=True)
    sql = f'CREATE DATABASE "{name}" OWNER "{owner}"'
    port = str(info.get("port") or 5432)
    psql = ["runuser", "-u", "postgres", "--", "psql", "-p", port, "-v", "ON_ERROR_STOP=1"]
    subprocess.run([*psql, "-qc", sql], check=True, cwd="/")


def _prepare_postgres(db: Path, url: str) -> dict[str, Any]:
    from pantau.model.records import RECORD_TYPES
    from pantau.store import PostgresStore
    from pantau.store.transfer import PANTAU_TABLES

    tables = [*RECORD_TYPES, *PANTAU_TABLES]
    want = _source_counts(db, tables)
    _create_pg_database(url)
    target = PostgresStore(url)
    with target.read() as con:
        have = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    if have == want:
        return {"copied": False, "seconds": 0.0, "rows": sum(want.values())}
    print(f"copying {db.name} to {target.address.label} with `pantau copy-to` ...", flush=True)
    t = time.perf_counter()
    subprocess.run([str(PANTAU), "--db", str(db), "copy-to", url], check=True)
    return {"copied": True, "seconds": time.perf_counter() - t, "rows": sum(want.values())}


def _prepare_parquet(db: Path, folder: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from pantau.model.records import RECORD_TYPES

    want = _source_counts(db, list(RECORD_TYPES))

    def have() -> dict[str, int] | None:
        if not (folder / "settings.json").exists():  # written last by export-parquet
            return None
        try:
            return {t: pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows for t in want}
        except OSError:
            return None

    out = {"copied": False, "seconds": 0.0, "rows": sum(want.values())}
    if have() != want:
        print(f"exporting {db.name} to {folder} with `pantau export-parquet` ...", flush=True)
        t = time.perf_counter()
        cmd = [str(PANTAU), "--db", str(db), "export-parquet", str(folder), "--force"]
        subprocess.run(cmd, check=True)
        out.update(copied=True, seconds=time.perf_counter() - t)
    # files younger than spark_store.SETTLE_S make every call a new data version (views
    # registered again): let them settle, as files a pipeline wrote a while ago would be
    newest = max(p.stat().st_mtime for p in folder.iterdir())
    time.sleep(max(0.0, newest + 3.5 - time.time()))
    return out


# -- report --------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for dist in ("duckdb", "ibis-framework", "pyspark", "psycopg", "pantau"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "-"
    java = shutil.which("java")
    if java:
        run = subprocess.run([java, "-version"], capture_output=True, text=True)
        out["java"] = (run.stderr or run.stdout).splitlines()[0] if run.returncode == 0 else "?"
    return out


def _pg_server_version(url: str) -> str:
    from pantau.store import PostgresStore

    try:
        with PostgresStore(url).read() as con:
            return str(con.execute("SHOW server_version").fetchone()[0])
    except Exception as exc:  # noqa: BLE001  (only informative)
        return f"? ({type(exc).__name__})"


class LoadSampler:
    """The 1-minute load average every few seconds during the run."""

    def __init__(self, every_s: float = 5.0) -> None:
        self.samples: list[float] = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every_s,), daemon=True)
        self._thread.start()

    def _run(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])
        s = self.samples
        return {"min": min(s), "mean": sum(s) / len(s), "max": max(s)}


def _first_difference(kpi_bench: Any, a: Rows, b: Rows) -> str | None:
    problems = kpi_bench._compare(a, b)
    if not problems:
        return None
    return f"{problems[0]} ({len(problems)} differences)"


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB, help="DuckDB store (read only)")
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3, help="warm calls after the first")
    ap.add_argument("--rounds", type=int, default=2, help="fresh workers per engine")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--pg", default=DEFAULT_PG, help=f"PostgreSQL target (default {DEFAULT_PG})")
    ap.add_argument("--parquet", type=Path, help="Parquet folder (default: beside the store)")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    ap.add_argument("--worker", choices=(*ENGINES, BASELINE), help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--start", help=argparse.SUPPRESS)
    ap.add_argument("--end", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return _worker(args)

    sys.path.insert(0, str(ROOT / "bench"))
    import kpi as kpi_bench  # bench/kpi.py: the month range, the comparison, the machine

    db = args.db.resolve()
    if not db.exists():
        sys.exit(f"{db} is missing: build it with `python bench/kpi.py --scale 10`")
    engines = [e for e in args.engines.split(",") if e]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        sys.exit(f"unknown engines {', '.join(unknown)}; use {', '.join(ENGINES)}")
    parquet = (args.parquet or db.with_name(db.stem + "-parquet")).resolve()
    start, end = kpi_bench._range(db, args.months)
    versions = _versions()
    if "postgres" in engines:
        versions["postgresql_server"] = _pg_server_version(args.pg)
    machine = kpi_bench._machine()
    print(machine)
    print(", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"store {db} ({db.stat().st_size / 2**20:.0f} MiB), months {start} .. {end} (excl.)")

    setup: dict[str, Any] = {}
    if "postgres" in engines:
        setup["postgres"] = _prepare_postgres(db, args.pg)
        versions["postgresql_server"] = _pg_server_version(args.pg)
    if "spark" in engines:
        setup["spark"] = _prepare_parquet(db, parquet)
    stores = {BASELINE: str(db), "duckdb": str(db), "postgres": args.pg}
    stores["spark"] = f"spark://{parquet}"

    methods = [BASELINE, *engines]
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in methods}
    load = LoadSampler()
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(args.rounds):  # rounds interleave the engines
            for method in methods:
                print(f"round {rnd + 1}/{args.rounds}: {method} ...", flush=True)
                res = _measure(method, stores[method], start, end, args.repeat, Path(tmp))
                runs[method].append(res)
    loadavg = load.stop()

    summary: dict[str, dict[str, Any]] = {}
    for method, results in runs.items():
        starts = [r["engine_start_s"] for r in results if r["engine_start_s"] is not None]

        def children(r: dict[str, Any], jvm: bool) -> float:
            mibs = r["children_peak_mib"].items()
            return sum(mib for name, mib in mibs if name.startswith("java ") == jvm)

        # the best warm call, and how much of it the engine's queries took
        warm = [
            (t, q) for r in results for t, q in zip(r["times"], r["query_seconds"][1:], strict=True)
        ]
        best_s, best_queries = min(warm) if warm else (None, [])
        summary[method] = {
            "store": stores[method],
            "imports_s": min(r["imports_s"] for r in results),
            "engine_start_s": min(starts) if starts else None,
            "open_s": min(r["open_s"] for r in results),
            "first_s": min(r["first_s"] for r in results),
            "first_cpu_s": min(r["first_cpu_s"] for r in results),
            "to_first_answer_s": min(r["to_first_answer_s"] for r in results),
            "process_s": min(r["process_s"] for r in results),
            "best_s": best_s,
            "best_cpu_s": min((c for r in results for c in r["cpu"]), default=None),
            "times": [t for r in results for t in r["times"]],
            "first_times": [r["first_s"] for r in results],
            "cpu": [c for r in results for c in r["cpu"]],
            "queries_per_call": len(results[-1]["query_seconds"][0]),
            "best_call_query_s": best_queries,
            "first_call_query_s": [r["query_seconds"][0] for r in results],
            "python_peak_mib": max(r["python_peak_mib"] for r in results),
            "jvm_peak_mib": max(children(r, True) for r in results),
            "other_children_peak_mib": max(children(r, False) for r in results),
            "children": [r["children_peak_mib"] for r in results],
            "groups": len(results[-1]["rows_first"]),
        }
        s = summary[method]
        s["peak_mib"] = s["python_peak_mib"] + s["jvm_peak_mib"]

    # agreement: each engine with DuckDB and with the oracle; repeated calls with the first
    rows = {m: runs[m][-1]["rows_first"] for m in methods}
    agreement: dict[str, str] = {}
    for method in methods:
        for r in runs[method]:
            diff = _first_difference(kpi_bench, r["rows_last"], r["rows_first"])
            if diff:
                agreement[f"{method} repeated vs first"] = diff
    for ref in ("duckdb", BASELINE):
        for method in engines:
            if method != ref and ref in rows:
                agreement[f"{method} vs {ref}"] = (
                    _first_difference(kpi_bench, rows[method], rows[ref]) or "agree"
                )
    agree = all(v == "agree" for v in agreement.values())

    ref = summary.get("duckdb", summary[BASELINE])
    lines = [
        "| engine | engine start s | first call s | process start → first answer s "
        "| best of N s (warm) | CPU best s | × DuckDB first | × DuckDB warm "
        "| peak RSS MiB | groups |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {BASELINE: "oracle SQL (DuckDB)", "duckdb": "DuckDB", "postgres": "PostgreSQL"}
    names["spark"] = "Spark (local[2])"
    for method in [*engines, BASELINE]:
        s = summary[method]
        start_s = s["engine_start_s"] if method == "spark" else s["open_s"]
        peak = f"{s['peak_mib']:.0f}"
        if s["jvm_peak_mib"]:
            peak += f" (Python {s['python_peak_mib']:.0f} + JVM {s['jvm_peak_mib']:.0f})"

        def ratio(a: float | None, b: float | None) -> str:
            return "–" if a is None or not b else f"{a / b:.1f}"

        lines.append(
            f"| {names[method]} | {_fmt(start_s)} | {_fmt(s['first_s'])} "
            f"| {_fmt(s['to_first_answer_s'], 1)} | {_fmt(s['best_s'])} "
            f"| {_fmt(s['best_cpu_s'])} | {ratio(s['first_s'], ref['first_s'])} "
            f"| {ratio(s['best_s'], ref['best_s'])} | {peak} | {s['groups']} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    print()
    print(
        f"N = {args.repeat} warm calls x {args.rounds} round(s) (fresh processes); engine "
        "start: the Spark session (JVM), else opening the store and reading its settings; "
        "CPU: the worker and its children (not PostgreSQL's server)"
    )
    for method in methods:
        s = summary[method]
        if method == BASELINE:
            continue
        first = min(s["first_call_query_s"], key=sum)
        print(
            f"{names[method]}: {s['queries_per_call']} queries a call; first call "
            f"{sum(first):.2f} s in queries (slowest {max(first, default=0):.2f} s); best warm "
            f"call {sum(s['best_call_query_s']):.2f} s in queries (slowest "
            f"{max(s['best_call_query_s'], default=0):.2f}, fastest "
            f"{min(s['best_call_query_s'], default=0):.2f} s)"
            + (
                f"; Spark's Python workers peak {s['other_children_peak_mib']:.0f} MiB (summed)"
                if s["other_children_peak_mib"]
                else ""
            )
        )
    print(
        f"load average (1 min) during the run: min {loadavg['min']:.1f}, mean "
        f"{loadavg['mean']:.1f}, max {loadavg['max']:.1f}"
    )
    for what, verdict in agreement.items():
        print(f"{what}: {verdict}")
    print("engines agree" if agree else "ENGINES DISAGREE")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(["python", "bench/engines.py", *sys.argv[1:]]),
            "machine": machine,
            "nproc": len(os.sched_getaffinity(0)),
            "ram_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
            "versions": versions,
            "store": str(db),
            "store_mib": db.stat().st_size / 2**20,
            "months": [start.isoformat(), end.isoformat()],
            "repeat": args.repeat,
            "rounds": args.rounds,
            "setup": setup,
            "loadavg": loadavg,
            "results": summary,
            "agreement": agreement,
            "agree": agree,
            "table": table,
        }
        args.json.write_text(json.dumps(doc, indent=1, default=str) + "\n")
        print(f"wrote {args.json}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
