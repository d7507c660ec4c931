"""Customers' replies read from an IMAP mailbox (`flask mail fetch`, the worker's
``mail_fetch`` job).

Each message of the folder is handed to a handler (inbound's ``receive``, which stores it),
the transaction is committed, and only then is the message moved out of the folder. A
message whose handler or commit fails stays where it is for the next poll. If the move
itself fails after the commit, the next poll hands the message over again: the handler
must not mind (``receive`` is idempotent for the same message). Messages are fetched by
UID, at most ``limit`` a poll.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from flask import current_app
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from feedback.complaints import inbound
from feedback.extensions import db

log = logging.getLogger("feedback.mail")

#: URL scheme -> how the connection is secured
SCHEMES = {"imaps": "ssl", "imap+starttls": "starttls", "imap": "plain"}
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "plain": 143}
#: PostgreSQL advisory lock (two keys) held by the worker reading the mailbox
POLL_LOCK = (21_002, 1)
#: where a message that is not an email at all goes (created when needed)
UNREADABLE_FOLDER = "Unreadable"


class InboxConfigError(ValueError):
    """The settings name a mailbox that cannot be used as written."""


@dataclass(frozen=True)
class Inbox:
    """Where inbound mail is read from."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    #: "ssl" (imaps), "starttls" or "plain"
    security: str = "ssl"
    processed_folder: str = "Processed"
    ca_file: str | None = None

    def __str__(self) -> str:
        """For log lines: never the password."""
        return f"{self.security}://{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass
class FetchReport:
    """What one poll did."""

    #: messages the handler took and that left the folder
    stored: int = 0
    #: messages whose handler or commit failed; they stay for the next poll
    failed: int = 0
    #: messages beyond this poll's limit, left for the next
    waiting: int = 0
    #: not emails at all (no header): moved to UNREADABLE_FOLDER for a person to look at
    unreadable: int = 0
    #: why the mailbox could not be read (connection, TLS, login), if it could not
    error: str | None = None
    #: the mailbox refused the user name or password
    login_refused: bool = False
    #: another worker was reading the mailbox, so this one did not
    busy: bool = False

    def __bool__(self) -> bool:
        # An empty poll every minute is not worth a line in the worker's log.
        return bool(self.stored or self.failed or self.waiting or self.unreadable or self.error)

    def __str__(self) -> str:
        text = f"stored={self.stored} failed={self.failed} waiting={self.waiting}"
        if self.unreadable:
            text += f" unreadable={self.unreadable}"
        return f"{text} error={self.error!r}" if self.error else text


def inbox_from_config(config: Mapping) -> Inbox | None:
    """The mailbox the settings name, or None when inbound mail over IMAP is not set up.

    Raises InboxConfigError, naming the setting, when it is set but unusable."""
    if config.get("MAIL_INBOX_URL"):
        return _inbox_from_url(config["MAIL_INBOX_URL"], config)
    host = config.get("MAIL_INBOX_HOST")
    if not host:
        return None
    if config.get("MAIL_INBOX_STARTTLS"):
        security = "starttls"
    else:
        security = "ssl" if config.get("MAIL_INBOX_SSL", True) else "plain"
    user, password = config.get("MAIL_INBOX_USER"), config.get("MAIL_INBOX_PASSWORD")
    if not user or not password:
        raise InboxConfigError("MAIL_INBOX_HOST needs MAIL_INBOX_USER and MAIL_INBOX_PASSWORD")
    return Inbox(
        host=host,
        port=config.get("MAIL_INBOX_PORT") or DEFAULT_PORTS[security],
        user=user,
        password=password,
        folder=config.get("MAIL_INBOX_FOLDER") or "INBOX",
        security=security,
        processed_folder=config.get("MAIL_INBOX_PROCESSED_FOLDER") or "Processed",
        ca_file=config.get("MAIL_INBOX_CA_FILE"),
    )


def _inbox_from_url(url: str, config: Mapping) -> Inbox:
    parts = urlsplit(url.strip())
    security = SCHEMES.get(parts.scheme.lower())
    if security is None:
        raise InboxConfigError(
            "MAIL_INBOX_URL must start with imaps://, imap+starttls:// or imap://"
        )
    if security == "plain" and config.get("MAIL_INBOX_STARTTLS"):
        security = "starttls"
    try:
        port = parts.port
    except ValueError:
        raise InboxConfigError("MAIL_INBOX_URL has a port that is not a number") from None
    if not parts.hostname:
        raise InboxConfigError("MAIL_INBOX_URL names no host")
    if not parts.username or not parts.password:
        raise InboxConfigError(
            "MAIL_INBOX_URL needs a user and a password: imaps://USER:PASSWORD@HOST/INBOX "
            "(URL-encode @, : and / in them)"
        )
    return Inbox(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[security],
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.lstrip("/")) or config.get("MAIL_INBOX_FOLDER") or "INBOX",
        security=security,
        processed_folder=config.get("MAIL_INBOX_PROCESSED_FOLDER") or "Processed",
        ca_file=config.get("MAIL_INBOX_CA_FILE"),
    )


