"""Rendered invitation emails, compared with checked-in expected text (read by a person)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.surveys.demo import SURVEYS
from feedback.surveys.email import EmailRenderer, render_invitation
from feedback.surveys.models import Survey

EXPECTED = Path(__file__).parent / "expected"


@pytest.mark.parametrize(
    ("spec", "locale", "name"), [(SURVEYS[0], "en", "Ann"), (SURVEYS[1], "zh", "王伟")]
)
def test_invitation_text_matches_the_checked_in_copy(app, spec, locale, name):
    app.config["BASE_URL"] = "https://feedback.example.com"
    survey = Survey(id=1, **{k: v for k, v in spec.items() if k != "triggers"})
    expected = (EXPECTED / f"invitation_{survey.kind.value}_{locale}.txt").read_text()
    for email in (
        render_invitation(survey, locale, "TOKEN", name),
        EmailRenderer().render(survey, locale, "TOKEN", name),  # the worker's batch path
    ):
        assert f"Subject: {email.subject}\n\n{email.text}" == expected


def _case_mail(app, which: str, locale: str, timezone: str):
    """A case's due-soon warning or escalation as its reader gets it."""
    from datetime import UTC, datetime

    from feedback.accounts.models import Role, User
    from feedback.complaints import email
    from feedback.complaints.models import Case, CasePriority
    from feedback.customers.models import Customer

    app.config["BASE_URL"] = "https://feedback.example.com"
    reader = User(
        email="mei@example.com", name="Mei", role=Role.MANAGER, locale=locale, timezone=timezone
    )
    case = Case(
        id=42,
        customer=Customer(external_id="c-1", name="Ann Lee", email="ann@example.com"),
        priority=CasePriority.HIGH,
        first_response_due_at=datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
    )
    if which == "warning":
        return email.warning_message(case, reader)
    return email.escalation_message(case, reader, "first_response")


@pytest.mark.parametrize(
    ("which", "locale", "timezone"),
    [("warning", "en", "Europe/London"), ("escalation", "zh", "Asia/Shanghai")],
)
def test_case_mail_to_staff_matches_the_checked_in_copy(app, which, locale, timezone):
    message = _case_mail(app, which, locale, timezone)
    expected = (EXPECTED / f"case_{which}_{locale}.txt").read_text()
    assert f"Subject: {message.subject}\n\n{message.text}" == expected
