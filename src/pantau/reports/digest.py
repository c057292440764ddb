"""The KPI digest by e-mail, for cron: every KPI against target, HTML with a text alternative.

``monthly``: the last complete month, with the monthly PDF report attached. ``weekly``: KPIs
are counted by month, so the weekly digest shows the month to date of the month in which the last
complete week (Monday–Sunday) ended, against that month's targets.

SMTP settings come from the environment (see :class:`SmtpSettings`).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from babel.dates import format_interval

from pantau.errors import PantauError, UsageError
from pantau.i18n import LOCALES, check_lang, gettext
from pantau.reports.context import (
    N_,
    build_meta,
    kpi_catalogue,
    local_now,
    period_label,
    shift_month,
)
from pantau.reports.rendering import templates
from pantau.reports.summary import KpiSection, kpi_sections, scorecard

if TYPE_CHECKING:
    from pantau.metrics import Scope
    from pantau.store import Store

PERIODS = ("weekly", "monthly")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class SmtpSettings:
    """Where the digest goes out: ``PANTAU_SMTP_*`` environment variables.

    ``HOST`` (required), ``PORT`` (default 587 with STARTTLS, else 25; 465 means implicit TLS),
    ``USER`` and ``PASSWORD`` (log in when ``USER`` is set), ``FROM`` (default: ``USER``),
    ``STARTTLS`` (``1``/``0``, default ``1``).
    """

    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
        host = env.get("PANTAU_SMTP_HOST", "").strip()
        if not host:
            raise UsageError("set PANTAU_SMTP_HOST (and PANTAU_SMTP_FROM) to send the digest")
        starttls = _flag(env.get("PANTAU_SMTP_STARTTLS", "1"), "PANTAU_SMTP_STARTTLS")
        user = env.get("PANTAU_SMTP_USER") or None
        sender = env.get("PANTAU_SMTP_FROM") or user
        if not sender:
            raise UsageError("set PANTAU_SMTP_FROM: the digest needs a sender address")
        return cls(
            host=host,
            port=_port(env.get("PANTAU_SMTP_PORT"), default=587 if starttls else 25),
            user=user,
            password=env.get("PANTAU_SMTP_PASSWORD") or None,
            sender=sender,
            starttls=starttls,
        )


def _flag(value: str, name: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UsageError(f"{name} must be 1 or 0, not '{value}'")


def _port(value: str | None, *, default: int) -> int:
    if not value:
        return default
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise UsageError(f"PANTAU_SMTP_PORT must be a port number, not '{value}'")
    return int(value)


@dataclass(frozen=True)
class DigestWindow:
    """What a digest covers: ``month`` (``YYYY-MM``) and how it is described."""

    period: str  # weekly | monthly
    month: str
    label: str
    partial: bool  # a month to date, not a complete month


def digest_window(period: str, today: date, lang: str) -> DigestWindow:
    """The window of a ``weekly``/``monthly`` digest sent on ``today`` (business time zone).

    >>> digest_window("monthly", date(2026, 4, 1), "en").label
    'March 2026'
    >>> digest_window("weekly", date(2026, 4, 1), "en").month
    '2026-03'
    """
    if period not in PERIODS:
        raise UsageError(f"--period must be one of {', '.join(PERIODS)}, not '{period}'")
    if period == "monthly":
        month = shift_month(today.strftime("%Y-%m"), -1)
        return DigestWindow(period, month, period_label(month, lang), partial=False)
    sunday = today - timedelta(days=today.weekday() + 1)
    week = format_interval(sunday - timedelta(days=6), sunday, "yMMMd", locale=LOCALES[lang])
    week = " ".join(week.split())  # Babel's thin and no-break spaces → plain spaces
    return DigestWindow(period, sunday.strftime("%Y-%m"), week, partial=True)


def build_digest(
    store: Store,
    *,
    period: str,
    recipients: Sequence[str],
    sender: str,
    lang: str | None = None,
    scope: Scope | None = None,
    today: date | None = None,
) -> EmailMessage:
    """The digest e-mail (HTML + text; the PDF report attached when ``monthly``)."""
    from pantau.metrics import KpiQuery, compute_kpis

    lang = check_lang(lang or store.setting("language"))
    window = digest_window(period, today or local_now(store).date(), lang)
    previous = shift_month(window.month, -1)
    query = KpiQuery(start=previous, end=window.month, grain="month", scope=scope)
    result = compute_kpis(store, query)
    rows = {str(r["period"]): r for r in result["rows"]}
    meta = build_meta(
        store,
        lang=lang,
        start=window.month,
        end=window.month,
        grain="month",
        by=None,
        basis=result["basis"],
        scope=scope,
        generated_by=None,
    )
    sections = kpi_sections(
        kpi_catalogue(),
        rows.get(window.month),
        rows.get(previous),
        lang=lang,
        currency=meta.currency,
        partial=window.partial,
    )
    content = _content(window, sections, meta, has_data=window.month in rows)
    message = _message(content, recipients=recipients, sender=sender)
    if period == "monthly":
        _attach_report(message, store, window.month, scope=scope, lang=lang)
    return message


def _content(
    window: DigestWindow, sections: list[KpiSection], meta: Any, *, has_data: bool
) -> dict[str, Any]:
    lang = meta.lang
    kind = N_("Monthly KPI digest") if window.period == "monthly" else N_("Weekly KPI digest")
    note = None
    if window.partial:
        note = gettext(
            "KPIs are counted by month: this is {month} to date, against the month's targets.",
            lang,
            month=period_label(window.month, lang),
        )
    return {
        "t": lambda message, **params: gettext(message, lang, **params),
        "lang": lang,
        "subject": f"Pantau: {gettext(kind, lang)} — {window.label}",
        "heading": gettext(kind, lang),
        "period_label": window.label,
        "note": note,
        "sections": sections,
        "score": scorecard(sections),
        "scope": meta.scope,
        "basis": meta.basis,
        "has_data": has_data,
        "attached": window.period == "monthly",
        "generated_at": meta.generated_at,
    }


def _message(content: dict[str, Any], *, recipients: Sequence[str], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = content["subject"]
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message.set_content(plain_text(content))
    message.add_alternative(templates().get_template("digest.html").render(**content), "html")
    return message


def plain_text(content: dict[str, Any]) -> str:
    """The text/plain alternative: one line per KPI."""
    t = content["t"]
    lines = [content["heading"], content["period_label"], ""]
    if content["note"]:
        lines += [content["note"], ""]
    for section in content["sections"]:
        lines.append(section.name)
        for kpi in section.lines:
            target = (
                f" ({t('target')} {kpi.target}: {kpi.status_text})" if kpi.target != "–" else ""
            )
            lines.append(f"  {kpi.name}: {kpi.actual}{target}")
        lines.append("")
    met, total = content["score"]
    lines.append(f"{t('Targets met')}: {met} / {total}")
    return "\n".join(lines) + "\n"


def _attach_report(
    message: EmailMessage, store: Store, month: str, *, scope: Scope | None, lang: str
) -> None:
    from pantau.reports.pdf import render_pdf

    pdf = render_pdf(store, end=month, scope=scope, lang=lang, generated_by="Pantau digest")
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"pantau-report-{month}.pdf"
    )


def send_digest(
    store: Store,
    *,
    period: str,
    recipients: Sequence[str],
    lang: str | None = None,
    scope: Scope | None = None,
    smtp: SmtpSettings | None = None,
    today: date | None = None,
) -> EmailMessage:
    """Build the digest and send it through ``smtp`` (default: from the environment)."""
    if not recipients:
        raise UsageError("give at least one --to address")
    smtp = smtp or SmtpSettings.from_env()
    message = build_digest(
        store,
        period=period,
        recipients=recipients,
        sender=smtp.sender,
        lang=lang,
        scope=scope,
        today=today,
    )
    deliver(message, smtp)
    return message


def deliver(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Send ``message`` through the SMTP server; failures become one clear :class:`PantauError`."""
    implicit_tls = smtp.port == 465
    client = smtplib.SMTP_SSL if implicit_tls else smtplib.SMTP
    try:
        with client(smtp.host, smtp.port, timeout=60) as server:
            if smtp.starttls and not implicit_tls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise PantauError(
            f"{smtp.host}:{smtp.port} does not offer STARTTLS; "
            "set PANTAU_SMTP_STARTTLS=0 for a server on a trusted network"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise PantauError(
            f"cannot send the digest through {smtp.host}:{smtp.port}: {exc}"
        ) from None
