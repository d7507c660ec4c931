"""`flask demo`'s comments fit their scores: the analysis of the demo shows what it does."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.complaints.models import Case, CaseEvent
from feedback.extensions import db
from feedback.scoring import mood
from feedback.surveys.demo_comments import COMMENTS
from feedback.surveys.models import Response
from feedback.tagging.models import ResponseTopic
from tests.topic_helpers import ensure_default_topics


def _pool(band: int) -> set[str]:
    return {comment for pools in COMMENTS.values() for comment in pools[band]}


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(table))
        for table in (Response, ResponseTopic, Case, CaseEvent)
    )


def test_demo_comments_fit_their_scores_and_a_second_run_changes_nothing(app, runner):
    ensure_default_topics()  # as `flask db upgrade` installs them
    db.session.commit()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    answers = db.session.execute(
        select(Response.kind, Response.score, Response.comment, Response.locale)
    ).all()
    commented = [a for a in answers if a.comment]
    assert len(commented) > 20
    praise, complaints = _pool(1), _pool(-1)
    for kind, score, comment, locale in commented:
        band = mood(kind.value, score)
        assert not (band == -1 and comment in praise), (kind, score, comment)
        assert not (band == 1 and comment in complaints), (kind, score, comment)
        assert comment in {c for pool in COMMENTS[locale].values() for c in pool}, comment
    bands = {mood(a.kind.value, a.score) for a in commented}
    assert bands == {-1, 0, 1}  # every band has its comments

    counts = _counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "0 created" in second.output
    db.session.expire_all()
    assert _counts() == counts
