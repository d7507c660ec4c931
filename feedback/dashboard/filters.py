"""The manager's filters of the dashboard, its export and the score API, as conditions
on any table with the four dimension columns (summaries and answers alike)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam


@dataclass(frozen=True)
class Filters:
    """The manager's filters; None means any."""

    survey_id: int | None = None
    touchpoint_type_id: int | None = None
    tier: str | None = None
    locale: str | None = None
    #: the follow-up CSAT after a complaint: reported apart, unless asked for by name
    followup_survey_id: int | None = None

    def where(self, table) -> list:
        """Conditions on a table with the four dimension columns."""
        params = self.params()
        return [_condition(table, name, params[name]) for name in self.shape()]

    def shape(self) -> tuple[str, ...]:
        """The names of the conditions that apply, for a statement built once per shape
        (see bound): the same conditions as where."""
        names = []
        if self.survey_id is not None:
            names.append("survey_id")
        elif self.followup_survey_id is not None:
            names.append("not_survey_id")
        for name in ("touchpoint_type_id", "tier", "locale"):
            if getattr(self, name) is not None:
                names.append(name)
        return tuple(names)

    def params(self) -> dict[str, object]:
        """The values of bound(table, self.shape())."""
        values = {
            "survey_id": self.survey_id,
            "not_survey_id": self.followup_survey_id,
            "touchpoint_type_id": self.touchpoint_type_id,
            "tier": self.tier,
            "locale": self.locale,
        }
        return {name: values[name] for name in self.shape()}


def bound(table, shape: tuple[str, ...]) -> list:
    """Filters.where with parameters in place of the values (named as in Filters.params)."""
    return [_condition(table, name, bindparam(name)) for name in shape]


def _condition(table, name: str, value):
    if name == "not_survey_id":  # the follow-up survey is reported apart
        return table.c.survey_id != value
    return table.c[name] == value
