"""``pantau kpi``: KPIs as a table, JSON or CSV; ``kpi explain ID``; ``kpi list``.

``kpi`` is a group whose callback computes when no sub-command is given, so
``pantau kpi --from 2026-01 --by rep`` and ``pantau kpi explain win_rate`` both work.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pantau.errors import UsageError
from pantau.i18n import LANGUAGES
from pantau.i18n import gettext as _
from pantau.metrics import GROUPS, KEY_COLUMNS, KpiDef, KpiQuery, catalogue, get_kpi
from pantau.metrics.format import csv_value, display, target_marker
from pantau.metrics.periods import parse_month
from pantau.store import Store

FORMATS = ("table", "json", "csv")

kpi_app = typer.Typer(
    help="Compute KPIs (kpis.md) against target; `kpi explain ID`, `kpi list`.",
    invoke_without_command=True,
)


def _store() -> Store:
    from pantau.cli.main import state

    return state.store()


def _lang(lang: str | None, store: Store | None) -> str:
    if lang is not None:
        value = lang.strip().lower()
        if value not in LANGUAGES:
            raise UsageError(f"unknown language '{lang}'; use one of: {', '.join(LANGUAGES)}")
        return value
    if store is not None and store.exists():
        return store.setting("language")
    return "id"


def _check_options(start: str | None, end: str | None, fmt: str) -> str:
    if start:
        parse_month(start, "--from")
    if end:
        parse_month(end, "--to")
    value = fmt.strip().lower()
    if value not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    return value


def _console() -> Console:
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, width=width)


# -- rendering ---------------------------------------------------------------------------------
def render_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def render_csv(result: dict[str, Any], kpis: list[KpiDef]) -> str:
    key = KEY_COLUMNS.get(result["by"]) if result["by"] else None
    header = ["period", *([key] if key else []), *(k.id for k in kpis)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in result["rows"]:
        writer.writerow([csv_value(row.get(name)) for name in header])
    return out.getvalue()


def _cell(kpi: KpiDef, row: dict[str, Any], lang: str, currency: str) -> str:
    text = display(kpi, row.get(kpi.id), lang, currency=currency)
    judged = row.get("targets", {}).get(kpi.id)
    return f"{text}\n{target_marker(kpi, judged, lang, currency=currency)}" if judged else text


def _basis_line(basis: str, lang: str) -> str:
    if basis == "orders":
        return _("Basis: order lines (sales KPIs from order lines)", lang)
    return _("Basis: won opportunities (the store holds no order lines)", lang)


def _kpi_table(
    title: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    kpis: list[KpiDef],
    lang: str,
    currency: str,
) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("KPI")
    for column in columns:
        table.add_column(column, justify="right")
    for group, headings in GROUPS.items():
        members = [k for k in kpis if k.group == group]
        if not members:
            continue
        table.add_section()
        table.add_row(Text(headings[1] if lang == "en" else headings[0], style="bold"))
        for kpi in members:
            table.add_row(f"  {kpi.name(lang)}", *(_cell(kpi, r, lang, currency) for r in rows))
    return table


def _tables(result: dict[str, Any], kpis: list[KpiDef], lang: str, currency: str) -> list[Table]:
    rows = result["rows"]
    if result["by"] is None:
        columns = [r["period"] for r in rows]
        return [_kpi_table(_("KPIs", lang), columns, rows, kpis, lang, currency)]
    key = KEY_COLUMNS[result["by"]]
    tables = []
    for period in dict.fromkeys(r["period"] for r in rows):
        members = [r for r in rows if r["period"] == period]
        columns = [r[key] if r[key] is not None else _("(none)", lang) for r in members]
        tables.append(_kpi_table(period, columns, members, kpis, lang, currency))
    return tables


def render_table(
    console: Console, result: dict[str, Any], kpis: list[KpiDef], lang: str, currency: str
) -> None:
    if not result["rows"]:
        console.print(_("No records for these KPIs in this range.", lang))
    for table in _tables(result, kpis, lang, currency):
        console.print(table)
    console.print(_basis_line(result["basis"], lang), style="dim")


# -- commands ----------------------------------------------------------------------------------
@kpi_app.callback()
def kpi(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help="First month, YYYY-MM.", show_default=False)
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last month, YYYY-MM.", show_default=False)
    ] = None,
    grain: Annotated[str, typer.Option(help="month | quarter | year.")] = "month",
    by: Annotated[
        str | None,
        typer.Option(help="rep | team | region | source | product | segment.", show_default=False),
    ] = None,
    kpi_ids: Annotated[
        list[str] | None, typer.Option("--kpi", help="A KPI id (repeatable); default: all.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv.")] = "table",
    lang: Annotated[
        str | None, typer.Option(help="id | en (default: the store's language).")
    ] = None,
) -> None:
    """KPIs per period (default: the last 12 complete months with data), against target."""
    if ctx.invoked_subcommand is not None:
        return
    from pantau.metrics import compute_kpis

    fmt = _check_options(start, end, fmt)
    store = _store()
    query = KpiQuery(start=start, end=end, grain=grain, by=by, kpis=tuple(kpi_ids or ()))
    kpis = [get_kpi(i) for i in dict.fromkeys(query.kpis)] or catalogue()
    language = _lang(lang, store)
    result = compute_kpis(store, query)
    if fmt == "json":
        typer.echo(render_json(result))
    elif fmt == "csv":
        typer.echo(render_csv(result, kpis), nl=False)
    else:
        render_table(_console(), result, kpis, language, store.setting("currency"))


@kpi_app.command("explain")
def explain(
    kpi_id: Annotated[str, typer.Argument(help="A KPI id, e.g. win_rate.")],
    lang: Annotated[str | None, typer.Option(help="id | en.")] = None,
) -> None:
    """A KPI's definition (Indonesian and English), anchor, breakdowns and its SQL."""
    from pantau.metrics import explain_kpi

    kpi = get_kpi(kpi_id)
    store = _store()
    language = _lang(lang, store)
    info = explain_kpi(store, kpi.id)
    console = _console()
    console.print(Text.assemble((kpi.name(language), "bold"), f" ({kpi.id})"))
    for label, value in _explain_lines(kpi, language):
        console.print(Text.assemble((f"{label}: ", "bold"), value), soft_wrap=True)
    console.print(_basis_line(info["basis"], language))
    console.print(f"[bold]{_('SQL for this store', language)}:[/]")
    console.print(info["sql"], markup=False, soft_wrap=True)


