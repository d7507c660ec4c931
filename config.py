"""Configuration read from the environment.

With no variable set the service runs on SQLite in ``instance/`` and writes every
outgoing message as an ``.eml`` file into ``instance/mail/``. ``FEEDBACK_ENV`` picks the
class: ``development`` (the default), ``production`` or ``testing``.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("FEEDBACK_INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def _str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


#: a production SECRET_KEY shorter than this is refused at start-up
MIN_SECRET_KEY_LENGTH = 32
MAKE_A_KEY = 'Make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot make a working configuration."""


def database_url_from_env(default: str) -> str:
    """Return DATABASE_URL, normalised so that PostgreSQL goes through psycopg 3."""
    url = _str("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment, each overridable by a variable."""

    ENV_NAME = "development"

    SECRET_KEY = _str("SECRET_KEY")
    BASE_URL = (_str("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")

    SQLALCHEMY_DATABASE_URI = database_url_from_env(f"sqlite:///{INSTANCE_DIR / 'feedback.db'}")
    # hide_parameters: a database error in the log names the statement, never the values
    # (customers' addresses, names and external ids).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    # Mail. With no MAIL_SERVER every message is captured as an .eml file instead.
    MAIL_SERVER = _str("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = _str("MAIL_USERNAME")
    MAIL_PASSWORD = _str("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = _str("MAIL_DEFAULT_SENDER", "Feedback <feedback@localhost>")
    MAIL_CAPTURE_DIR = _str("MAIL_CAPTURE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 30)
    MAIL_SUPPRESS_SEND = False  # capture to .eml replaces Flask-Mail's suppression

    # Inbound mail over IMAP (`flask mail fetch`, and the worker when set): customers'
    # replies are read from this mailbox. Either one URL, such as
    # imaps://user:password@imap.example.com/INBOX (imap:// is plain, imap+starttls://
    # upgrades; user and password URL-encoded), or the host settings below. Unset: no polling.
    MAIL_INBOX_URL = _str("MAIL_INBOX_URL")
    MAIL_INBOX_HOST = _str("MAIL_INBOX_HOST")
    #: default 993 (TLS), or 143 with MAIL_INBOX_STARTTLS or MAIL_INBOX_SSL=false
    MAIL_INBOX_PORT = _int("MAIL_INBOX_PORT", 0)
    MAIL_INBOX_USER = _str("MAIL_INBOX_USER")
    MAIL_INBOX_PASSWORD = _str("MAIL_INBOX_PASSWORD")
    MAIL_INBOX_FOLDER = _str("MAIL_INBOX_FOLDER", "INBOX")
    #: TLS from the first byte (imaps); safe by default, off only for a local server
    MAIL_INBOX_SSL = _bool("MAIL_INBOX_SSL", True)
    #: a plain connection upgraded with STARTTLS (an imap:// URL too)
    MAIL_INBOX_STARTTLS = _bool("MAIL_INBOX_STARTTLS")
    #: a CA bundle for a server whose certificate a private authority signed
    MAIL_INBOX_CA_FILE = _str("MAIL_INBOX_CA_FILE")
    #: where a stored message goes on the server (created if missing); servers without
    #: MOVE get a copy there and the original deleted
    MAIL_INBOX_PROCESSED_FOLDER = _str("MAIL_INBOX_PROCESSED_FOLDER", "Processed")
    #: how often the worker polls the mailbox
    MAIL_INBOX_POLL_SECONDS = _int("MAIL_INBOX_POLL_SECONDS", 60)
    #: messages read in one poll at most, so that one poll cannot run forever
    MAIL_INBOX_BATCH_SIZE = _int("MAIL_INBOX_BATCH_SIZE", 100)
    # Inbound mail (`flask mail receive`). Case mail gets a Reply-To of this address with
    # "+c<case>.<signed token>" added to its local part ("support+c15.k3j9xq2mfa@example.com"),
    # so that the customer's answer finds its case; the mailbox must accept plus-addresses.
    # Unset: no Reply-To is added (the demo captures mail anyway), and replies are matched
    # by In-Reply-To and the sender's address only.
    MAIL_REPLY_ADDRESS = _str("MAIL_REPLY_ADDRESS")
    # An attachment larger than this is listed on the case but not stored on its own (the
    # original message, kept whole, still has it); bound the whole size at the MTA.
    MAIL_ATTACHMENT_MAX_BYTES = _int("MAIL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

    # The outbox: how often and how long the worker retries a message.
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_RETRY_BASE_SECONDS = _int("OUTBOX_RETRY_BASE_SECONDS", 60)
    OUTBOX_RETRY_MAX_SECONDS = _int("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
    OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 50)
    #: a message claimed longer ago than this by a worker that died is handed out again
    OUTBOX_CLAIM_TIMEOUT_SECONDS = _int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 600)
    WORKER_POLL_SECONDS = _int("WORKER_POLL_SECONDS", 5)

    # Webhooks and work-chat hooks: the worker posts each event, retrying with growing
    # pauses (10 min, doubling, at most 6 h apart: 8 attempts span about 16 hours).
    WEBHOOK_MAX_ATTEMPTS = _int("WEBHOOK_MAX_ATTEMPTS", 8)
    WEBHOOK_RETRY_BASE_SECONDS = _int("WEBHOOK_RETRY_BASE_SECONDS", 600)
    WEBHOOK_RETRY_MAX_SECONDS = _int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)
    #: deliveries given up in a row before a hook is paused and the admins are told
    WEBHOOK_PAUSE_AFTER = _int("WEBHOOK_PAUSE_AFTER", 5)
    #: seconds to connect, and again to read the answer
    WEBHOOK_TIMEOUT_SECONDS = _int("WEBHOOK_TIMEOUT_SECONDS", 10)
    #: allow hooks to loopback, private and link-local addresses; off, so that a hook
    #: cannot be made to reach the service's own network (SSRF)
    WEBHOOK_ALLOW_PRIVATE = _bool("WEBHOOK_ALLOW_PRIVATE")

    # Surveys: who is invited, and for how long a link works.
    #: days after an invitation during which the customer gets no other (a type may differ)
    INVITATION_COOLDOWN_DAYS = _int("INVITATION_COOLDOWN_DAYS", 30)
    #: days after the email before the one reminder, if still unanswered
    INVITATION_REMINDER_DAYS = _int("INVITATION_REMINDER_DAYS", 3)
    #: days after sending until the link stops working (410)
    INVITATION_LINK_DAYS = _int("INVITATION_LINK_DAYS", 30)
    #: hours after answering during which the customer may still edit the comment
    COMMENT_EDIT_HOURS = _int("COMMENT_EDIT_HOURS", 24)
    # The business calendar's zone until a manager sets one on the queue settings page.
    QUEUE_TIMEZONE = _str("QUEUE_TIMEZONE", "Asia/Shanghai")
    # Resolved cases close (and can no longer be reopened) this many days later.
    CASE_CLOSE_DAYS = _int("CASE_CLOSE_DAYS", 14)
    INVITATION_BATCH_SIZE = _int("INVITATION_BATCH_SIZE", 200)
    # Staff notices that wait (normal and low new cases, and whoever chose the digest)
    # go out as one email per person this often.
    NOTIFY_DIGEST_MINUTES = _int("NOTIFY_DIGEST_MINUTES", 30)

    # Loyalty (feedback.loyalty.definitions).
    #: W: a customer returned when they bought again within this many days of answering
    LOYALTY_WINDOW_DAYS = _int("LOYALTY_WINDOW_DAYS", 90)
    #: ISO 4217 code of the one currency purchase values are in; another is refused
    CURRENCY = (_str("CURRENCY") or "CNY").upper()

    # Customers' phone numbers arrive as people write them and are stored in E.164.
    #: ISO 3166 region (CN, US ...) a number without +country code is read in; with none
    #: such a number cannot be placed and is dropped with a warning (the event is stored)
    PHONE_DEFAULT_REGION = (_str("PHONE_DEFAULT_REGION") or "").upper() or None

    # Sign-in protection: wrong passwords are counted in the database, so every process
    # and every server sees them, over a sliding window, per account and per address.
    SIGN_IN_WINDOW_MINUTES = _int("SIGN_IN_WINDOW_MINUTES", 15)
    #: wrong passwords for one email within the window; then even the right one waits
    SIGN_IN_FAILURES_PER_ACCOUNT = _int("SIGN_IN_FAILURES_PER_ACCOUNT", 5)
    #: wrong passwords from one address within the window: higher, since many staff may
    #: share an office's proxy address
    SIGN_IN_FAILURES_PER_ADDRESS = _int("SIGN_IN_FAILURES_PER_ADDRESS", 50)
    #: number of reverse proxies in front of the app whose X-Forwarded-* to trust
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    #: "keep me signed in" lasts this long; a device unseen this long is signed out too
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_COOKIE_DAYS", 30))
    #: how often a signed-in device's "last seen" is written (not on every request)
    SESSION_SEEN_INTERVAL_SECONDS = _int("SESSION_SEEN_INTERVAL_SECONDS", 300)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Languages and time.
    LANGUAGES = ("en", "zh")
    BABEL_DEFAULT_LOCALE = _str("DEFAULT_LOCALE", "en")
    BABEL_DEFAULT_TIMEZONE = _str("DEFAULT_TIMEZONE", "UTC")
    #: the days of the dashboard's summary tables; a manager in this zone gets the
    #: fastest pages. After changing it, run `flask dashboard rebuild`.
    REPORT_TIMEZONE = _str("REPORT_TIMEZONE") or BABEL_DEFAULT_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "feedback" / "translations")

    # The OpenAPI document, made by flask-smorest from the code.
    API_TITLE = "Feedback API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }

    LOG_LEVEL = _str("LOG_LEVEL", "INFO")
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 1024 * 1024)

    @classmethod
    def check(cls, app_config: dict) -> None:
        """Fill what a development machine can make up; overridden to refuse in production."""
        _check_zones(app_config)
        _check_phone_region(app_config)
        if not app_config.get("SECRET_KEY"):
            app_config["SECRET_KEY"] = _development_secret_key()


def _check_zones(app_config: dict) -> None:
    """A misspelt zone would break every deadline (and so every unhappy answer) later."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    for name in ("QUEUE_TIMEZONE", "BABEL_DEFAULT_TIMEZONE", "REPORT_TIMEZONE"):
        zone = app_config.get(name)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            env = "DEFAULT_TIMEZONE" if name == "BABEL_DEFAULT_TIMEZONE" else name
            raise ConfigError(
                f"{env}={zone!r} is not a time zone; use a name such as Asia/Shanghai"
            ) from None


def _check_phone_region(app_config: dict) -> None:
    """A misspelt region would drop every national number from then on, silently."""
    import phonenumbers

    region = app_config.get("PHONE_DEFAULT_REGION")
    if region and region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(
            f"PHONE_DEFAULT_REGION={region!r} is not a region; use a code such as CN or US"
        )


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"

    #: emailed links must point at the real host, so production has no default
    BASE_URL = (_str("BASE_URL") or "").rstrip("/") or None

    @classmethod
    def check(cls, app_config: dict) -> None:
        """Refuse to start without a strong secret key and a BASE_URL; warn on http."""
        _check_zones(app_config)
        _check_phone_region(app_config)
        missing = [name for name in ("SECRET_KEY", "BASE_URL") if not app_config.get(name)]
        if missing:
            raise ConfigError(
                "FEEDBACK_ENV=production needs "
                + " and ".join(missing)
                + f" set in the environment. {MAKE_A_KEY}"
            )
        # Anyone who learns the key can sign a session cookie as any user.
        if len(app_config["SECRET_KEY"]) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY is too short: production needs a random key of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters (this one has "
                f"{len(app_config['SECRET_KEY'])}). {MAKE_A_KEY}"
            )
        if not app_config["BASE_URL"].startswith("https://"):
            # Warned, not refused: a proxy in front may serve the site over https.
            logging.getLogger("feedback.config").warning(
                "BASE_URL=%s is not https: emailed survey links use http, sign-in cookies "
                "are not marked Secure and no Strict-Transport-Security header is sent. "
                "If a proxy serves the site over https, set BASE_URL to its https:// "
                "address (and PROXY_COUNT to the number of proxies).",
                app_config["BASE_URL"],
            )


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - fixed on purpose, tests only
    SQLALCHEMY_DATABASE_URI = database_url_from_env("sqlite://")
    MAIL_SERVER = None
    OUTBOX_RETRY_BASE_SECONDS = 60


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by FEEDBACK_ENV."""
    name = (_str("FEEDBACK_ENV", "development") or "development").lower()
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise ConfigError(
            f"FEEDBACK_ENV must be one of {', '.join(CONFIGS)}, got {name!r}"
        ) from exc


def _development_secret_key() -> str:
    """A key kept in instance/ so that sign-ins survive a restart of the demo."""
    path = INSTANCE_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
