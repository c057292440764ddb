"""Web benchmark: ``pantau serve`` under 20 concurrent clients.

    python bench/web.py --scale 1            # builds bench/.cache/demo-1.duckdb once
    python bench/web.py --scale 10 --seconds 30 --clients 20

Serves a copy of the demo store with ``pantau serve`` on 127.0.0.1 (a real Uvicorn process),
then runs ``--clients`` concurrent httpx clients for ``--seconds``, each alternating between the
overview page and ``/api/v1/kpis?by=rep`` for one month (the last month with data), as an admin
(API token). Reports cold (first) latency, p50/p95 latency and throughput per endpoint, and
writes them to the "Web" section of docs/performance.md. Not a unit test; run by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
DOC = ROOT / "docs" / "performance.md"
PANTAU = Path(sys.executable).with_name("pantau")


def demo_store(scale: float) -> Path:
    """The cached demo store of this scale (built with ``pantau demo`` the first time)."""
    db = CACHE / f"demo-{scale:g}.duckdb"
    if not db.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = db.with_suffix(".building")
        print(f"building {db} with `pantau demo --scale {scale:g}` ...", flush=True)
        subprocess.run([str(PANTAU), "--db", str(tmp), "demo", "--scale", f"{scale:g}"], check=True)
        tmp.rename(db)
    return db


def prepare(source: Path, work: Path) -> tuple[Path, str]:
    """A private copy of the store with a benchmark admin and its API token."""
    db = work / "bench.duckdb"
    shutil.copy(source, db)
    env = {**os.environ, "PANTAU_DB": str(db)}
    subprocess.run(
        [str(PANTAU), "users", "add", "bench@pantau.id", "--role", "admin", "--password-stdin"],
        input="bench-password\n",
        text=True,
        check=True,
        env=env,
        capture_output=True,
    )
    token = subprocess.run(
        [str(PANTAU), "users", "token", "bench@pantau.id"],
        text=True,
        check=True,
        env=env,
        capture_output=True,
    ).stdout.strip()
    return db, token


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [str(PANTAU), "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code < 500:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("pantau serve did not start")


async def client_loop(
    client: httpx.AsyncClient, urls: dict[str, str], until: float, out: dict[str, list[float]]
) -> None:
    names = list(urls)
    i = 0
    while time.monotonic() < until:
        name = names[i % len(names)]
        i += 1
        t0 = time.perf_counter()
        response = await client.get(urls[name])
        elapsed = time.perf_counter() - t0
        if response.status_code != 200:
            raise SystemExit(f"{urls[name]} answered {response.status_code}")
        out[name].append(elapsed)


async def load(base: str, token: str, urls: dict[str, str], clients: int, seconds: float) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as c:
        cold = {}
        for name, url in urls.items():
            t0 = time.perf_counter()
            (await c.get(url)).raise_for_status()
            cold[name] = time.perf_counter() - t0
        out: dict[str, list[float]] = {name: [] for name in urls}
        start = time.monotonic()
        until = start + seconds
        await asyncio.gather(*(client_loop(c, urls, until, out) for _ in range(clients)))
        wall = time.monotonic() - start
    return {"cold": cold, "latencies": out, "wall": wall}


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def report(args: argparse.Namespace, month: str, result: dict) -> str:
    total = sum(len(v) for v in result["latencies"].values())
    intro = (
        f"`python bench/web.py --scale {args.scale:g} --clients {args.clients} "
        f"--seconds {args.seconds:g}` serves a copy of the demo store (scale {args.scale:g}) with "
        "`pantau serve` (one Uvicorn process) on 127.0.0.1 and runs "
        f"{args.clients} concurrent httpx clients for {args.seconds:g} s, each alternating between "
        f"the overview page and `/api/v1/kpis?by=rep` for one month ({month}), as an admin. "
        "Cold = the first request after start (empty caches); the others are served from the "
        "in-process KPI cache (keyed by the store's data version, the user's scope and the "
        "parameters)."
    )
    lines = [
        "## Web",
        "",
        textwrap.fill(intro, 100, break_on_hyphens=False),
        "",
        f"Machine: {os.cpu_count()} shared cores, Python {platform.python_version()}.",
        "",
        "| endpoint | cold ms | requests | p50 ms | p95 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, values in result["latencies"].items():
        lines.append(
            f"| {name} | {result['cold'][name] * 1000:.0f} | {len(values)} | "
            f"{quantile(values, 0.5) * 1000:.1f} | {quantile(values, 0.95) * 1000:.1f} | "
            f"{len(values) / result['wall']:.1f} |"
        )
    cpu_ms = result["server_cpu"] / (total + len(result["cold"])) * 1000
    load1 = os.getloadavg()[0]
    total_text = (
        f"Total: {total / result['wall']:.1f} requests/s; the server process used "
        f"{cpu_ms:.1f} ms of CPU per request (the number that does not depend on the machine's "
        f"other load; load average {load1:.1f} at the end of the run). The load generator runs "
        "on the same cores."
    )
    lines += ["", textwrap.fill(total_text, 100, break_on_hyphens=False), ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace (or add) the "## Web" section of docs/performance.md, leaving the others."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n"
    pattern = re.compile(r"^## Web\n.*?(?=^## |\Z)", re.S | re.M)
    doc = pattern.sub(text + "\n", doc) if pattern.search(doc) else doc.rstrip() + "\n\n" + text
    DOC.write_text(doc.rstrip() + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pantau-bench-web-") as tmp:
        db, token = prepare(demo_store(args.scale), Path(tmp))
        port = free_port()
        server = start_server(db, port)
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            # the last month with data (a page that does not warm the measured ones)
            speed = httpx.get(f"{base}/speed.json", headers=headers, timeout=120).json()
            period = speed["period"]
            urls = {
                "overview page `/`": f"/?period={period}",
                "`/api/v1/kpis?by=rep`": f"/api/v1/kpis?by=rep&from={period}&to={period}",
            }
            cpu_before = cpu_seconds(server.pid)
            result = asyncio.run(load(base, token, urls, args.clients, args.seconds))
            result["server_cpu"] = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = report(args, period, result)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
