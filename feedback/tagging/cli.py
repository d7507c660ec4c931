"""`flask analysis retag` after the taxonomy or an analyzer changes; `flask analysis try`."""

from __future__ import annotations

import json
import os
import socket

import click
from flask.cli import AppGroup

from feedback.analysis import analyze
from feedback.extensions import db
from feedback.tagging import services

analysis_cli = AppGroup("analysis", help="Comment analysis: language, sentiment, topics.")


@analysis_cli.command("retag")
@click.option(
    "--stale-only",
    is_flag=True,
    help="Only comments tagged before the last change of the topics (what the worker does "
    "by itself every minute).",
)
@click.option("--batch-size", default=services.RETAG_BATCH, show_default=True, type=int)
def retag(stale_only: bool, batch_size: int) -> None:
    """Tag stored comments again with the current topics and analyzers, in batches
    (committed one by one: stopping halfway keeps what is done)."""
    if batch_size < 1:
        raise click.BadParameter("must be at least 1", param_hint="--batch-size")
    owner = f"cli@{socket.gethostname()}:{os.getpid()}"
    holder = services.take_retag_lease(owner)
    if holder is not None:
        raise click.ClickException(f"{holder} is re-tagging now; try again when it is done")
    total = services.count_to_retag(stale_only)
    done = 0
    try:
        with click.progressbar(length=total, label="Re-tagging", show_pos=True) as bar:
            for count in services.retag(stale_only=stale_only, batch_size=batch_size):
                if not services.renew_retag_lease(owner):
                    db.session.rollback()
                    raise click.ClickException("another run took over the lease; stopped")
                db.session.commit()
                done += count
                bar.update(count)
        db.session.commit()
    finally:
        db.session.rollback()
        services.release_retag_lease(owner)
    click.echo(f"Re-tagged {done} responses.")


@analysis_cli.command("try")
@click.argument("text")
def try_text(text: str) -> None:
    """Show what the analysis makes of TEXT, with the current topics."""
    taxonomy, _ = services.current_taxonomy()
    found = analyze(text, taxonomy)
    click.echo(json.dumps(found.__dict__, ensure_ascii=False))
