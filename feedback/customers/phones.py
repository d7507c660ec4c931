"""Customers' phone numbers: read as people write them, stored in E.164, shown readable.

Google's libphonenumber (the ``phonenumbers`` port) knows every country's numbering plan;
a hand-written pattern would accept numbers no phone can dial and refuse real ones.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

#: longer than any number a person writes, extension and spaces included: not parsed
LONGEST_INPUT = 64
#: digits a staff search needs before it also looks in phone numbers
MIN_SEARCH_DIGITS = 4


@dataclass(frozen=True)
class PhoneReading:
    """A number as given, read: ``e164`` when valid, else ``problem`` says why not."""

    e164: str | None
    problem: str | None = None


def read_phone(raw: str, default_region: str | None) -> PhoneReading:
    """Read ``raw`` ("+86 138 0013 8000", "(415) 555-0132", full-width digits ...).

    A number without a country code is read in ``default_region`` (an ISO 3166 code such
    as CN); without one it cannot be placed and is refused. A number phonenumbers judges
    invalid for its country is refused, not merely one of an impossible length: a number
    no one can dial is no use to an agent. An extension is dropped (E.164 has none).
    """
    if len(raw) > LONGEST_INPUT:
        return PhoneReading(None, f"Longer than {LONGEST_INPUT} characters: not a phone number.")
    try:
        number = phonenumbers.parse(raw, default_region)
    except NumberParseException as error:
        international = raw.lstrip().startswith(("+", "\uff0b"))  # full-width plus too
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE and international:
            return PhoneReading(None, "Unknown country code.")
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            return PhoneReading(
                None,
                "No country code: write it as +<country code> <number>"
                + ("." if default_region else ", or set PHONE_DEFAULT_REGION."),
            )
        return PhoneReading(None, "Not a phone number.")
    if not phonenumbers.is_valid_number(number):
        return PhoneReading(None, "Not a valid phone number for its country.")
    return PhoneReading(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def readable(e164: str) -> str:
    """A stored number as people read it: "+86 138 0013 8000", "+1 415-555-0132"."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164  # stored by hand or by an older version: show it as it is
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def phone_digits(search: str) -> str | None:
    """The digits of a search that reads as part of a phone number ("138 0013",
    "(415) 555-0132", full-width digits too), or None: too few digits would match
    half the customers by their numbers when staff look for an id like "c-42"."""
    if any(ch.isalpha() for ch in search):
        return None
    digits = "".join(str(unicodedata.decimal(ch)) for ch in search if ch.isdecimal())
    return digits if len(digits) >= MIN_SEARCH_DIGITS else None
