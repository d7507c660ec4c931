"""`flask users ...` and `flask apikeys ...`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from feedback.accounts import services
from feedback.accounts.models import API_SCOPES, DEFAULT_API_SCOPES, ApiKey, Role, User
from feedback.extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")
apikeys_cli = AppGroup("apikeys", help="Manage API keys.")


def _read_password() -> str:
    """Prompt twice on a terminal; otherwise take the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.UsageError("give the password on standard input or at the prompt")
    return line


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), required=True, help="What they may do."
)
@click.option("--name", default="", help="Their name, as shown to colleagues.")
def create_user(email: str, role: str, name: str) -> None:
    """Create a staff user; the password comes from a prompt or standard input."""
    password = _read_password()
    try:
        user = services.create_user(email, password, Role(role), name)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


@users_cli.command("list")
def list_users() -> None:
    """List staff users."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.id}\t{user.email}\t{user.role.value}\t{state}")


@apikeys_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    default=",".join(DEFAULT_API_SCOPES),
    show_default=True,
    help=f"What the key may do, comma-separated: {', '.join(API_SCOPES)}.",
)
def create_api_key(name: str, scope: str) -> None:
    """Create an API key and print it once; only its hash is stored."""
    try:
        api_key, secret = services.create_api_key(name, scopes=scope.split(","))
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(secret)
    click.echo(
        f"Key {api_key.id} '{api_key.name}' ({api_key.scopes}). "
        "Store it now: it is not shown again.",
        err=True,
    )


@apikeys_cli.command("list")
def list_api_keys() -> None:
    """List keys by id, name and prefix (never the key)."""
    for key in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        state = "revoked" if key.is_revoked else "live"
        click.echo(f"{key.id}\t{key.name}\t{key.prefix}...\t{key.scopes}\t{state}")


@apikeys_cli.command("revoke")
@click.argument("key_id", type=int)
def revoke_api_key(key_id: int) -> None:
    """Revoke a key by its id."""
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None:
        raise click.ClickException(f"no API key with id {key_id}")
    services.revoke_api_key(api_key)
    db.session.commit()
    click.echo(f"Revoked key {key_id} '{api_key.name}'.")
