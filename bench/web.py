"""Web benchmark: ``pantau serve`` under 20 concurrent clients.

    python bench/web.py --scale 100 --seconds 30 --clients 20 [--workers 2]

Serves a copy of the demo store with ``pantau serve`` on 127.0.0.1 (a real Uvicorn process;
``--workers N`` for N processes), then, for each endpoint in turn — the overview page and
``/api/v1/kpis?by=rep`` for one month (the last month the KPIs have rows for) — runs ``wrk``
(Debian's ``wrk``: a C load generator, so the clients take little of the machine's two cores)
with ``--clients`` connections for ``--seconds``, as an admin (API token). Reports the first
(cold) request's time, the latency the clients saw (p50/p95/p99: queueing included), the server
time of every request (its ``Server-Timing`` header: arrival to first byte inside the app),
throughput and the server's CPU time per request, and writes them to the "Web" section of
docs/performance.md. Not a unit test; run by hand (``apt-get install wrk`` first).
"""

from __future__ import annotations

import argparse
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
#: wrk script: keeps each response's Server-Timing duration; prints latency percentiles (µs)
WRK_LUA = r"""
durs = {}
response = function(status, headers, body)
  local st = headers["server-timing"] or headers["Server-Timing"]
  if st then
    local d = st:match("dur=([%d%.]+)")
    if d then durs[#durs + 1] = tonumber(d) end
  end
end
threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency, requests)
  io.write(string.format("LATENCY %d %d %d %d\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
  io.write(string.format("SUMMARY %d %d %d\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  for _, t in ipairs(threads) do
    local d = t:get("durs")
    for i = 1, #d do io.write("DUR ", d[i], "\n") end
  end
end
"""


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


def start_server(db: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    cmd = [str(PANTAU), "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code < 500:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("pantau serve did not start")


def run_wrk(url: str, token: str, clients: int, seconds: float, script: Path) -> dict:
    """One wrk run against ``url``: client latencies (s), server times (s), throughput."""
    cmd = [
        "wrk",
        "-t1",  # one event-loop thread handles the connections; the other core serves
        f"-c{clients}",
        f"-d{seconds:g}s",
        "--timeout",
        "60s",
        "-s",
        str(script),
        "-H",
        f"Authorization: Bearer {token}",
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    lat = re.search(r"^LATENCY (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    summ = re.search(r"^SUMMARY (\d+) (\d+) (\d+)$", out, re.M)
    if lat is None or summ is None:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    requests, duration_us, errors = (int(g) for g in summ.groups())
    if errors:
        raise SystemExit(f"{url}: {errors} failed requests")
    durs = [float(v) / 1000 for v in re.findall(r"^DUR ([\d.]+)$", out, re.M)]
    return {
        "latency": [int(g) / 1e6 for g in lat.groups()],  # p50, p95, p99, max
        "server": durs,
        "requests": requests,
        "rps": requests / (duration_us / 1e6),
    }


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def server_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


def server_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The server and its worker processes (``--workers``)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [server.pid, *kids]


def measure(base: str, token: str, urls: dict[str, str], args: argparse.Namespace, server) -> dict:
    cold = {}
    for name, url in urls.items():
        t0 = time.perf_counter()
        httpx.get(base + url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        cold[name] = time.perf_counter() - t0
    results = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_LUA)
    script = Path(fh.name)
    try:
        for name, url in urls.items():
            pids = server_pids(server)
            cpu0 = server_cpu(pids)
            res = run_wrk(base + url, token, args.clients, args.seconds, script)
            res["cpu_ms"] = (server_cpu(pids) - cpu0) / res["requests"] * 1000
            res["cold"] = cold[name]
            res["load"] = os.getloadavg()[0]
            results[name] = res
    finally:
        script.unlink()
    return results


def report(args: argparse.Namespace, month: str, results: dict) -> str:
    intro = (
        f"`python bench/web.py --scale {args.scale:g} --clients {args.clients} "
        f"--seconds {args.seconds:g} --workers {args.workers}` serves a copy of the demo store "
        f"(scale {args.scale:g}) with `pantau serve --workers {args.workers}` on 127.0.0.1 and "
        f"runs wrk with {args.clients} connections for {args.seconds:g} s against each endpoint "
        f"in turn, for one month ({month}), as an admin. Cold = the first request after start "
        "(empty caches); afterwards pages and answers come from the in-process caches (keyed by "
        "the store's data version, the user's scope and the parameters). *Client* = the "
        "latency wrk saw (queueing for the server's cores included); *server* = the app's own "
        "time per request (its `Server-Timing` header)."
    )
    lines = [
        "## Web",
        "",
        textwrap.fill(intro, 100, break_on_hyphens=False),
        "",
        f"Machine: {os.cpu_count()} shared cores, Python {platform.python_version()}.",
        "",
        "| endpoint | cold ms | requests | p50 ms | p95 ms | req/s | client p99 ms "
        "| server p50 ms | server p95 ms | server CPU ms/req | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        p50, p95, p99, _ = r["latency"]
        srv = r["server"]
        lines.append(
            f"| {name} | {r['cold'] * 1000:.0f} | {r['requests']} | {p50 * 1000:.1f} | "
            f"{p95 * 1000:.1f} | {r['rps']:.1f} | {p99 * 1000:.1f} | "
            f"{quantile(srv, 0.5) * 1000:.1f} | {quantile(srv, 0.95) * 1000:.1f} | "
            f"{r['cpu_ms']:.1f} | {r['load']:.1f} |"
        )
    lines += [
        "",
        "p50/p95 are the clients' latencies. The load generator (wrk) shares the machine's "
        "cores with the server.",
        "",
    ]
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
    parser.add_argument("--workers", type=int, default=1, help="pantau serve --workers")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/web.py needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="pantau-bench-web-") as tmp:
        db, token = prepare(demo_store(args.scale), Path(tmp))
        port = free_port()
        server = start_server(db, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            # the last month the KPIs have rows for (a question the measured ones don't reuse)
            rows = httpx.get(
                f"{base}/api/v1/kpis?kpi=leads&kpi=win_rate", headers=headers, timeout=600
            ).json()["rows"]
            period = rows[-1]["period"]
            urls = {
                "overview page `/`": f"/?period={period}",
                "`/api/v1/kpis?by=rep`": f"/api/v1/kpis?by=rep&from={period}&to={period}",
            }
            results = measure(base, token, urls, args, server)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = report(args, period, results)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
