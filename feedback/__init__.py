"""The feedback service: surveys after each touchpoint, and a queue for unhappy answers."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | None = None, overrides: dict | None = None) -> Flask:
    """Build the application from a configuration class (default: from FEEDBACK_ENV)."""
    config = config or config_from_env()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config)
    app.config.update(overrides or {})
    from feedback.request_log import configure_logging, register_request_logging
    from feedback.security import register_security_headers

    configure_logging(app)  # first, so that the configuration's warnings are logged
    config.check(app.config)
    app.config["SESSION_COOKIE_SECURE"] = app.config["BASE_URL"].startswith("https://")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_commands(app)
    register_reactions(app)
    register_jobs(app)
    register_errorhandlers(app)
    register_request_logging(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers work while the worker writes; SQLite leaves foreign keys off;
    secure_delete zeroes what is deleted."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL cannot corrupt the database; it skips an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Deleted and overwritten text (an erased customer's) is zeroed, not left in free
        # pages of the file where a copy of the database would still show it.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def render_migration_item(type_, obj, autogen_context):
    """Write our UTC timestamp type into migrations as the plain type it stores as."""
    from feedback.timeutil import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def select_locale() -> str:
    """The signed-in user's choice, else the session's, else the browser's."""
    from flask import current_app
    from flask_login import current_user

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and the worker
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if g.get("page_locale") in languages:  # a customer's survey page
        return g.page_locale
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str | None:
    from flask_login import current_user

    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def register_extensions(app: Flask) -> None:
    from feedback.extensions import api, babel, csrf, db, login_manager, mail, migrate

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        # A newcomer's first run: make instance/ so SQLite can create its file there.
        with contextlib.suppress(OSError):
            Path(uri[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    import feedback.models  # noqa: F401 - every table known to Alembic and create_all

    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        render_item=render_migration_item,
    )
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    api.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to open that page.")

    from feedback.accounts import sessions

    # The cookies carry a UserSession's key: an ended session signs its cookies out.
    login_manager.user_loader(sessions.user_for_key)


def register_url_converters(app: Flask) -> None:
    from feedback.api.records import ExternalIdConverter
    from feedback.urls import IdConverter

    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["external_id"] = ExternalIdConverter


def register_blueprints(app: Flask) -> None:
    import feedback.api.export_routes  # noqa: F401 - adds its route to api_bp
    from feedback.accounts.admin import bp as admin_bp
    from feedback.accounts.routes import bp as accounts_bp
    from feedback.api import erase_routes, loyalty_routes  # noqa: F401 - add routes to api_bp
    from feedback.api.records import ExternalIdConverter  # adds its routes to api_bp
    from feedback.api.routes import bp as api_bp
    from feedback.brand.routes import bp as brand_bp
    from feedback.complaints.configuration.routes import bp as queue_admin_bp
    from feedback.complaints.inbound_routes import bp as inbound_bp
    from feedback.complaints.routes import bp as complaints_bp
    from feedback.core.routes import bp as core_bp
    from feedback.customers import export_page  # noqa: F401 - adds its route to customers_bp
    from feedback.customers.audit_routes import bp as audit_bp
    from feedback.customers.consent_routes import bp as consent_bp
    from feedback.customers.retention_routes import bp as retention_bp
    from feedback.customers.routes import bp as customers_bp
    from feedback.dashboard.routes import bp as dashboard_bp
    from feedback.extensions import api, csrf
    from feedback.loyalty.atrisk_routes import bp as atrisk_bp
    from feedback.loyalty.complaints_routes import bp as loyalty_complaints_bp
    from feedback.loyalty.drivers_routes import bp as loyalty_drivers_bp
    from feedback.loyalty.heatmap_routes import bp as loyalty_heatmap_bp
    from feedback.loyalty.rfm_routes import bp as loyalty_rfm_bp
    from feedback.loyalty.routes import bp as loyalty_bp
    from feedback.loyalty.types_routes import bp as loyalty_types_bp
    from feedback.notify.routes import bp as hooks_bp
    from feedback.outbox.routes import bp as outbox_bp
    from feedback.surveys.public import bp as survey_pages_bp
    from feedback.surveys.staff import bp as surveys_bp
    from feedback.tagging.routes import bp as tagging_bp
    from feedback.urls import MAX_ID, IdConverter

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(brand_bp)
    app.register_blueprint(outbox_bp)
    app.register_blueprint(hooks_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(customers_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(consent_bp)
    app.register_blueprint(tagging_bp)
    app.register_blueprint(complaints_bp)
    app.register_blueprint(inbound_bp)
    app.register_blueprint(queue_admin_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(loyalty_types_bp)
    app.register_blueprint(loyalty_bp)
    app.register_blueprint(loyalty_rfm_bp)
    app.register_blueprint(atrisk_bp)
    app.register_blueprint(loyalty_drivers_bp)
    app.register_blueprint(loyalty_heatmap_bp)
    app.register_blueprint(loyalty_complaints_bp)
    # The survey link and the API key are the credentials there; no session, no CSRF token.
    csrf.exempt(survey_pages_bp)
    csrf.exempt(api_bp)
    app.register_blueprint(survey_pages_bp)
    # How the OpenAPI document describes our URL converters.
    api.register_converter(
        IdConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.register_converter(ExternalIdConverter, lambda _: {"type": "string", "minLength": 1})
    # an imported answer, referred to by the import's list (which reads each one alone)
    from feedback.surveys.imports import PastAnswerSchema

    api.spec.components.schema("PastAnswer", schema=PastAnswerSchema)
    api.register_blueprint(api_bp)


def register_commands(app: Flask) -> None:
    from feedback.accounts.cli import apikeys_cli, users_cli
    from feedback.demo import demo_command
    from feedback.worker import worker_command

    app.cli.add_command(users_cli)
    app.cli.add_command(apikeys_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(demo_command)
    from feedback.surveys.cli import touchpoints_cli

    app.cli.add_command(touchpoints_cli)
    from feedback.surveys.import_cli import responses_cli

    app.cli.add_command(responses_cli)
    from feedback.tagging.cli import analysis_cli

    app.cli.add_command(analysis_cli)
    from feedback.dashboard.cli import dashboard_cli

    app.cli.add_command(dashboard_cli)
    from feedback.complaints.mail_cli import mail_cli

    app.cli.add_command(mail_cli)
    from feedback.notify.cli import webhooks_cli

    app.cli.add_command(webhooks_cli)
    from feedback.loyalty.cli import customers_cli

    app.cli.add_command(customers_cli)


def register_reactions(app: Flask) -> None:
    """Who reacts to which domain event: at once, in the transaction that publishes it, or
    later, in the worker (feedback/events.py; docs/architecture.md says why each is where)."""
    from feedback import events
    from feedback.complaints import followup, promise_email, routing
    from feedback.loyalty import rfm
    from feedback.notify import staff, webhooks
    from feedback.notify.webhook_models import EVENT_TYPES
    from feedback.tagging import services as tagging

    events.on(app, events.AnswerRecorded, routing.route_by_score)
    events.on(app, events.CommentChanged, tagging.forget_tags)
    events.on(app, events.CommentTagged, routing.route_by_comment)
    events.on(app, events.CaseResolved, followup.on_resolved)
    events.later(app, events.AnswerRecorded, "tag_comment", tagging.tag_comment)
    # an imported past answer is only tagged: no case, no notice, no webhook
    events.later(app, events.AnswerImported, "tag_comment", tagging.tag_comment)
    # again in the worker: the request's routing gives up rather than cost the customer
    # their answer (a broken configuration, a deadlock); it files an answer only once
    events.later(app, events.AnswerRecorded, "route_again", routing.route_again)
    events.later(app, events.CommentChanged, "tag_comment", tagging.tag_comment)
    # staff notices (feedback/notify/staff.py): who hears of a case, at once or in a digest
    events.later(app, events.CaseOpened, "notify_staff", staff.on_case_opened)
    events.later(app, events.CaseAssigned, "notify_staff", staff.on_case_assigned)
    events.later(app, events.CustomerReplied, "notify_staff", staff.on_customer_replied)
    events.later(app, events.CaseReopened, "notify_staff", staff.on_case_reopened)
    # after commit: the answer's request sends nothing (and the setting is off by default)
    events.later(app, events.CaseOpened, "promise_email", promise_email.email_promise)
    # a purchase or refund moves that customer's RFM (and computed tier)
    events.later(app, events.PurchaseRecorded, "rfm", rfm.on_purchase)
    # hooks get each event once, posted later by the worker's "webhooks" job
    for event_type in EVENT_TYPES.values():
        events.later(app, event_type, "hooks", webhooks.queue_deliveries)


def register_jobs(app: Flask) -> None:
    from feedback import reactions
    from feedback.accounts import sessions, sign_in_limit
    from feedback.complaints.sweep import sweep
    from feedback.customers.retention import apply_retention
    from feedback.loyalty.rfm import rfm_job
    from feedback.notify import delivery as hooks
    from feedback.notify import digest
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys import invitations
    from feedback.tagging.services import retag_job
    from feedback.worker import register_job

    register_job(app, "events", reactions.process_due, every_seconds=1)
    register_job(app, "invitations", invitations.send_due_invitations)
    register_job(app, "reminders", invitations.send_reminders, every_seconds=60)
    register_job(app, "expiry", invitations.expire_invitations, every_seconds=300)
    register_job(app, "failed_invitations", invitations.note_failed_deliveries, every_seconds=60)
    register_job(app, "retag", retag_job, every_seconds=60)
    register_job(app, "sla_sweep", sweep, every_seconds=60)
    digest_seconds = app.config["NOTIFY_DIGEST_MINUTES"] * 60
    register_job(app, "staff_digest", digest.send_digests, every_seconds=digest_seconds)
    register_job(app, "events_prune", reactions.prune, every_seconds=3600)
    register_job(app, "sign_in_failures_prune", sign_in_limit.prune, every_seconds=600)
    register_job(app, "user_sessions_prune", sessions.prune, every_seconds=3600)
    # personal data older than the admin's retention settings, anonymised (off by default)
    register_job(app, "retention", apply_retention, every_seconds=3600)
    # every customer once a day (claimed in the settings row), and soon after a change
    register_job(app, "rfm", rfm_job, every_seconds=60)
    # SMTP may take its whole timeout to fail: in a lane of its own, it holds up nothing else
    register_job(app, "outbox", deliver_due, lane="network")
    if app.config.get("MAIL_INBOX_URL") or app.config.get("MAIL_INBOX_HOST"):
        from feedback.complaints.imap import fetch_job

        # customers' replies; an IMAP server slow to answer holds up nothing else
        register_job(
            app,
            "mail_fetch",
            fetch_job,
            every_seconds=app.config["MAIL_INBOX_POLL_SECONDS"],
            lane="network",
        )
    register_job(app, "webhooks", hooks.deliver_due, lane="network")


def register_errorhandlers(app: Flask) -> None:
    from feedback.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import (
        format_date,
        format_datetime,
        format_decimal,
        format_percent,
        get_locale,
        get_timezone,
    )

    from feedback.accounts.models import Role, role_label
    from feedback.brand.services import current_brand
    from feedback.complaints.enums import (
        call_outcome_label,
        case_status_label,
        priority_label,
        resolution_label,
    )
    from feedback.notify.webhook_models import delivery_status_label
    from feedback.outbox.models import status_label
    from feedback.surveys.models import (
        delay_label,
        invitation_label,
        language_label,
        sentiment_label,
    )

    app.jinja_env.globals.update(
        Role=Role,
        role_label=role_label,
        brand=current_brand,  # a call, so that only pages and mail that show it read it
        status_label=status_label,
        delivery_status_label=delivery_status_label,
        format_datetime=format_datetime,  # in the viewer's time zone and language
        format_date=format_date,
        format_decimal=format_decimal,
        format_percent=format_percent,
        delay_label=delay_label,
        invitation_label=invitation_label,
        sentiment_label=sentiment_label,
        language_label=language_label,
        priority_label=priority_label,
        case_status_label=case_status_label,
        resolution_label=resolution_label,
        call_outcome_label=call_outcome_label,
    )

    @app.context_processor
    def inject_locale():
        return {
            "current_locale": str(get_locale()),
            "current_timezone": str(get_timezone()),
            "languages": app.config["LANGUAGES"],
        }
