"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

from feedback import create_app

app = create_app()
