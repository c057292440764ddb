"""The e-mail digest, sent to a local SMTP sink (aiosmtpd on 127.0.0.1, a free port)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import PantauError, UsageError
from pantau.reports.digest import SmtpSettings, deliver, digest_window, send_digest
from pantau.store import Store


@dataclass
class Sink:
    """What the SMTP server received: (envelope recipients, parsed message) per mail."""

    port: int
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def settings(self, **changes: Any) -> SmtpSettings:
        base = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": None,
            "password": None,
            "sender": "Pantau <pantau@toko.example>",
            "starttls": False,
        }
        return SmtpSettings(**{**base, **changes})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sink() -> Iterator[Sink]:
    sink = Sink(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def html_part(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_monthly_digest_with_the_pdf_attached(company: Store, sink: Sink) -> None:
    to = ["boss@toko.example", "sales-lead@toko.example"]
    send_digest(
        company, period="monthly", recipients=to, smtp=sink.settings(), today=date(2026, 4, 2)
    )
    [(rcpt, message)] = sink.received
    assert rcpt == to
    assert message["Subject"] == "Pantau: Ringkasan KPI bulanan — Maret 2026"
    assert message["To"] == ", ".join(to) and message["From"] == "Pantau <pantau@toko.example>"
    assert message["Message-ID"].endswith("@toko.example>")
    html = html_part(message)
    assert "Nilai Penjualan" in html and "Rp45.000.000" in html and "tidak tercapai" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "pantau-report-2026-03.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_weekly_digest_is_the_month_to_date(company: Store, sink: Sink) -> None:
    send_digest(
        company,
        period="weekly",
        recipients=["boss@toko.example"],
        lang="en",
        smtp=sink.settings(),
        today=date(2026, 3, 30),
    )
    [(_, message)] = sink.received
    assert message["Subject"] == "Pantau: Weekly KPI digest — Mar 23 – 29, 2026"
    assert list(message.iter_attachments()) == []
    html = html_part(message)
    assert "March 2026 to date" in html and "not yet met" in html
    text = message.get_body(("plain",))
    assert text is not None
    assert "Sales volume: Rp45,000,000 (target Rp40,000,000: met)" in str(text.get_content())


def test_cli_digest_reads_smtp_settings_from_the_environment(company: Store, sink: Sink) -> None:
    env = {
        "PANTAU_SMTP_HOST": "127.0.0.1",
        "PANTAU_SMTP_PORT": str(sink.port),
        "PANTAU_SMTP_FROM": "pantau@toko.example",
        "PANTAU_SMTP_STARTTLS": "0",
    }
    args = ["--db", str(company.path), "digest", "--period", "weekly"]
    result = CliRunner().invoke(app, [*args, "--to", "a@toko.example,b@toko.example"], env=env)
    assert result.exit_code == 0, result.output
    [(rcpt, message)] = sink.received
    assert rcpt == ["a@toko.example", "b@toko.example"]
    assert message["Subject"].startswith("Pantau: Ringkasan KPI mingguan — ")
    assert "sent 'Pantau: Ringkasan KPI mingguan" in result.stdout


def test_starttls_refused_by_the_server_is_one_clear_error(sink: Sink) -> None:
    with pytest.raises(PantauError, match="PANTAU_SMTP_STARTTLS=0"):
        deliver(EmailMessage(), sink.settings(starttls=True))


def test_unreachable_server_is_one_clear_error() -> None:
    settings = SmtpSettings("127.0.0.1", free_port(), None, None, "p@toko.example", False)
    with pytest.raises(PantauError, match="cannot send the digest through 127.0.0.1"):
        deliver(EmailMessage(), settings)


def test_smtp_settings_from_the_environment() -> None:
    env = {"PANTAU_SMTP_HOST": "smtp.toko.example", "PANTAU_SMTP_USER": "bot@toko.example"}
    settings = SmtpSettings.from_env(env)
    assert (settings.port, settings.starttls, settings.sender) == (587, True, "bot@toko.example")
    plain = SmtpSettings.from_env({**env, "PANTAU_SMTP_STARTTLS": "no"})
    assert (plain.port, plain.starttls) == (25, False)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "PANTAU_SMTP_HOST"),
        ({"PANTAU_SMTP_HOST": "h"}, "PANTAU_SMTP_FROM"),
        ({"PANTAU_SMTP_HOST": "h", "PANTAU_SMTP_FROM": "a@b.c", "PANTAU_SMTP_PORT": "x"}, "PORT"),
        (
            {"PANTAU_SMTP_HOST": "h", "PANTAU_SMTP_FROM": "a@b.c", "PANTAU_SMTP_STARTTLS": "?"},
            "1 or 0",
        ),
    ],
)
def test_bad_smtp_settings(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        SmtpSettings.from_env(env)


@pytest.mark.parametrize(
    ("period", "today", "month", "label", "partial"),
    [
        ("monthly", date(2026, 1, 1), "2025-12", "December 2025", False),
        ("weekly", date(2026, 3, 2), "2026-03", "Feb 23 – Mar 1, 2026", True),
        ("weekly", date(2026, 3, 8), "2026-03", "Feb 23 – Mar 1, 2026", True),
    ],
)
def test_digest_window(period: str, today: date, month: str, label: str, partial: bool) -> None:
    window = digest_window(period, today, "en")
    assert (window.month, window.label, window.partial) == (month, label, partial)


def test_bad_recipients_and_period(company: Store, sink: Sink) -> None:
    args = ["--db", str(company.path), "digest", "--period", "weekly", "--to", "not-an-address"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, UsageError)
    with pytest.raises(UsageError, match="--period"):
        send_digest(company, period="daily", recipients=["a@b.c"], smtp=sink.settings())
    assert sink.received == []
