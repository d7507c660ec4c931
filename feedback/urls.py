"""Helpers for URLs taken from the request."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: the largest id a database integer column holds; larger ones would overflow the query
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive whole number small enough to be a row id (else 404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def safe_local_target(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Refuses absolute and scheme-relative URLs, backslashes and control characters:
    browsers drop tabs and newlines from URLs, so "/\\t/evil.example" becomes
    "//evil.example", and a newline would break the Location header.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return fallback
    return target
