"""Warnings: what does not block an import but deserves a look (codes of docs/architecture.md).

All checks run on ``_pantau_stage`` against the store's canonical tables, in the import's
connection, so they see the store exactly as the import will change it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb

from pantau.i18n import gettext as _
from pantau.ingest import damage
from pantau.ingest.messages import EXCEL_DAMAGE_HINT, WARNINGS, unknown_reference
from pantau.ingest.report import ISSUE_CAP, Issue
from pantau.ingest.stage import DUPS, STAGE, Plan, q
from pantau.model.records import ID_COLUMN, Column, RecordType

TEXT_KINDS = ("id", "text", "label")
UNKNOWN = "_pantau_unknown"
KINDS = "_pantau_stage_kinds"
#: similarity (Jaro-Winkler, 0..1) from which a known id is offered as "did you mean"
SIMILAR = 0.88
#: at most this many id comparisons per column for "did you mean"
MAX_PAIRS = 2_000_000
FALLBACK_KINDS = {
    "won": "won",
    "closed won": "won",
    "menang": "won",
    "lost": "lost",
    "closed lost": "lost",
    "kalah": "lost",
}


@dataclass
class WarningScan:
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # exact
    kept: Counter[str] = field(default_factory=Counter)

    def add(self, issue: Issue) -> None:
        if self.kept[issue.kind] < ISSUE_CAP:
            self.kept[issue.kind] += 1
            self.issues.append(issue)


def duplicate_warnings(
    con: duckdb.DuckDBPyConnection, rt: RecordType, scan: WarningScan, count: int, lang: str
) -> None:
    """One warning per row that a later row with the same key replaces."""
    scan.counts["duplicate_key"] += count
    rows = con.execute(
        f"SELECT d._row, d.winner, {_key_text(rt)} FROM {DUPS} d JOIN {STAGE} s USING (_seq) "
        f"ORDER BY d._seq LIMIT {ISSUE_CAP}"
    ).fetchall()
    for row, winner, key in rows:
        message = _(WARNINGS["duplicate_key"], lang, value=key, winner=winner)
        scan.add(
            Issue("warning", "duplicate_key", row, None, ", ".join(rt.key), key, message, None)
        )


def _key_text(rt: RecordType) -> str:
    parts = []
    for name in rt.key:
        col = q(name + "_local") if rt.column(name).kind == "timestamp" else q(name)
        parts.append(f"coalesce(CAST(s.{col} AS VARCHAR), '–')")
    return "concat_ws(' / ', " + ", ".join(parts) + ")"


def collect_warnings(
    con: duckdb.DuckDBPyConnection, plan: Plan, scan: WarningScan, lang: str
) -> None:
    """Reference checks for every id column, then the record type's plausibility rules."""
    for col in plan.present:
        if col.ref:
            _references(con, plan.rt, col, scan, lang)
        if col.kind in TEXT_KINDS:
            _excel_damage(con, plan, col, scan, lang)
    if plan.rt.name == "opportunities":
        _opportunity_rules(con, plan, scan, lang)
    if plan.rt.name == "leads" and "first_contact_at" in plan.hmap.fields:
        _row_rule(con, scan, "contact_before_creation", "first_contact_at < created_at", lang)


# -- references --------------------------------------------------------------------------------
def _known_ids(rt: RecordType, ref: str) -> str:
    idcol = q(ID_COLUMN[ref])
    known = f"SELECT {idcol} AS id FROM main.{q(ref)}"
    if ref == rt.name:
        known += f" UNION ALL SELECT {idcol} FROM {STAGE}"
    return known


def _references(
    con: duckdb.DuckDBPyConnection, rt: RecordType, col: Column, scan: WarningScan, lang: str
) -> None:
    assert col.ref is not None
    known = _known_ids(rt, col.ref)
    c = q(col.name)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {UNKNOWN} AS "
        f"SELECT s.{c} AS value, min(s._row) AS first_row, count(*) AS n FROM {STAGE} s "
        f"WHERE s.{c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ({known}) k WHERE k.id = s.{c}) "
        "GROUP BY 1"
    )
    total = int(con.execute(f"SELECT count(*) FROM {UNKNOWN}").fetchall()[0][0])
    if not total:
        return
    scan.counts["unknown_reference"] += total
    best = _closest(con, known)
    rows = con.execute(
        f"SELECT value, first_row, n FROM {UNKNOWN} ORDER BY first_row LIMIT {ISSUE_CAP}"
    ).fetchall()
    for value, row, n in rows:
        message, suggestion = unknown_reference(col.ref, value, best.get(value), n, lang)
        scan.add(
            Issue("warning", "unknown_reference", row, None, col.name, value, message, suggestion)
        )