def fetch(
    handler: Callable[[bytes], object],
    inbox: Inbox,
    *,
    limit: int = 100,
    timeout: float = 30,
    stop: threading.Event | None = None,
) -> FetchReport:
    """Hand each message of the inbox's folder to ``handler`` as its exact bytes, commit,
    then move it to the processed folder; at most ``limit`` messages, oldest first."""
    try:
        with _one_poller() as alone:
            if not alone:
                log.debug("mail.fetch_skipped inbox=%s reason=another worker reads it", inbox)
                return FetchReport(busy=True)
            return _fetch(handler, inbox, limit, timeout, stop)
    except OperationalError:
        # Nothing was read: the mail waits on the server until the database is back.
        log.warning("mail.fetch_failed inbox=%s error=the database cannot be reached", inbox)
        return FetchReport(error="the database cannot be reached")


@contextlib.contextmanager
def _one_poller():
    """Whether this process may read the mailbox now: one worker at a time, since two
    IMAP sessions moving the same message can leave two copies of it (Dovecot does), and
    would hand it over twice.

    PostgreSQL: a session-level advisory lock, on a connection of its own since the poll
    commits once a message, shared by every machine (and dropped if the process dies).
    SQLite serves one machine: a lock on a file beside the database."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            got = connection.scalar(select(func.pg_try_advisory_lock(*POLL_LOCK)))
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.scalar(select(func.pg_advisory_unlock(*POLL_LOCK)))
                    connection.commit()
        return
    database = db.engine.url.database
    if not database or database == ":memory:":  # one process, one connection
        yield True
        return
    with open(f"{database}.mail-fetch.lock", "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _fetch(handler, inbox: Inbox, limit: int, timeout: float, stop) -> FetchReport:
    report = FetchReport()
    limit = max(limit, 1)  # MAIL_INBOX_BATCH_SIZE=0 must not stop the mail for good
    try:
        client = _connect(inbox, timeout)
    except LoginError:
        report.error, report.login_refused = "the server refused the user name or password", True
    except (OSError, IMAPClientError, UnicodeError) as exc:
        report.error = _describe(exc)
    if report.error:
        log.warning("mail.fetch_failed inbox=%s error=%s", inbox, report.error)
        return report
    try:
        client.select_folder(inbox.folder)
        # \Deleted ones are on their way out (a copy already in the processed folder).
        uids = sorted(client.search(["UNDELETED"]))
        report.waiting = max(0, len(uids) - limit)
        if uids:
            _ensure_folder(client, inbox.processed_folder)
        batch = uids[:limit]
        for done, uid in enumerate(batch):
            if stop is not None and stop.is_set():  # the worker is shutting down
                report.waiting += len(batch) - done
                break
            _take(client, uid, handler, inbox, report)
    except (OSError, IMAPClientError) as exc:
        report.error = _describe(exc)
        log.warning("mail.fetch_failed inbox=%s error=%s", inbox, report.error)
    finally:
        _close(client)
    return report


def fetch_job(_worker: str, stop: threading.Event) -> FetchReport | None:
    """The worker's ``mail_fetch`` job: one poll of the configured mailbox into inbound's
    ``receive``. Registered only when a mailbox is configured."""
    config = current_app.config
    try:
        inbox = inbox_from_config(config)
    except InboxConfigError as exc:
        log.error("mail.fetch_not_configured error=%s", exc)
        return None
    if inbox is None:
        return None
    return fetch(
        inbound.receive,
        inbox,
        limit=config["MAIL_INBOX_BATCH_SIZE"],
        timeout=config["MAIL_TIMEOUT_SECONDS"],
        stop=stop,
    )


def _take(client: IMAPClient, uid: int, handler, inbox: Inbox, report: FetchReport) -> None:
    """Store one message, then move it out of the folder."""
    raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
    if raw is None:  # another worker took it since the search
        return
    try:
        handler(raw)
        db.session.commit()
    except inbound.NotAMessage as exc:
        # No header at all: another try cannot help, and it would be tried (and logged)
        # at every poll forever. It goes where a person can look at it.
        db.session.rollback()
        log.warning("mail.unreadable inbox=%s uid=%s reason=%s", inbox, uid, exc)
        _ensure_folder(client, UNREADABLE_FOLDER)
        _move(client, uid, UNREADABLE_FOLDER)
        report.unreadable += 1
        return
    except Exception:
        db.session.rollback()
        report.failed += 1
        # The message stays in the folder and is tried again at the next poll.
        log.exception("mail.message_failed inbox=%s uid=%s", inbox, uid)
        return
    _move(client, uid, inbox.processed_folder)
    report.stored += 1


def _move(client: IMAPClient, uid: int, folder: str) -> None:
    """Out of the inbox into ``folder``; a server without MOVE gets a copy there and the
    original deleted."""
    if client.has_capability("MOVE"):
        client.move([uid], folder)
    else:
        client.copy([uid], folder)
        client.delete_messages([uid])
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            client.expunge()


def _connect(inbox: Inbox, timeout: float) -> IMAPClient:
    context = ssl.create_default_context(cafile=inbox.ca_file)
    client = IMAPClient(
        inbox.host,
        port=inbox.port,
        ssl=inbox.security == "ssl",
        ssl_context=context,
        timeout=timeout,
    )
    try:
        if inbox.security == "starttls":
            client.starttls(context)
        client.login(inbox.user, inbox.password)
    except BaseException:
        _close(client)
        raise
    return client


def _ensure_folder(client: IMAPClient, folder: str) -> None:
    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClientError:
        # Another worker may have created it a moment ago; anything else fails the move.
        if not client.folder_exists(folder):
            raise


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        with contextlib.suppress(OSError):
            client.shutdown()


def _describe(exc: BaseException) -> str:
    """One line for the log and the command's message, without a traceback."""
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:  # a file name: MAIL_INBOX_CA_FILE
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__
