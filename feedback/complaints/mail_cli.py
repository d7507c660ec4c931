"""`flask mail ...`: customers' replies coming in."""

from __future__ import annotations

from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup

from feedback.complaints import inbound
from feedback.complaints.imap import InboxConfigError, fetch, inbox_from_config

mail_cli = AppGroup("mail", help="Read customers' replies into their cases.")

# sysexits.h, which cron and MTAs understand
EX_TEMPFAIL = 75
EX_NOPERM = 77
EX_CONFIG = 78


@mail_cli.command("fetch")
def fetch_command() -> None:
    """Read the IMAP mailbox (MAIL_INBOX_URL) once: store each message, then move it to the
    processed folder. Exits 75 when the server cannot be reached, 77 when it refuses the
    login, 78 when no mailbox is configured, 1 when some messages could not be stored."""
    config = current_app.config
    try:
        inbox = inbox_from_config(config)
    except InboxConfigError as exc:
        _fail(str(exc), EX_CONFIG)
    if inbox is None:
        _fail(
            "No mailbox is configured: set MAIL_INBOX_URL "
            "(imaps://USER:PASSWORD@HOST/INBOX) or MAIL_INBOX_HOST, MAIL_INBOX_USER "
            "and MAIL_INBOX_PASSWORD.",
            EX_CONFIG,
        )
    report = fetch(
        inbound.receive,
        inbox,
        limit=config["MAIL_INBOX_BATCH_SIZE"],
        timeout=config["MAIL_TIMEOUT_SECONDS"],
    )
    if report.busy:
        click.echo("Another worker is reading the mailbox; nothing done.")
        return
    if report.error:
        code = EX_NOPERM if report.login_refused else EX_TEMPFAIL
        _fail(f"Cannot read {inbox}: {report.error}", code)
    click.echo(
        f"{report.stored} stored, {report.failed} failed (left in the mailbox), "
        f"{report.waiting} waiting for the next run."
    )
    if report.failed:
        raise SystemExit(1)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)
