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
