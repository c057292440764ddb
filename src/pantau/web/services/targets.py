"""Targets set in the browser: the grid, each change logged, and the targets file down and up.

A target is one ``targets`` row: (KPI, period, scope, scope id) → value. In the grid an empty cell
is *no target* — the row is deleted — which is not a target of 0. Every change is written with
a ``target_changes`` row (who, when, old and new value, reason, and whether it came from the grid
or a file) and ``data_version`` is increased in the same transaction, so cached KPI tables and
the KPI engine see the new targets on the next request.

Admins set targets for the company, every team and every rep; managers for their teams and their
teams' reps only. Each scope is checked by :func:`pantau.auth.grant_for`, the one access policy.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pantau import auth
from pantau.auth.users import utcnow
from pantau.errors import UnknownKpi, UsageError
from pantau.i18n import gettext as _
from pantau.ingest.messages import N_
from pantau.metrics import KpiDef, get_kpi
from pantau.reports.csvsafe import safe_row
from pantau.store import Store, bump_data_version
from pantau.web.context import WebContext
from pantau.web.services.directory import visible_reps, visible_teams

TargetKey = tuple[str, str, str, str | None]  # kpi, period, scope, scope_id
ScopeSet = frozenset[tuple[str, str | None]] | None  # None: every scope
CSV_COLUMNS = ("kpi", "period", "target", "scope", "scope_id")
LOG_LIMIT = 50
LOG_FIELDS = (
    "id",
    "kpi",
    "period",
    "scope",
    "scope_id",
    "old",
    "new",
    "user",
    "at",
    "reason",
    "via",
)


@dataclass(frozen=True)
class TargetScope:
    """Whose targets: the company, a team or a rep (``value``: ``company``, ``team:X``,
    ``rep:R``)."""

    kind: str
    id: str | None
    label: str

    @property
    def key(self) -> tuple[str, str | None]:
        return self.kind, self.id

    @property
    def value(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Change:
    """One cell set (``new``) or cleared (``new`` is ``None``: no target)."""

    kpi: str
    period: str
    scope: str
    scope_id: str | None
    new: float | None

    @property
    def key(self) -> TargetKey:
        return self.kpi, self.period, self.scope, self.scope_id


def may_set_targets(user: auth.User) -> bool:
    """Targets are set by admins and managers."""
    return user.role in ("admin", "manager")


def require_targets(user: auth.User) -> None:
    if not may_set_targets(user):
        raise auth.Forbidden("targets are set by admins and managers")


def whole_company(ctx: WebContext, user: auth.User) -> bool:
    """``user``'s grant is the whole company (an admin's)."""
    return auth.grant_for(user, rep_teams=ctx.rep_teams()).scope() is None


def check_scope(ctx: WebContext, user: auth.User, scope: str, scope_id: str | None) -> None:
    """Refuse a scope ``user`` may not set targets for (through :func:`auth.grant_for`)."""
    require_targets(user)
    teams = ctx.rep_teams()
    if scope == "company":
        if not whole_company(ctx, user):
            raise auth.Forbidden("company targets are set by admins")
    elif scope == "team" and scope_id:
        auth.grant_for(user, team=scope_id, rep_teams=teams)
    elif scope == "rep" and scope_id:
        auth.grant_for(user, rep=scope_id, rep_teams=teams)
    else:
        raise UsageError(f"'{scope}' is not a target scope (company, team or rep with an id)")


def settable_scopes(ctx: WebContext, user: auth.User, lang: str) -> ScopeSet:
    """The scopes whose targets ``user`` sees and sets (``None``: every scope, for an account
    whose grant is the whole company)."""
    require_targets(user)
    if whole_company(ctx, user):
        return None
    return frozenset(s.key for s in editable_scopes(ctx, user, lang))


def within(scopes: ScopeSet, scope: str, scope_id: str | None) -> bool:
    return scopes is None or (scope, scope_id) in scopes


def editable_scopes(ctx: WebContext, user: auth.User, lang: str) -> list[TargetScope]:
    """The scopes ``user`` sets targets for, in menu order."""
    require_targets(user)
    out = []
    if whole_company(ctx, user):
        out.append(TargetScope("company", None, _(N_("Company"), lang)))
    out += [TargetScope("team", t, t) for t in visible_teams(ctx, user)]
    out += [
        TargetScope("rep", r["rep_id"], f"{r['name'] or r['rep_id']} ({r['rep_id']})")
        for r in visible_reps(ctx, user)
    ]
    return out


# -- reading -------------------------------------------------------------------------------------
def scope_of(scope: Any, scope_id: Any) -> tuple[str, str | None]:
    """A target row's scope as the KPI engine reads it (empty: the company, no id)."""
    kind = str(scope).strip().lower() if scope else "company"
    if kind == "company":
        return kind, None
    return kind, str(scope_id).strip() if scope_id is not None else None


