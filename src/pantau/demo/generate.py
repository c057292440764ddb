"""Generating the demo files: the company once, then the business month by month."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from pantau.demo.activities import generate_activities
from pantau.demo.calendar import DemoCalendar, add_months, build_calendar
from pantau.demo.company import Company, build_company, write_company
from pantau.demo.deals import generate_opportunities
from pantau.demo.leads import generate_leads
from pantau.demo.materials import build_library, generate_usage, write_library
from pantau.demo.orders import generate_orders
from pantau.demo.plans import write_costs, write_targets
from pantau.demo.sink import CsvSink
from pantau.demo.state import new_state
from pantau.errors import UsageError

#: ``progress(phase, done, total)``: phase ``"generate"`` (months done) or a record type
#: being imported (types done)
Progress = Callable[[str, int, int], None]
MAX_SCALE = 1000.0


@dataclass(frozen=True)
class DemoFiles:
    """What :func:`generate_demo` wrote."""

    paths: dict[str, Path]  # record type -> CSV file
    rows: dict[str, int]  # record type -> data rows
    first_month: str  # YYYY-MM
    last_month: str  # YYYY-MM


def default_end_month(today: date | None = None) -> str:
    """The last complete month before ``today`` (2026-11-30 -> ``2026-10``)."""
    d = add_months(today or date.today(), -1)
    return f"{d.year:04d}-{d.month:02d}"


def check_options(scale: float, end_month: str | None, months: int) -> str:
    """Validate the options; return the end month to use."""
    if not 0 < scale <= MAX_SCALE:
        raise UsageError("--scale must be above 0 and at most 1000")
    if months < 3:
        raise UsageError("the demo covers at least 3 months")
    end = end_month or default_end_month()
    parts = end.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise UsageError("--end must be a month written YYYY-MM, e.g. 2026-10")
    return f"{int(parts[0]):04d}-{int(parts[1]):02d}"


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def company_for(seed: int, scale: float, cal: DemoCalendar) -> Company:
    """The demo company (reps, teams, customers) for a seed and scale; cheap and repeatable."""
    return build_company(_rng(seed, 0), cal, scale)


def generate_demo(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 42,
    end_month: str | None = None,
    months: int = 24,
    progress: Progress | None = None,
) -> DemoFiles:
    """Write every record type of the demo as a template CSV into ``out_dir``."""
    end = check_options(scale, end_month, months)
    cal = build_calendar(end, months)
    company = company_for(seed, scale, cal)
    library = build_library(cal)
    with CsvSink(Path(out_dir)) as sink:
        write_company(sink, company)
        write_library(sink, library)
        st = new_state(_rng(seed, 1), cal, company, sink, scale)
        for m in range(months):
            rng = _rng(seed, 2, m)
            leads = generate_leads(rng, st, m)
            opps = generate_opportunities(rng, st, m, leads)
            generate_activities(rng, st, m, leads, opps)
            generate_orders(rng, st, m, opps)
            generate_usage(rng, st, library, m, opps)
            if progress:
                progress("generate", m + 1, months + 1)
        write_costs(_rng(seed, 3), st)
        write_targets(_rng(seed, 4), st)
    if progress:
        progress("generate", months + 1, months + 1)
    return DemoFiles(dict(sink.paths), dict(sink.rows), cal.month_label(0), end)
