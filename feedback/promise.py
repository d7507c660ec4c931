"""What the customer is told happens next after an unhappy answer: the thank-you page and
the short email say the same words.

The time is written as the customer reads a time: in the business calendar's zone, named
by a city they know ("by Monday 2:00 PM, Beijing time" / "北京时间 周一 14:00前"), in
their language. Within the coming week the weekday is enough; further away the date too.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from babel import dates as babel_dates
from flask_babel import gettext as _

from feedback.timeutil import utcnow

#: further than this, "Monday" could mean two different days: the date is written too
WEEKDAY_ONLY = timedelta(days=6)


def reply_time(reply_by: datetime, zone: tzinfo, locale: str, now: datetime | None = None) -> str:
    """``reply_by`` as "Monday 2:00 PM" (or "Mon, November 30 2:00 PM" when more than six
    days away), in ``zone`` and ``locale``."""
    local = reply_by.astimezone(zone)
    today = (now or utcnow()).astimezone(zone).date()
    if local.date() - today > WEEKDAY_ONLY:
        day = babel_dates.format_skeleton("MMMMEEEEd", local, locale=locale)
    else:
        day = babel_dates.format_datetime(local, "EEEE", locale=locale)
    return f"{day} {babel_dates.format_time(local, 'short', locale=locale)}"


#: China's time is called Beijing time (北京时间), never Shanghai time, though the zone
#: database names Shanghai; kept as locale data beside CLDR's city names, not as UI text
CHINA_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"})
BEIJING = {"en": "Beijing", "zh": "北京"}


def zone_place(zone: tzinfo, locale: str) -> str:
    """The city that names a time zone for a customer ("Beijing", "北京"; else the zone
    database's city, "Tokyo")."""
    if getattr(zone, "key", None) in CHINA_ZONES:
        return BEIJING.get(str(locale).split("_")[0], BEIJING["en"])
    return babel_dates.get_timezone_location(zone, locale=locale, return_city=True)


def promise_lines(
    reply_by: datetime | None, zone: tzinfo | None, locale: str, now: datetime | None = None
) -> list[str]:
    """The sentences that say what happens next, in the current language (the caller sets
    it): by when the team will contact the customer, or, without a time (the case has had
    its first response already), that the team is on it."""
    lines = [_("We are sorry it was not better.")]
    if reply_by is None or zone is None:
        lines.append(
            _("Our service team is already working on your case and will be in touch with you.")
        )
    else:
        lines.append(
            _(
                "Someone from our service team will contact you by %(when)s, %(place)s time,"
                " at the email address or phone number you gave us.",
                when=reply_time(reply_by, zone, locale, now),
                place=zone_place(zone, locale),
            )
        )
    lines.append(_("You can also reply to our email."))
    return lines
