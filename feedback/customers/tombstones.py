"""Tombstones: what stays of an erased person, and how a value is matched against them.

A tombstone holds HMAC-SHA256 digests, keyed with SECRET_KEY, of the erased external id
and email address. Without the key nobody can test a guess against them; with it, the
service can tell that a touchpoint, an import or a second erase is about someone erased.
Rotating SECRET_KEY makes the existing tombstones unreadable (said in docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import or_, select

from feedback.customers.models import Tombstone
from feedback.extensions import db


def fingerprint(kind: str, value: str) -> str:
    """The keyed hash of an external id (kind "external_id") or an email ("email")."""
    if kind == "email":
        value = value.strip().lower()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"tombstone:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def find_tombstone(external_id: str | None = None, email: str | None = None) -> Tombstone | None:
    """The tombstone of an erased person with this external id or email, or None."""
    matches = []
    if external_id:
        matches.append(Tombstone.external_id_hash == fingerprint("external_id", external_id))
    if email:
        matches.append(Tombstone.email_hash == fingerprint("email", email))
    if not matches:
        return None
    return db.session.scalars(select(Tombstone).where(or_(*matches)).limit(1)).first()


def erased_digests(external_ids: Iterable[str], emails: Iterable[str]) -> set[str]:
    """Of these external ids' and emails' keyed hashes, those a tombstone holds: for a
    batch, one query per 500 values of each kind rather than one per row."""
    found: set[str] = set()
    for kind, column, values in (
        ("external_id", Tombstone.external_id_hash, external_ids),
        ("email", Tombstone.email_hash, emails),
    ):
        digests = sorted({fingerprint(kind, value) for value in values if value})
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            found.update(db.session.scalars(select(column).where(column.in_(chunk))))
    return found


def add_tombstone(external_id: str, email: str | None) -> Tombstone:
    """Record an erased person's hashes (the caller flushes and commits)."""
    tombstone = Tombstone(
        external_id_hash=fingerprint("external_id", external_id),
        email_hash=fingerprint("email", email) if email else None,
    )
    db.session.add(tombstone)
    return tombstone
