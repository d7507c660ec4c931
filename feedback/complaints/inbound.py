"""Inbound mail: one customer's message stored on its case.

A placeholder on the IMAP branch: the "inbound" branch of issue #21 replaces this module
with the real ``receive`` (it stores the message, adds and flushes, and is idempotent for
the same message); `flask mail fetch` and the worker's ``mail_fetch`` job call it.
"""

from __future__ import annotations


def receive(raw: bytes) -> object:
    """Store one RFC 822 message (not on this branch yet)."""
    raise NotImplementedError("inbound mail is stored by the inbound branch's receive()")