def load_targets(store: Store, periods: Iterable[str] | None = None) -> dict[TargetKey, float]:
    """Every target (of ``periods``, when given), keyed by (kpi, period, scope, scope id)."""
    sql = "SELECT kpi, period, scope, scope_id, target FROM targets"
    params = sorted(set(periods)) if periods is not None else []
    if periods is not None:
        sql += " WHERE period IN (SELECT unnest(?))" if params else " WHERE false"
    with store.read() as con:
        rows = con.execute(sql, [params] if params else []).fetchall()
    out: dict[TargetKey, float] = {}
    for kpi, period, scope, scope_id, target in rows:
        if target is not None and kpi:
            out[(str(kpi).strip().lower(), str(period), *scope_of(scope, scope_id))] = float(target)
    return out


def recent_changes(store: Store, scopes: ScopeSet, limit: int = LOG_LIMIT) -> list[dict[str, Any]]:
    """The newest changes of targets in ``scopes``."""
    with store.read() as con:
        rows = con.execute(
            "SELECT change_id, kpi, period, scope, scope_id, old_target, new_target, username, "
            "changed_at, reason, via FROM target_changes ORDER BY change_id DESC LIMIT 2000"
        ).fetchall()
    out = [dict(zip(LOG_FIELDS, row, strict=True)) for row in rows]
    return [c for c in out if within(scopes, c["scope"], c["scope_id"])][:limit]


# -- writing -----------------------------------------------------------------------------------
_MATCH = {
    True: "lower(kpi) = ? AND period = ? AND coalesce(scope, 'company') = 'company'",
    False: "lower(kpi) = ? AND period = ? AND scope = ? AND scope_id = ?",
}


def _where(change: Change) -> tuple[str, list[Any]]:
    company = change.scope == "company"
    params: list[Any] = [change.kpi, change.period]
    if not company:
        params += [change.scope, change.scope_id]
    return _MATCH[company], params


def apply_changes(
    store: Store, changes: Iterable[Change], *, user: str, reason: str | None, via: str
) -> list[dict[str, Any]]:
    """Write ``changes`` and their log in one transaction; the changes that changed something.

    The caller has checked every scope.
    """
    done: list[dict[str, Any]] = []
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for change in changes:
                old = _replace(con, change)
                if old == change.new:
                    continue
                _log(con, change, old, user=user, reason=reason, via=via)
                done.append({"key": change.key, "old": old, "new": change.new})
            if done:
                bump_data_version(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return done


def _replace(con: Any, change: Change) -> float | None:
    """Set one target (or delete it); its value before."""
    where, params = _where(change)
    row = con.execute(f"SELECT max(target) FROM targets WHERE {where}", params).fetchone()
    old = float(row[0]) if row and row[0] is not None else None
    if old == change.new:
        return old
    con.execute(f"DELETE FROM targets WHERE {where}", params)
    if change.new is not None:
        con.execute(
            "INSERT INTO targets (kpi, period, target, scope, scope_id) VALUES (?, ?, ?, ?, ?)",
            [change.kpi, change.period, change.new, change.scope, change.scope_id],
        )
    return old


def _log(
    con: Any, change: Change, old: float | None, *, user: str, reason: str | None, via: str
) -> None:
    con.execute(
        "INSERT INTO target_changes VALUES "
        "(nextval('target_change_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            change.kpi,
            change.period,
            change.scope,
            change.scope_id,
            old,
            change.new,
            user,
            utcnow(),
            reason or None,
            via,
        ],
    )


