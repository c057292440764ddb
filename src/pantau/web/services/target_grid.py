"""The targets grid: rows of (KPI, scope), a column per month, and the changes a posted grid makes.

Two layouts share one form: one scope with a row per KPI (``view=company``, ``team:X``,
``rep:R``), or one KPI with a row per scope (``view=kpi:sales_volume``). Each row carries its
(KPI, scope, scope id) as JSON and each cell the value shown when the page was rendered, so
only the cells the user edited change — a target someone else set meanwhile is not overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pantau import auth
from pantau.errors import UnknownKpi, UsageError
from pantau.i18n import gettext as _
from pantau.ingest.messages import N_
from pantau.metrics import KpiDef, catalogue, get_kpi
from pantau.metrics.periods import month_of_date, parse_month
from pantau.web.context import WebContext
from pantau.web.services.periods import business_today, month_label
from pantau.web.services.targets import (
    Change,
    TargetScope,
    check_scope,
    editable_scopes,
    load_targets,
    parse_target,
    show_target,
)

MONTHS = 6
MAX_ROWS = 500
MAX_FIELDS = 2 * MAX_ROWS * MONTHS + 64


@dataclass(frozen=True)
class GridView:
    """What the grid shows: ``kpi`` set (a row per scope) or ``scope`` set (a row per KPI)."""

    value: str
    first_month: int
    scope: TargetScope | None = None
    kpi: KpiDef | None = None

    @property
    def months(self) -> list[str]:
        return [month_label(self.first_month + i) for i in range(MONTHS)]


@dataclass
class Posted:
    """A posted grid: the changes, and the cells that could not be read (cell name → message)."""

    changes: list[Change] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # what the user typed, to show again


def this_month(ctx: WebContext) -> int:
    """The month ordinal of today in the business time zone."""
    return month_of_date(business_today(ctx.settings()["timezone"]))


def resolve_view(
    ctx: WebContext, user: auth.User, value: str | None, start: str | None, lang: str
) -> GridView:
    """The grid of ``view`` from month ``from`` (default: the first scope, this month)."""
    scopes = editable_scopes(ctx, user, lang)
    first = parse_month(start, "from") if start else this_month(ctx)
    if value and value.startswith("kpi:"):
        kpi = get_kpi(value[4:])
        return GridView(f"kpi:{kpi.id}", first, kpi=kpi)
    found = next((s for s in scopes if s.value == value), None)
    if value and found is None:
        raise auth.Forbidden(f"you do not set targets for '{value}'")
    if found is None and not scopes:
        raise UsageError("there is no team or rep to set targets for yet")
    scope = found or scopes[0]
    return GridView(scope.value, first, scope=scope)


def build_grid(ctx: WebContext, user: auth.User, view: GridView, lang: str) -> dict[str, Any]:
    """The grid's rows and cells, and the choices of the view menu."""
    scopes = editable_scopes(ctx, user, lang)
    months = view.months
    targets = load_targets(ctx.store, months)
    if view.kpi is not None:
        pairs = [(view.kpi, s) for s in scopes]
    else:
        assert view.scope is not None
        pairs = [(k, view.scope) for k in catalogue()]
    rows = [_row(kpi, scope, months, targets, lang) for kpi, scope in pairs[:MAX_ROWS]]
    return {
        "view": "targets",
        "grid": view.value,
        "from": months[0],
        "months": months,
        "previous": month_label(view.first_month - MONTHS),
        "next": month_label(view.first_month + MONTHS),
        "rows": rows,
        "scopes": [{"value": s.value, "label": s.label, "kind": s.kind} for s in scopes],
        "kpis": [{"value": f"kpi:{k.id}", "label": k.name(lang)} for k in catalogue()],
    }


def _row(
    kpi: KpiDef,
    scope: TargetScope,
    months: list[str],
    targets: Mapping[tuple[str, str, str, str | None], float],
    lang: str,
) -> dict[str, Any]:
    values = [targets.get((kpi.id, m, scope.kind, scope.id)) for m in months]
    return {
        "kpi": kpi.id,
        "kpi_name": kpi.name(lang),
        "unit": kpi.unit,
        "scope": scope.kind,
        "scope_id": scope.id,
        "scope_label": scope.label,
        "key": json.dumps([kpi.id, scope.kind, scope.id], ensure_ascii=False),
        "targets": values,
        "shown": [show_target(v, kpi, lang) for v in values],
    }


def read_posted(ctx: WebContext, user: auth.User, form: Mapping[str, str], lang: str) -> Posted:
    """The changes of a posted grid; every scope checked before anything is written."""
    posted = Posted()
    months = [_month(form.get(f"p_{j}", "")) for j in range(_count(form, "cols", MONTHS))]
    for i in range(_count(form, "rows", MAX_ROWS)):
        kpi, scope, scope_id = _row_key(form.get(f"row_{i}", ""))
        for j, month in enumerate(months):
            name = f"c_{i}_{j}"
            typed = form.get(name, "").strip()
            if typed == form.get(f"o_{i}_{j}", "").strip():
                continue
            posted.values[name] = typed
            try:
                value = parse_target(typed, kpi, lang)
            except UsageError as exc:
                posted.errors[name] = str(exc)
                continue
            check_scope(ctx, user, scope, scope_id)
            posted.changes.append(Change(kpi.id, month, scope, scope_id, value))
    return posted


def _count(form: Mapping[str, str], name: str, most: int) -> int:
    try:
        count = int(form.get(name, "0"))
    except ValueError:
        raise UsageError(f"'{name}' must be a number") from None
    if not 0 <= count <= most:
        raise UsageError(f"a grid has at most {most} {name}")
    return count


def _month(text: str) -> str:
    return month_label(parse_month(text, "month"))


def _row_key(text: str) -> tuple[KpiDef, str, str | None]:
    try:
        kpi_id, scope, scope_id = json.loads(text)
        kpi = get_kpi(str(kpi_id))
    except (ValueError, TypeError, UnknownKpi):
        raise UsageError("the grid was not sent whole; open the targets page again") from None
    return kpi, str(scope), None if scope_id is None else str(scope_id)


def changed_message(count: int, lang: str) -> str:
    if count == 0:
        return _(N_("Nothing changed."), lang)
    return _(N_("Targets changed: {n}."), lang, n=count)
