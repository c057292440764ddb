"""``kill -9`` during a large import leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pantau.ingest import import_file
from pantau.store import Store

from .helpers import TYPES, snapshot

CHILD = textwrap.dedent(
    """
    import sys
    from pantau.ingest import import_file
    from pantau.store import Store

    def progress(stage, fraction):
        print(stage, fraction, flush=True)

    import_file(Store(sys.argv[1]), "order_lines", sys.argv[2], progress=progress)
    print("finished", flush=True)
    """
)


def _big_order_lines(path: Path, n: int) -> None:
    with path.open("w") as fh:
        fh.write("order_id,order_date,customer_id,product_id,quantity,unit_net_price\n")
        for i in range(n):
            fh.write(f"SO{i // 3},2026-0{1 + i % 9}-1{i % 10} 10:00,C{i % 500},P{i % 50},2,{i}.5\n")


@pytest.mark.slow
def test_kill_during_import_leaves_store_unchanged(store: Store, tmp_path: Path) -> None:
    import_file(store, "order_lines", TYPES / "order_lines.csv")
    before = snapshot(store)
    big = tmp_path / "big.csv"
    _big_order_lines(big, 600_000)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store.path), str(big)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    with child.stdout:
        for line in child.stdout:
            if line.split() == ["writing", "0.8"]:  # the upsert transaction begins now
                break
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert snapshot(store) == before
    # the store still works: the same big file imports completely afterwards
    report = import_file(store, "order_lines", big)
    assert (report.inserted, report.updated) == (600_000 - 3, 3)  # SO1 and SO2 were there