def log_differences(
    store: Store,
    before: dict[TargetKey, float],
    after: dict[TargetKey, float],
    *,
    user: str,
    reason: str | None,
    via: str,
) -> int:
    """Log what an import changed (``before`` → ``after``); how many targets changed."""
    keys = sorted(set(before) | set(after), key=lambda k: tuple(str(p) for p in k))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    if not changed:
        return 0
    with store.write() as con:
        con.execute("BEGIN TRANSACTION")
        for key in changed:
            change = Change(*key, new=after.get(key))
            _log(con, change, before.get(key), user=user, reason=reason, via=via)
        con.execute("COMMIT")
    return len(changed)


# -- values as people write them -------------------------------------------------------------
_MANY_DOTS = re.compile(r"\d{1,3}(\.\d{3}){2,}(,\d+)?")  # 1.500.000 or 1.500.000,5
_MANY_COMMAS = re.compile(r"\d{1,3}(,\d{3}){2,}(\.\d+)?")  # 1,500,000 or 1,500,000.5
_ONE_GROUP = {
    "id": re.compile(r"\d{1,3}\.\d{3}(,\d+)?"),
    "en": re.compile(r"\d{1,3},\d{3}(\.\d+)?"),
}


def parse_target(text: str, kpi: KpiDef, lang: str) -> float | None:
    """A grid cell as a target: empty is no target; ratios are written in percent.

    Grouped thousands read in both notations (``1.500.000`` and ``1,500,000``); a single group
    (``1.500``) and a lone comma (``37,5``) read as the page's language writes numbers. ``Rp``
    and ``%`` are ignored. Negative values are refused.
    """
    raw = re.sub(r"(?i)\s|rp\.?|idr|%", "", text or "")
    if not raw:
        return None
    try:
        value = float(_plain_number(raw, lang))
    except ValueError:
        raise UsageError(_(N_("'{value}' is not a number"), lang, value=text.strip())) from None
    if not math.isfinite(value) or value < 0:
        raise UsageError(_(N_("a target cannot be '{value}'"), lang, value=text.strip()))
    return value / 100 if kpi.unit == "ratio" else value


def _plain_number(raw: str, lang: str) -> str:
    if _MANY_DOTS.fullmatch(raw) or (lang == "id" and _ONE_GROUP["id"].fullmatch(raw)):
        return raw.replace(".", "").replace(",", ".")
    if _MANY_COMMAS.fullmatch(raw) or (lang != "id" and _ONE_GROUP["en"].fullmatch(raw)):
        return raw.replace(",", "")
    if "," in raw and "." not in raw:
        return raw.replace(",", ".")
    return raw


def show_target(value: float | None, kpi: KpiDef, lang: str) -> str:
    """A target as its grid cell shows it: ratios in percent, thousands grouped as ``lang``
    writes them (``1.500.000`` / ``1,500,000``); :func:`parse_target` reads it back."""
    if value is None:
        return ""
    shown = round(value * 100 if kpi.unit == "ratio" else value, 6)
    text = f"{shown:,.6f}".rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def shown_changes(changes: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Log rows with their values as the grid shows them (``old_shown``, ``new_shown``)."""
    out = []
    for change in changes:
        kpi = _kpi_or_none(str(change["kpi"]))
        out.append(
            {
                **change,
                "at": str(change["at"])[:19],
                "kpi_name": kpi.name(lang) if kpi else change["kpi"],
                "unit": kpi.unit if kpi else "",
                "old_shown": _shown(change["old"], kpi, lang),
                "new_shown": _shown(change["new"], kpi, lang),
            }
        )
    return out


def _kpi_or_none(kpi_id: str) -> KpiDef | None:
    try:
        return get_kpi(kpi_id)
    except UnknownKpi:  # a targets file may name a KPI Pantau does not know (it is ignored)
        return None


def _shown(value: float | None, kpi: KpiDef | None, lang: str) -> str:
    if kpi is None:
        return "" if value is None else f"{value:.15g}"
    return show_target(value, kpi, lang)


# -- the targets file ----------------------------------------------------------------------------
def targets_csv(targets: dict[TargetKey, float], scopes: ScopeSet) -> str:
    """The targets of ``scopes`` as the import template's CSV (formula-safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for (kpi, period, scope, scope_id), value in sorted(
        targets.items(), key=lambda item: (item[0][2], item[0][3] or "", item[0][0], item[0][1])
    ):
        if within(scopes, scope, scope_id):
            writer.writerow(safe_row([kpi, period, f"{value:.15g}", scope, scope_id or ""]))
    return out.getvalue()
