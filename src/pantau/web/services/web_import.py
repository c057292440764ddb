"""An uploaded file through :func:`pantau.ingest.import_file` — checked (dry run) or imported.

The web import is ``pantau import`` of the same file with the same reading: same rows, same
report, same import log entry (the user is the account's e-mail address). Targets are set per
scope, so a targets file is first read the way the importer will read it and every scope in it is
checked against the account (:func:`pantau.web.services.targets.check_scope`); after the import
the changed targets are logged in ``target_changes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pantau import auth
from pantau.errors import ImportRejected, InputFileError, PantauError
from pantau.ingest import ImportReport, import_file
from pantau.ingest.formats import Given
from pantau.ingest.profile import opened
from pantau.ingest.recipe import Recipe
from pantau.web.context import WebContext
from pantau.web.services.targets import check_scope, load_targets, log_differences, scope_of
from pantau.web.services.uploads import Upload


@dataclass(frozen=True)
class Outcome:
    """A report (accepted or rejected), or the one message of a file that cannot be read."""

    report: ImportReport | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok


def run_import(
    ctx: WebContext,
    user: auth.User,
    upload: Upload,
    args: dict[str, Any],
    *,
    lang: str,
    dry_run: bool,
    reason: str | None = None,
) -> Outcome:
    """Check (``dry_run``) or import ``upload`` with ``import_file`` arguments ``args``."""
    targets = args.get("record_type") == "targets"
    try:
        if targets:
            for scope, scope_id in file_scopes(upload.path, args, lang):
                check_scope(ctx, user, scope, scope_id)
        before = load_targets(ctx.store) if targets and not dry_run else {}
        report = import_file(
            ctx.store, path=upload.path, lang=lang, user=user.email, dry_run=dry_run, **args
        )
    except ImportRejected as exc:
        report = cast(ImportReport, exc.report)
    except auth.Forbidden:
        raise
    except PantauError as exc:
        return Outcome(error=message_of(exc, upload))
    finally:
        if not dry_run:
            ctx.wrote()
    if targets and report.ok and not dry_run:
        via = f"file {upload.name} (import #{report.import_id})"
        after = load_targets(ctx.store)
        log_differences(ctx.store, before, after, user=user.email, reason=reason, via=via)
        ctx.wrote()
    return Outcome(report)


def message_of(exc: PantauError, upload: Upload) -> str:
    """The error's message, naming the file as uploaded (never the server's temporary path)."""
    if isinstance(exc, InputFileError) and exc.path == str(upload.path):
        text = f"{upload.name}: {exc.reason}"
        return text + (f" — {exc.hint}" if exc.hint else "")
    return str(exc).replace(str(upload.path), upload.name)


def file_scopes(path: Path, args: dict[str, Any], lang: str) -> set[tuple[str, str | None]]:
    """The (scope, scope id) pairs of a targets file, read as the importer will read it."""
    recipe = Recipe.build(
        args["record_type"],
        mapping=args.get("mapping"),
        preset=None,
        given=Given(args.get("date_format"), args.get("decimal")),
        skip_rows=None,
        sheet=args.get("sheet"),
        lang=lang,
    )
    with opened(path, recipe.hint(), args.get("sheet"), lang) as (con, source):
        reading = recipe.read(con, source, path, lang)
        fields = reading.hmap.fields
        scope = f"lower({fields['scope'].sql})" if "scope" in fields else "NULL"
        scope_id = fields["scope_id"].sql if "scope_id" in fields else "NULL"
        rows = con.execute(
            f"SELECT DISTINCT {scope}, {scope_id} FROM {reading.source.relation}"
        ).fetchall()
    found = {scope_of(kind, scope_id) for kind, scope_id in rows}
    return {pair for pair in found if pair[0] in ("company", "team", "rep")}
