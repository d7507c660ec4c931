"""`flask webhooks ...`: create and list outbound webhooks."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.addresses import RefusedAddress
from feedback.notify.webhook_models import EVENT_TYPES, Hook, HookKind

webhooks_cli = AppGroup("webhooks", help="Manage outbound webhooks and work-chat hooks.")


@webhooks_cli.command("create")
@click.argument("url")
@click.option(
    "--events",
    "event_names",
    required=True,
    help=f"Comma-separated: {','.join(EVENT_TYPES)}.",
)
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in HookKind]),
    default=HookKind.WEBHOOK.value,
    show_default=True,
)
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--secret", default=None, help="DingTalk's or Feishu's signing secret.")
def create(url: str, event_names: str, kind: str, language: str, secret: str | None) -> None:
    """Create a hook; a webhook's signing secret is printed once."""
    names = [name.strip() for name in event_names.split(",") if name.strip()]
    try:
        hook = webhooks.create_hook(HookKind(kind), url, names, language=language, secret=secret)
    except (RefusedAddress, webhooks.HookError) as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Hook {hook.id}: {hook.shown_url} ({', '.join(hook.events)})")
    if hook.kind is HookKind.WEBHOOK:
        click.echo(hook.secret)
        click.echo("The signing secret above is not shown again.", err=True)


@webhooks_cli.command("list")
def list_hooks() -> None:
    """List hooks by id, kind, URL (without its query), events and state; never secrets."""
    for hook in db.session.scalars(select(Hook).order_by(Hook.id)):
        state = "paused" if hook.paused else "active"
        click.echo(
            f"{hook.id}\t{hook.kind.value}\t{hook.shown_url}\t{','.join(hook.events)}\t{state}"
        )
