"""`flask mail receive`: one message on standard input, as an MTA's pipe hands it over
(Postfix's pipe(8), an /etc/aliases "|command" line). The exit status is what the MTA
acts on: 0 stored, 75 (EX_TEMPFAIL) try again later, 65 (EX_DATAERR) not a message."""

from __future__ import annotations

import logging
import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import InterfaceError, OperationalError

from feedback.complaints.inbound import NotAMessage, receive
from feedback.extensions import db

#: sysexits.h, which MTAs read
EX_DATAERR = 65
EX_TEMPFAIL = 75

log = logging.getLogger("feedback.complaints")

mail_cli = AppGroup("mail", help="Customers' emails coming back to their cases.")


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
