"""Survey link tokens: 256 random bits, unique, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from feedback.extensions import db
from feedback.surveys.models import Invitation, InvitationToken

#: a token is 43 URL-safe characters; anything far from that is not one of ours
TOKEN_LENGTHS = range(20, 100)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def issue_token(invitation: Invitation) -> str:
    """A new link token for the invitation; returns it once, keeps its hash."""
    token = new_token()
    db.session.add(InvitationToken(invitation=invitation, token_hash=hash_token(token)))
    return token
