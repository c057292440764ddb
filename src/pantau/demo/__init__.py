"""``pantau demo``: a realistic, seeded Indonesian demo company.

*PT Sinar Niaga Nusantara* sells IT equipment, software and services through ~30 reps in six
teams across Jabodetabek, Jawa Barat, Jawa Timur, Sumatera and Sulawesi. The demo covers 24
months ending with the last complete month, with growth, seasons, month-end pushes and the
Lebaran break, and with the rough edges of real data that the KPIs must handle (leads never
contacted, won deals without an amount, returns, cancelled lines, lines without a cost,
retired collateral, team-level costs).

It is written as Pantau template CSV files and loaded through the real importer, so the demo
also exercises the import path. The same seed gives byte-identical files. ``scale`` multiplies
the volume (scale 1: ~10 000 opportunities; scale 100: ~1 million), while reps and customers
grow more slowly.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pantau.demo.calendar import build_calendar
from pantau.demo.generate import (
    DemoFiles,
    Progress,
    check_options,
    company_for,
    default_end_month,
    generate_demo,
)

if TYPE_CHECKING:
    from pantau.ingest.report import ImportReport
    from pantau.store import Store

#: record types in the order they are imported (referenced types first)
IMPORT_ORDER = (
    "stages",
    "reps",
    "customers",
    "products",
    "leads",
    "opportunities",
    "stage_history",
    "activities",
    "order_lines",
    "sales_costs",
    "collateral",
    "collateral_usage",
    "targets",
)
DEMO_USER = "demo"
DEMO_PASSWORD = "pantau-demo"


def generate(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 42,
    end_month: str | None = None,
    months: int = 24,
) -> dict[str, Path]:
    """Write the demo as template CSVs into ``out_dir``; return record type -> file."""
    return generate_demo(out_dir, scale=scale, seed=seed, end_month=end_month, months=months).paths


def import_demo(
    store: Store, files: DemoFiles, progress: Progress | None = None
) -> list[ImportReport]:
    """Import generated demo files in dependency order; return one import report per type."""
    from pantau.ingest import import_file  # imported late: the importer is a heavier module

    reports = []
    for done, record_type in enumerate(IMPORT_ORDER):
        if progress:
            progress(record_type, done, len(IMPORT_ORDER))
        reports.append(import_file(store, record_type, files.paths[record_type], user=DEMO_USER))
    if progress:
        progress("", len(IMPORT_ORDER), len(IMPORT_ORDER))
    return reports


def load(
    store: Store,
    *,
    scale: float = 1.0,
    seed: int = 42,
    end_month: str | None = None,
    keep: Path | None = None,
    progress: Progress | None = None,
) -> list[ImportReport]:
    """Generate the demo (into ``keep``, else a temporary folder) and import it into ``store``.

    Returns the importer's reports (``ImportReport``), one per record type, in
    :data:`IMPORT_ORDER`. An invalid row raises :class:`pantau.errors.ImportRejected`.
    """
    if keep is not None:
        files = generate_demo(keep, scale=scale, seed=seed, end_month=end_month, progress=progress)
        return import_demo(store, files, progress)
    with tempfile.TemporaryDirectory(prefix="pantau-demo-") as tmp:
        files = generate_demo(
            Path(tmp), scale=scale, seed=seed, end_month=end_month, progress=progress
        )
        return import_demo(store, files, progress)


def store_has_records(store: Store) -> bool:
    """Whether any record table of ``store`` holds rows (the demo should go to a new store)."""
    with store.read() as con:
        for record_type in IMPORT_ORDER:
            row = con.execute(f'SELECT 1 FROM "{record_type}" LIMIT 1').fetchone()
            if row:
                return True
    return False


# -- demo logins (hook for the web layer) -------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    """An account the web layer may create for a demo store (auth is not done here).

    ``role`` is ``admin``, ``manager`` (sees ``team``) or ``rep`` (sees ``rep_id``).
    """

    username: str
    password: str
    name: str
    role: str
    team: str | None = None
    rep_id: str | None = None


def demo_logins(
    *, scale: float = 1.0, seed: int = 42, end_month: str | None = None
) -> list[DemoLogin]:
    """The logins to create next to a demo loaded with the same options.

    One admin, the manager of every team, and two reps (the best and the weakest, so a demo
    can show both sides). All share :data:`DEMO_PASSWORD`; usernames are the e-mail names.
    """
    end = check_options(scale, end_month, 24)
    company = company_for(seed, scale, build_calendar(end, 24))
    teams, reps = company.teams, company.reps
    logins = [DemoLogin("admin", DEMO_PASSWORD, "Admin Demo", "admin")]
    for name, manager in zip(teams.names, teams.managers, strict=True):
        username = manager.lower().replace(" ", ".")
        logins.append(DemoLogin(username, DEMO_PASSWORD, manager, "manager", team=name))
    for r in (int(reps.skill.argmax()), int(reps.skill.argmin())):
        username = reps.emails[r].split("@")[0]
        rep_id = reps.ids[r].as_py()
        logins.append(DemoLogin(username, DEMO_PASSWORD, reps.names[r], "rep", rep_id=rep_id))
    return logins


__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USER",
    "IMPORT_ORDER",
    "DemoFiles",
    "DemoLogin",
    "Progress",
    "default_end_month",
    "demo_logins",
    "generate",
    "generate_demo",
    "import_demo",
    "load",
    "store_has_records",
]