def _explain_lines(kpi: KpiDef, lang: str) -> list[tuple[str, str]]:
    breakdowns = ", ".join(
        b + (f" ({_('deal basis only', lang)})" if b in kpi.deal_only_breakdowns else "")
        for b in kpi.breakdowns
    )
    return [
        (_("Definition (Indonesian)", lang), kpi.description_id),
        (_("Definition (English)", lang), kpi.description_en),
        (_("Example", lang), kpi.example_en if lang == "en" else kpi.example_id),
        (_("Anchor", lang), kpi.anchor),
        (_("Breakdowns", lang), breakdowns),
        (_("Unit", lang), _(kpi.unit, lang)),
        (_("Better", lang), _(kpi.direction, lang)),
    ]


@kpi_app.command("list")
def list_(lang: Annotated[str | None, typer.Option(help="id | en.")] = None) -> None:
    """Every KPI of the catalogue, grouped as in kpis.md."""
    language = _lang(lang, _store())
    table = Table(title=_("KPI catalogue", language), title_justify="left")
    for header in ("ID", _("Name", language), _("Unit", language), _("Better", language)):
        table.add_column(header)
    for group, headings in GROUPS.items():
        table.add_section()
        table.add_row(Text(headings[1] if language == "en" else headings[0], style="bold"))
        for kpi in (k for k in catalogue() if k.group == group):
            unit, better = _(kpi.unit, language), _(kpi.direction, language)
            table.add_row(kpi.id, kpi.name(language), unit, better)
    _console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(kpi_app, name="kpi")
