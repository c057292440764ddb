"""Import benchmark: Pantau's importer against DuckDB's own CSV load of the same files.

    python bench/import.py [FOLDER] [--rows N] [--work DIR] [--json FILE]

FOLDER holds template CSVs (e.g. written by ``pantau demo``); the big record types found there
(opportunities, activities, order_lines) are measured. Without FOLDER, or for a type missing from
it, a synthetic file of ``--rows`` rows is generated. Each measurement runs in a fresh subprocess
(a new store / DuckDB file) that reports its wall time and peak RSS (``getrusage``).

Pantau does much more than DuckDB's ``CREATE TABLE AS SELECT * FROM read_csv(...)``: checksum,
UTF-8 check, every cell validated, local/UTC timestamps, derived columns, duplicate keys,
reference checks, upsert and import log. The goal is at least half DuckDB's rows/s, and < 1 GB RSS.
Each child also reports its CPU seconds (user + system, all threads): on a shared machine the CPU
ratio moves less than the wall-clock one. ``--json FILE`` also writes the measurements as JSON (a
list, one object per record type), for ``bench/run.py``. Not a unit test; run by hand.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIG_TYPES = ("opportunities", "activities", "order_lines")

SYNTHETIC = {
    "opportunities": """
        SELECT 'OPP' || lpad(i::VARCHAR, 8, '0') AS opportunity_id,
               'R' || (i % 40) AS rep_id,
               strftime(TIMESTAMP '2024-01-01' + to_minutes(i % 900000), '%Y-%m-%d %H:%M')
                 AS created_at,
               ['Prospek', 'Proposal', 'Negosiasi', 'Won', 'Lost'][1 + i % 5] AS stage,
               'C' || (i % 5000) AS customer_id, 'P' || (i % 60) AS product_id,
               1 + i % 7 AS quantity, round(1e6 + (i * 7919) % 5e7, 2) AS amount,
               strftime(TIMESTAMP '2024-01-03' + to_minutes(i % 900000), '%Y-%m-%d %H:%M')
                 AS closed_at
        FROM range({n}) t(i)""",
    "activities": """
        SELECT 'ACT' || lpad(i::VARCHAR, 9, '0') AS activity_id, 'R' || (i % 40) AS rep_id,
               ['call', 'email', 'whatsapp', 'meeting', 'visit'][1 + i % 5] AS type,
               strftime(TIMESTAMP '2024-01-01' + to_minutes(i % 1000000), '%Y-%m-%dT%H:%M:00+07:00')
                 AS occurred_at,
               CASE WHEN i % 10 = 0 THEN 'planned' ELSE 'done' END AS status,
               'OPP' || lpad((i // 4)::VARCHAR, 8, '0') AS opportunity_id
        FROM range({n}) t(i)""",
    "order_lines": """
        SELECT 'SO' || lpad((i // 3)::VARCHAR, 8, '0') AS order_id,
               strftime(DATE '2024-01-01' + (i % 700)::INT, '%Y-%m-%d') AS order_date,
               'C' || (i % 5000) AS customer_id, 'P' || (i % 60) AS product_id,
               'R' || (i % 40) AS rep_id,
               CASE WHEN i % 50 = 0 THEN -1 ELSE 1 + i % 9 END AS quantity,
               round(50000 + (i * 7919) % 900000, 2) AS unit_net_price,
               CASE WHEN i % 4 = 0 THEN '10%' ELSE '' END AS discount
        FROM range({n}) t(i)""",
}


def generate(record_type: str, n: int, target: Path) -> Path:
    import duckdb

    query = SYNTHETIC[record_type].format(n=n)
    duckdb.sql(f"COPY ({query}) TO '{target}' (HEADER, DELIMITER ',')")
    return target


# -- measured children -------------------------------------------------------------------------
def child_pantau(record_type: str, path: str, db: str) -> dict[str, float]:
    from pantau.ingest import import_file
    from pantau.store import Store

    store = Store(db)
    store.settings()  # create the schema before the clock starts
    start, cpu = time.perf_counter(), cpu_seconds()
    report = import_file(store, record_type, path, lang="en")
    return {
        "seconds": time.perf_counter() - start,
        "cpu": cpu_seconds() - cpu,
        "rows": report.rows_read,
    }


def child_duckdb(path: str, db: str) -> dict[str, float]:
    import duckdb

    con = duckdb.connect(db)
    start, cpu = time.perf_counter(), cpu_seconds()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu, "rows": rows}


def cpu_seconds() -> float:
    """CPU time of this process so far (every thread, user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_child(args: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(record_type: str, path: Path, work: Path) -> dict[str, float]:
    pantau = run_child(["pantau", record_type, str(path), str(work / f"{record_type}.duckdb")])
    duck = run_child(["duckdb", record_type, str(path), str(work / f"{record_type}-raw.duckdb")])
    assert pantau["rows"] == duck["rows"], (pantau, duck)
    return {
        "rows": pantau["rows"],
        "mb": path.stat().st_size / 1e6,
        "pantau_s": pantau["seconds"],
        "duckdb_s": duck["seconds"],
        "pantau_rows_s": pantau["rows"] / pantau["seconds"],
        "duckdb_rows_s": duck["rows"] / duck["seconds"],
        "ratio": duck["seconds"] / pantau["seconds"],
        "pantau_cpu_s": pantau["cpu"],
        "duckdb_cpu_s": duck["cpu"],
        "cpu_ratio": duck["cpu"] / pantau["cpu"],
        "pantau_rss_mb": pantau["rss_mb"],
        "duckdb_rss_mb": duck["rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="folder of template CSVs")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of synthetic files")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, record_type, path, db = args.child
        result = child_pantau(record_type, path, db) if kind == "pantau" else child_duckdb(path, db)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        header = f"{'type':<14}{'rows':>10}{'MB':>8}{'pantau s':>10}{'duckdb s':>10}"
        print(
            header + f"{'pantau rows/s':>15}{'ratio':>7}{'CPU ratio':>10}{'RSS MB':>8}"
            f"{'duckdb RSS':>11}"
        )
        results = []
        for record_type in BIG_TYPES:
            given = args.folder / f"{record_type}.csv" if args.folder else None
            path = given if given and given.exists() else None
            if path is None:
                path = generate(record_type, args.rows, work / f"{record_type}.csv")
            r = measure(record_type, path, work)
            results.append({"type": record_type, "synthetic": given is None or given != path, **r})
            print(
                f"{record_type:<14}{r['rows']:>10,.0f}{r['mb']:>8.0f}{r['pantau_s']:>10.2f}"
                f"{r['duckdb_s']:>10.2f}{r['pantau_rows_s']:>15,.0f}{r['ratio']:>7.2f}"
                f"{r['cpu_ratio']:>10.2f}{r['pantau_rss_mb']:>8.0f}{r['duckdb_rss_mb']:>11.0f}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
