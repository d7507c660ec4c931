"""What a string from outside may hold before we store it or search with it.

One rule for the API's schemas, the CSV import and the staff pages: PostgreSQL text
cannot hold NUL, a lone surrogate (a JSON "\\ud800") cannot be encoded as UTF-8, and no
person types the other control characters; tab, newline and carriage return stay.
"""

from __future__ import annotations

import re

#: NUL and the other C0 controls but tab, LF and CR; DEL; lone UTF-16 surrogates
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: the message of a refused string (API and CSV; not translated, as the API's others)
MESSAGE = "Must not contain NUL or other control characters."


def is_clean(value: str) -> bool:
    """True when ``value`` holds no character of ``FORBIDDEN``."""
    return FORBIDDEN.search(value) is None


def dirty_strings(value) -> bool:
    """True when any string in a JSON value (keys too, at any depth) is not clean.

    Walks with a stack, not recursion: a JSON body may nest as deep as its parser let it.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_clean(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
