"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

import os

from feedback import create_app

app = create_app()

if os.environ.get("FLASK_RUN_FROM_CLI") != "true" and app.config["ANALYSIS_WARM_UP"]:
    # Under gunicorn: load the comment analysis models when the worker starts (once per
    # process; shared by the workers with --preload), not on a customer's answer. CLI
    # commands load them only when they need them.
    from feedback.analysis import warm_up

    warm_up()
    from feedback.warmup import load_caches

    load_caches(app)
    import gc

    # The models are a few million long-lived objects: a full collection walking them
    # stalls a request for ~100 ms, and touching them after the fork copies the pages
    # the workers would otherwise share. Frozen, the collector leaves them alone.
    gc.collect()
    gc.freeze()
