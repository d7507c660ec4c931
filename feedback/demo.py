"""`flask demo`: realistic demo data. Running it twice changes nothing."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from feedback import reactions
from feedback.accounts import services as accounts
from feedback.accounts.models import Role
from feedback.complaints.demo import work_demo_cases
from feedback.extensions import db
from feedback.loyalty.demo import load_demo_history
from feedback.surveys.demo import ensure_default_surveys, load_demo_touchpoints
from feedback.timeutil import utcnow

#: demo sign-ins, printed by `make run`; never loaded in production
DEMO_USERS = [
    ("admin@example.com", "Ada Admin", Role.ADMIN, "demo-admin-pass"),
    ("manager@example.com", "Mei Manager", Role.MANAGER, "demo-manager-pass"),
    ("agent@example.com", "Alex Agent", Role.AGENT, "demo-agent-pass"),
    ("agent2@example.com", "王小明", Role.AGENT, "demo-agent-pass"),
]


def load_demo() -> list[str]:
    """Create what is missing of the demo data; returns a line per thing created."""
    created = []
    for email, name, role, password in DEMO_USERS:
        if accounts.find_user_by_email(email) is None:
            user = accounts.create_user(email, password, role, name)
            if email == "agent2@example.com":
                user.locale = "zh"
                user.timezone = "Asia/Shanghai"
            created.append(f"user {email}")
    db.session.flush()
    # The default topics came with the schema (migration d4c6e8f0a2b3), as in production.
    created += ensure_default_surveys()
    touchpoints = load_demo_touchpoints()
    created += touchpoints
    # A year of purchases and past answers, as a business imports on its first day.
    created += load_demo_history(utcnow())
    # The worker's part, now: tag the demo comments (the comment rules open their cases).
    reactions.process_all()
    if touchpoints:  # only with the demo answers of this run: a second run changes nothing
        created += work_demo_cases()
    return created


@click.command("demo")
@click.option("--force", is_flag=True, help="Load the demo even in production.")
@with_appcontext
def demo_command(force: bool) -> None:
    """Load demo data (idempotent) and print the demo sign-ins."""
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "refusing to load demo accounts with known passwords in production (use --force)"
        )
    created = load_demo()
    db.session.commit()
    click.echo(
        f"Demo data: {len(created)} created"
        + (f" ({', '.join(created)})" if created else ", all present")
    )
    click.echo("Demo sign-ins (unless you changed their passwords):")
    for email, _name, role, password in DEMO_USERS:
        click.echo(f"  {role.value:<8} {email:<22} {password}")