def _closest(con: duckdb.DuckDBPyConnection, known: str) -> dict[str, str]:
    """The most similar known id for the first unknown values (bounded number of pairs)."""
    size = int(con.execute(f"SELECT count(DISTINCT id) FROM ({known})").fetchall()[0][0])
    if not size:
        return {}
    limit = max(1, min(ISSUE_CAP, MAX_PAIRS // size))
    squash = "replace(lower({}), ' ', '')"
    score = (
        f"greatest(jaro_winkler_similarity(lower(u.value), lower(k.id)), "
        f"jaro_winkler_similarity({squash.format('u.value')}, {squash.format('k.id')}))"
    )
    rows = con.execute(
        f"SELECT value, arg_max(id, s), max(s) FROM ("
        f"SELECT u.value, k.id, {score} AS s "
        f"FROM (SELECT value FROM {UNKNOWN} ORDER BY first_row LIMIT {limit}) u, "
        f"(SELECT DISTINCT id FROM ({known}) WHERE id IS NOT NULL) k) GROUP BY value"
    ).fetchall()
    return {str(v): str(best) for v, best, s in rows if s >= SIMILAR}


# -- values Excel damaged --------------------------------------------------------------------
def _excel_damage(
    con: duckdb.DuckDBPyConnection, plan: Plan, col: Column, scan: WarningScan, lang: str
) -> None:
    """One warning per distinct ``May-20``-like value of a text column (see ``damage``)."""
    c = q(col.name)
    rows = con.execute(
        f"SELECT {c}, min(_row), count(*) FROM {STAGE} "
        f"WHERE {damage.sql_match(c)} GROUP BY 1 ORDER BY 2"
    ).fetchall()
    if not rows:
        return
    scan.counts["excel_damage"] += len(rows)
    header = plan.hmap.header_of(col.name)
    for value, row, n in rows[:ISSUE_CAP]:
        guess = damage.original(str(value))
        message = _(WARNINGS["excel_damage"], lang, value=value, guess=guess, count=n)
        hint = _(EXCEL_DAMAGE_HINT, lang, guess=guess)
        scan.add(Issue("warning", "excel_damage", row, None, header, value, message, hint))


# -- plausibility rules ------------------------------------------------------------------------
def _opportunity_rules(
    con: duckdb.DuckDBPyConnection, plan: Plan, scan: WarningScan, lang: str
) -> None:
    loaded = _stage_kinds(con)
    if loaded:
        _unknown_stages(con, scan, lang)
    closed = "closed_at" in plan.hmap.fields
    if closed:
        _row_rule(con, scan, "close_before_create", "closed_at < created_at", lang)
        _row_rule(
            con,
            scan,
            "short_cycle",
            "k.kind = 'won' AND closed_at >= created_at "
            "AND closed_at < created_at + INTERVAL 1 DAY",
            lang,
        )
    _row_rule(con, scan, "won_without_amount", "k.kind = 'won' AND amount IS NULL", lang)
    _row_rule(
        con, scan, "closed_without_date", "k.kind IN ('won', 'lost') AND closed_at IS NULL", lang
    )


def _stage_kinds(con: duckdb.DuckDBPyConnection) -> bool:
    """``_pantau_stage_kinds`` (lower-case stage → kind); True if ``stages`` are loaded."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {KINDS} AS "
        "SELECT lower(stage) AS stage, any_value(kind) AS kind FROM main.stages GROUP BY 1"
    )
    if int(con.execute(f"SELECT count(*) FROM {KINDS}").fetchall()[0][0]):
        return True
    con.executemany(f"INSERT INTO {KINDS} VALUES (?, ?)", list(FALLBACK_KINDS.items()))
    return False


def _unknown_stages(con: duckdb.DuckDBPyConnection, scan: WarningScan, lang: str) -> None:
    rows = con.execute(
        f"SELECT s.stage, min(s._row), count(*) FROM {STAGE} s ANTI JOIN {KINDS} k "
        "ON k.stage = lower(s.stage) GROUP BY 1 ORDER BY 2"
    ).fetchall()
    scan.counts["unknown_stage"] += len(rows)
    for stage, row, n in rows[:ISSUE_CAP]:
        message = _(WARNINGS["unknown_stage"], lang, value=stage, count=n)
        scan.add(Issue("warning", "unknown_stage", row, None, "stage", stage, message, None))


RULE_COLUMNS = {
    "close_before_create": ("closed_at", "CAST(closed_at_local AS VARCHAR)"),
    "short_cycle": ("closed_at", "CAST(closed_at_local AS VARCHAR)"),
    "won_without_amount": ("amount", "NULL"),
    "closed_without_date": ("closed_at", "NULL"),
    "contact_before_creation": ("first_contact_at", "CAST(first_contact_at_local AS VARCHAR)"),
}


def _row_rule(
    con: duckdb.DuckDBPyConnection, scan: WarningScan, kind: str, condition: str, lang: str
) -> None:
    """One warning per staged row meeting ``condition`` (``k.kind`` is the stage's kind)."""
    column, value = RULE_COLUMNS[kind]
    source = f"{STAGE} s"
    if "k.kind" in condition:
        source += f" LEFT JOIN {KINDS} k ON k.stage = lower(s.stage)"
        condition = condition.replace("k.kind", "coalesce(k.kind, 'open')")
    n = int(con.execute(f"SELECT count(*) FROM {source} WHERE {condition}").fetchall()[0][0])
    if not n:
        return
    scan.counts[kind] += n
    rows = con.execute(
        f"SELECT _row, {value} FROM {source} WHERE {condition} ORDER BY _row LIMIT {ISSUE_CAP}"
    ).fetchall()
    message = _(WARNINGS[kind], lang)
    for row, text in rows:
        scan.add(Issue("warning", kind, row, None, column, text, message, None))
