"""What a web worker loads before its first request, not during a customer's answer."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger("feedback")


def load_caches(app: Flask) -> None:
    """Compile the topic taxonomy and the queue's rules and business calendar (importing
    the holidays package's country module is a tenth of a second) into the caches the
    answer page reads. With gunicorn --preload this runs once, before the workers fork;
    the database connections it opened are closed so that no worker shares one. A
    database that is not there yet (before `flask db upgrade`) only skips this."""
    from feedback.complaints.settings import queue_config
    from feedback.extensions import db
    from feedback.tagging.services import current_taxonomy

    with app.app_context():
        try:
            current_taxonomy()
            queue_config()
            db.session.commit()
        except Exception as error:  # the first requests will load them instead
            db.session.rollback()
            log.warning("warmup.skipped error=%s", error.__class__.__name__)
        finally:
            db.session.remove()
            db.engine.dispose()
