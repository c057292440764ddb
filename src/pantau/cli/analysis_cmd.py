"""``pantau funnel``, ``pantau cohorts`` and ``pantau quality``: the analysis views.

Each command calls its library function (:mod:`pantau.analysis`) at once and prints the result
as Rich tables or, with ``--format json``, as the same JSON the web API returns.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.i18n import number, percent

FORMATS = ("table", "json")

FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="First month, YYYY-MM (default: 12 months before --to)."),
]
ToOpt = Annotated[
    str | None,
    typer.Option("--to", help="Last month, YYYY-MM (default: the last complete month with data)."),
]
FormatOpt = Annotated[str, typer.Option("--format", help="table or json.")]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="id or en (default: the store's language).")
]

#: background colours of the cohort heat map, from the lowest share band to the highest
HEAT = ("grey15", "dark_green", "green4", "green3", "chartreuse3", "bright_green")


def _check_format(fmt: str) -> str:
    value = fmt.strip().lower()
    if value not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    return value


def _echo_json(result: dict[str, Any]) -> None:
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


def _console() -> Console:
    return Console(highlight=False)


# -- funnel -----------------------------------------------------------------------------------
def funnel(
    from_: FromOpt = None,
    to: ToOpt = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="One funnel per rep, team, region, source, product or segment."),
    ] = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = None,
) -> None:
    """Stage funnel of the opportunities created in a period."""
    from pantau.analysis.funnel import compute_funnel
    from pantau.cli.main import state

    fmt = _check_format(fmt)
    result = compute_funnel(state.store(), start=from_, end=to, by=by, lang=lang)
    if fmt == "json":
        _echo_json(result)
    else:
        _render_funnel(result)


def _render_funnel(result: dict[str, Any]) -> None:
    lang, console = result["lang"], _console()
    for note in result["notes"]:
        console.print(f"[dim]{note}[/]")
    for group in result["groups"]:
        console.print(_funnel_table(result, group, lang))
        lost = [f"{s['stage']}: {number(s['reached'], lang)}" for s in group["lost"]]
        if lost:
            console.print(f"{_('Lost stages', lang)}: " + ", ".join(lost))


def _funnel_table(result: dict[str, Any], group: dict[str, Any], lang: str) -> Table:
    count = number(group["opportunities"], lang)
    title = f"{result['title']} {result['start']} – {result['end']}: {group['label']} ({count})"
    table = Table(title=title, title_justify="left")
    table.add_column(_("Stage", lang))
    for header in (_("Reached", lang), _("Step", lang), _("Cumulative", lang)):
        table.add_column(header, justify="right")
    table.add_column(_("Lost here", lang), justify="right")
    table.add_column("")
    for step in group["stages"]:
        share = step["cumulative_rate"] or 0.0
        table.add_row(
            step["stage"],
            number(step["reached"], lang),
            percent(step["step_rate"], lang),
            percent(step["cumulative_rate"], lang),
            number(step["lost_here"], lang),
            "[green]" + "█" * round(share * 20) + "[/]",
        )
    return table


# -- cohorts ----------------------------------------------------------------------------------
def cohorts(
    from_: FromOpt = None,
    to: ToOpt = None,
    fmt: FormatOpt = "table",
    lang: LangOpt = None,
) -> None:
    """Retention cohorts: customers by first-purchase month, and who bought again."""
    from pantau.analysis.cohorts import compute_cohorts
    from pantau.cli.main import state

    fmt = _check_format(fmt)
    result = compute_cohorts(state.store(), start=from_, end=to, lang=lang)
    if fmt == "json":
        _echo_json(result)
    else:
        _render_cohorts(result)


def _heat(share: float | None) -> str:
    """A heat-map cell: the share in whole percent on a background that darkens with it."""
    if share is None:
        return "–"
    band = min(round(share * (len(HEAT) - 1)), len(HEAT) - 1)
    ink = "black" if band >= 3 else "white"
    return f"[{ink} on {HEAT[band]}]{round(share * 100):>4}[/]"


def _render_cohorts(result: dict[str, Any]) -> None:
    lang, console = result["lang"], _console()
    title = f"{result['title']} {result['start']} – {result['end']} (%)"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0))
    table.add_column(_("Cohort", lang), no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    for k in range(result["max_k"] + 1):
        table.add_column(f"+{k}", justify="right", no_wrap=True)
    for cohort in result["cohorts"]:
        cells = [_heat(m["share"]) for m in cohort["months"]]
        table.add_row(cohort["cohort"], number(cohort["size"], lang), *cells)
    table.add_section()
    average = [_heat(a["share"]) for a in result["average"]]
    table.add_row(_("All", lang), "", *average, style="bold")
    console.print(table)
    for note in result["notes"]:
        console.print(f"[dim]{note}[/]")


# -- quality ----------------------------------------------------------------------------------
SEVERITY_STYLE = {"none": "dim", "low": "yellow", "medium": "dark_orange", "high": "bold red"}


def quality(
    fmt: FormatOpt = "table",
    lang: LangOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Example records shown per check.")
    ] = 50,
) -> None:
    """Data-quality warnings and the KPIs they make unreliable."""
    from pantau.analysis.quality import compute_quality
    from pantau.cli.main import state

    fmt = _check_format(fmt)
    result = compute_quality(state.store(), limit=limit, lang=lang)
    if fmt == "json":
        _echo_json(result)
    else:
        _render_quality(result)


def _render_quality(result: dict[str, Any]) -> None:
    lang, console = result["lang"], _console()
    found = [w for w in result["warnings"] if w["count"]]
    if found:
        console.print(_warnings_table(result["title"], found, lang))
    else:
        console.print(_("No data-quality warnings.", lang))
    console.print(_reliability_table(result["unreliable_kpis"], lang))
    for note in result["notes"]:
        console.print(f"[dim]{note}[/]")


def _warnings_table(title: str, warnings: list[dict[str, Any]], lang: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(_("Warning", lang))
    table.add_column(_("Count", lang), justify="right")
    table.add_column(_("Examples", lang))
    for warning in warnings:
        ids = [str(e["id"]) for e in warning["examples"][:3]]
        more = "…" if warning["count"] > len(ids) else ""
        table.add_row(warning["message"], number(warning["count"], lang), ", ".join(ids) + more)
    return table


def _reliability_table(items: list[dict[str, Any]], lang: str) -> Table:
    table = Table(title=_("KPIs made unreliable", lang), title_justify="left")
    table.add_column(_("Problem", lang))
    table.add_column(_("Share", lang), justify="right")
    table.add_column(_("Records", lang), justify="right")
    table.add_column(_("Severity", lang))
    table.add_column("KPI")
    for item in items:
        style = SEVERITY_STYLE[item["severity"]]
        table.add_row(
            item["label"],
            percent(item["share"], lang),
            f"{number(item['count'], lang)} / {number(item['total'], lang)}",
            f"[{style}]{_(item['severity'], lang)}[/]",
            ", ".join(item["kpis"]),
        )
    return table


def register(app: typer.Typer) -> None:
    app.command("funnel")(funnel)
    app.command("cohorts")(cohorts)
    app.command("quality")(quality)
