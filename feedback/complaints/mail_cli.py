"""`flask mail ...`: customers' replies coming in.

`flask mail receive` reads one message on standard input, as an MTA's pipe hands it over
(Postfix's pipe(8), an /etc/aliases "|command" line); `flask mail fetch` reads an IMAP
mailbox. The exit status is what an MTA or cron acts on (sysexits.h): 0 done, 65
(EX_DATAERR) not a message, 75 (EX_TEMPFAIL) try again later, 77 login refused, 78 not
configured."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import InterfaceError, OperationalError

from feedback.complaints.imap import InboxConfigError, fetch, inbox_from_config
from feedback.complaints.inbound import NotAMessage, receive
from feedback.extensions import db

mail_cli = AppGroup("mail", help="Read customers' replies into their cases.")

log = logging.getLogger("feedback.complaints")

# sysexits.h, which cron and MTAs understand
EX_DATAERR = 65
EX_TEMPFAIL = 75
EX_NOPERM = 77
EX_CONFIG = 78


@mail_cli.command("receive")
def receive_command() -> None:
    """Store one RFC 822 message read from standard input and put it on its case (or in
    the unmatched list)."""
    raw = sys.stdin.buffer.read()
    try:
        result = receive(raw)
        db.session.commit()
    except NotAMessage as error:
        db.session.rollback()
        click.echo(f"not a message: {error}", err=True)
        sys.exit(EX_DATAERR)
    except (OperationalError, InterfaceError) as error:
        # The database is down, or busy past its timeout: the MTA keeps the message and
        # tries again, so nothing is lost.
        db.session.rollback()
        click.echo(f"database unavailable, try again later: {error.orig!r}", err=True)
        sys.exit(EX_TEMPFAIL)
    except Exception:
        # A fault of ours must not bounce the customer's mail: the MTA keeps it and tries
        # again once the fault is fixed.
        db.session.rollback()
        log.exception("mail.receive.failed")
        sys.exit(EX_TEMPFAIL)
    click.echo(f"{result.outcome} message={result.inbound_message_id} case={result.case_id}")


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
        receive,
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
        f"{report.waiting} waiting for the next run"
        + (f", {report.unreadable} not emails (moved to Unreadable)." if report.unreadable else ".")
    )
    if report.failed:
        raise SystemExit(1)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)
