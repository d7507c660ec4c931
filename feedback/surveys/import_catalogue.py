"""The surveys, touchpoint types and first triggers that imported past answers name
(feedback.surveys.imports), read once a request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from feedback.extensions import db
from feedback.surveys.models import Survey, SurveyTrigger, TouchpointType

if TYPE_CHECKING:
    from feedback.surveys.imports import PastAnswer


@dataclass
class Catalogue:
    """The surveys, touchpoint types and first triggers that rows name, read once."""

    surveys: dict[int, Survey]
    types: dict[str, TouchpointType]
    first_trigger_type: dict[int, int]

    @classmethod
    def read(cls) -> Catalogue:
        surveys = {s.id: s for s in db.session.scalars(select(Survey))}
        types = {t.key: t for t in db.session.scalars(select(TouchpointType))}
        first: dict[int, int] = {}
        triggers = select(SurveyTrigger).order_by(SurveyTrigger.id)
        for trigger in db.session.scalars(triggers):
            first.setdefault(trigger.survey_id, trigger.touchpoint_type_id)
        return cls(surveys, types, first)

    def survey(self, ref: int | str) -> Survey | None:
        if isinstance(ref, str):
            named = [s for s in self.surveys.values() if s.name == ref]
            if named:
                return min(named, key=lambda s: s.id)
            # ASCII digits only: str.isdigit() also takes "²", which int() refuses
            is_id = ref.isascii() and ref.isdigit() and len(ref) < 10
            return self.surveys.get(int(ref)) if is_id else None
        return self.surveys.get(ref)

    def resolve(self, row: PastAnswer) -> tuple[Survey, int] | dict:
        """The row's survey and touchpoint type id, or its field errors."""
        survey = self.survey(row.survey)
        if survey is None:
            known = ", ".join(sorted(s.name for s in self.surveys.values())) or "none yet"
            return {"survey": [f"Unknown survey {row.survey!r}. Known surveys: {known}."]}
        errors: dict = {}
        if row.score not in survey.kind.scale:
            scale = survey.kind.scale
            errors["score"] = [
                f"Must be between {scale.start} and {scale.stop - 1} for a "
                f"{survey.kind.value.upper()} survey."
            ]
        type_id = None
        if row.touchpoint is not None:
            touchpoint = self.types.get(row.touchpoint)
            if touchpoint is None:
                known = ", ".join(sorted(self.types)) or "none yet"
                errors["touchpoint"] = [
                    f"Unknown touchpoint type {row.touchpoint!r}. Known types: {known}."
                ]
            else:
                type_id = touchpoint.id
        else:
            type_id = self.first_trigger_type.get(survey.id)
            if type_id is None:
                errors["touchpoint"] = [
                    f"The survey {survey.name!r} has no trigger to take the touchpoint "
                    "from: give the touchpoint."
                ]
        return errors or (survey, type_id)
