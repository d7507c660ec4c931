"""The audit log's filters, read from the query string so that a view can be shared."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, Form, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional

from feedback.accounts.models import ApiKey, User
from feedback.customers.audit_log import ACTION_LABELS
from feedback.dashboard.periods import EARLIEST, LATEST
from feedback.extensions import db
from feedback.forms import NoNulMeta


class AuditFilterForm(Form):
    """No CSRF: GET only, nothing changes."""

    class Meta(NoNulMeta):
        pass

    action = SelectField(
        _l("Action"),
        choices=[
            SelectChoice("", _l("Any action")),
            *(SelectChoice(key, label) for key, label in ACTION_LABELS.items()),
        ],
        validators=[Optional()],
    )
    #: "user-<id>" or "key-<id>"; the choices are read from the database (fill_choices)
    who = SelectField(_l("Who"), validators=[Optional()])
    customer = StringField(
        _l("Customer"),
        description=_l("The customer's number (as in its page's address) or external id."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=120)],
    )
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])

    def fill_choices(self) -> None:
        """Staff members by email, then API keys by name."""
        users = db.session.execute(select(User.id, User.email).order_by(User.email))
        keys = db.session.execute(select(ApiKey.id, ApiKey.name).order_by(ApiKey.name, ApiKey.id))
        self.who.choices = [
            SelectChoice("", _l("Anyone")),
            *(SelectChoice(f"user-{u.id}", u.email) for u in users),
            *(SelectChoice(f"key-{k.id}", _l("API key %(name)s", name=k.name)) for k in keys),
        ]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.start.data, self.end.data
        if start and end and start > end:
            self.end.errors.append(_l("The end date is before the start date."))
        elif any(day and not EARLIEST <= day <= LATEST for day in (start, end)):
            self.end.errors.append(
                _l(
                    "Choose dates from %(earliest)s to %(latest)s.",
                    earliest=EARLIEST.isoformat(),
                    latest=LATEST.isoformat(),
                )
            )
        return not self.end.errors

    def who_ids(self) -> tuple[int | None, int | None]:
        """(user id, API key id) of the chosen actor; (None, None) for anyone."""
        kind, _, number = (self.who.data or "").partition("-")
        if kind == "user":
            return int(number), None
        if kind == "key":
            return None, int(number)
        return None, None
