"""The download buttons: the KPI workbook (xlsx) and the monthly report (pdf) of the page's filters.

Both come from :mod:`pantau.reports` with the request's grant as their scope, so an export holds
exactly the rows the account sees on screen (a rep's, only their own). The workbook covers the
12 months up to the page's period at its grain (the year itself at year grain), broken down as
the KPI page is; the PDF is the monthly report of the period's last month.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pantau import auth
from pantau.reports.excel import write_excel
from pantau.reports.pdf import render_pdf
from pantau.web.context import WebContext
from pantau.web.services.periods import View, month_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class Export:
    """A file to download."""

    body: bytes
    media_type: str
    filename: str


def months_of(view: View) -> tuple[str, str]:
    """First and last month an export of ``view`` covers."""
    first = view.first_month if view.grain == "year" else view.last_month - 11
    return month_label(first), month_label(view.last_month)


def _name(view: View, grant: auth.Grant, suffix: str) -> str:
    who = ""
    if grant.rep_ids is not None and len(grant.rep_ids) == 1:
        who = "-" + next(iter(grant.rep_ids))
    elif grant.teams is not None and len(grant.teams) == 1:
        who = "-" + next(iter(grant.teams))
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in who)
    return f"pantau-{view.label}{safe}.{suffix}"


def excel_export(
    ctx: WebContext, grant: auth.Grant, view: View, by: str | None, user: auth.User
) -> Export:
    """The KPI workbook of the view, for the grant's scope."""
    grant.check_by(by)
    start, end = months_of(view)
    buffer = io.BytesIO()
    write_excel(
        ctx.store,
        buffer,
        start=start,
        end=end,
        grain=view.grain,
        by=by,
        scope=grant.scope(),
        lang=view.lang,
        generated_by=user.email,
    )
    return Export(buffer.getvalue(), XLSX, _name(view, grant, "xlsx"))


def pdf_export(ctx: WebContext, grant: auth.Grant, view: View, user: auth.User) -> Export:
    """The monthly report of the view's last month, for the grant's scope.

    Not for company totals of an account that may not see other reps: the report ranks reps.
    """
    if grant.totals_only:
        raise auth.Forbidden("the PDF report ranks reps; download it without company=true")
    start, end = month_label(view.last_month - 11), month_label(view.last_month)
    body = render_pdf(
        ctx.store,
        start=start,
        end=end,
        scope=grant.scope(),
        lang=view.lang,
        generated_by=user.email,
    )
    return Export(body, PDF, _name(view, grant, "pdf"))
