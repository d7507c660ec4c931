"""Drivers: which topics of the comments go with unhappy answers rather than happy ones,
and how many points each costs. Counted from the daily summaries (score_days for the
answers and comments of each group, topic_days for the topics), per kind of survey.

For a kind (NPS, CSAT, CES) and a topic, the 2x2 table of the answers with a comment:
a = unhappy answers (detractors; dissatisfied; hard) whose comment has the topic, b = the
other unhappy ones, c = happy answers (promoters; satisfied; easy) with the topic, d = the
other happy ones. Its odds ratio says how much likelier the topic is in an unhappy
comment; the points are what the score would gain if those a answers had been neutral:
for NPS, the NPS had the topic's detractors been passives minus the NPS, 100 * a / n
(n: every answer of the kind); for CSAT and CES, the percentage points of unhappy answers
with the topic, also 100 * a / n.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from feedback import intervals
from feedback.dashboard import queries
from feedback.dashboard.answers import Filters
from feedback.dashboard.models import SCORES
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.loyalty.definitions import GROUP_LABELS, GROUPS
from feedback.surveys.models import Survey, SurveyKind
from feedback.tagging.models import Topic

#: what drivers read of score_days: the answers per score, then comments by group
_METRICS = (*(f"s{score}" for score in SCORES), "comments_unhappy", "comments_happy")


def points(unhappy_with_topic: int, n: int) -> float | None:
    """The points a topic costs: 100 * a / n (see the module's docstring); None with no
    answers."""
    return 100.0 * unhappy_with_topic / n if n else None


@dataclass
class Driver:
    """One topic's 2x2 table and what it says."""

    topic_id: int
    key: str
    name: str
    #: unhappy and happy answers whose comment has the topic (a and c)
    unhappy: int
    happy: int
    #: unhappy and happy answers with a comment (a + b, c + d)
    unhappy_comments: int
    happy_comments: int
    #: every answer of the kind in the period
    n: int

    @property
    def unhappy_share(self) -> float | None:
        """The share (0-1) of unhappy comments that have the topic."""
        return self.unhappy / self.unhappy_comments if self.unhappy_comments else None

    @property
    def happy_share(self) -> float | None:
        """The share (0-1) of happy comments that have the topic."""
        return self.happy / self.happy_comments if self.happy_comments else None

    @property
    def odds(self) -> intervals.OddsRatio | None:
        """The odds ratio of the topic in unhappy against happy comments; None while
        either group has no comment."""
        if not self.unhappy_comments or not self.happy_comments:
            return None
        return intervals.odds_ratio(
            self.unhappy,
            self.unhappy_comments - self.unhappy,
            self.happy,
            self.happy_comments - self.happy,
        )

    @property
    def points(self) -> float | None:
        """The points the topic costs."""
        return points(self.unhappy, self.n)


@dataclass
class Drivers:
    """The drivers of one kind: the answers and comments counted, topics by points."""

    kind: SurveyKind
    n: int
    unhappy_comments: int
    happy_comments: int
    topics: list[Driver]


def drivers(
    period: Period,
    filters: Filters,
    zone: str,
    kind: SurveyKind,
    locale: str,
    kinds: dict[int, SurveyKind] | None = None,
) -> Drivers:
    """The drivers of the answers of ``kind`` in the period, the most points first;
    ``kinds`` is each survey's kind by id (read when not given)."""
    if kinds is None:
        kinds = dict(db.session.execute(select(Survey.id, Survey.kind)).all())
    ours = {survey_id for survey_id, each in kinds.items() if each == kind}
    n = unhappy = happy = 0
    for (_index, survey_id), vector in queries.scores(
        [period], filters, zone, ("survey_id",), _METRICS
    ).items():
        if survey_id in ours:
            n += sum(vector[: len(SCORES)])
            unhappy += vector[-2]
            happy += vector[-1]
    counts: dict[int, list[int]] = {}
    for (survey_id, topic_id, mood), answers in queries.topics(period, filters, zone).items():
        if survey_id in ours and mood != 0 and answers > 0:
            counts.setdefault(topic_id, [0, 0])[0 if mood < 0 else 1] += answers
    topics = {}
    if counts:
        rows = db.session.execute(select(Topic).where(Topic.id.in_(counts))).scalars()
        topics = {topic.id: topic for topic in rows}
    rows = [
        Driver(
            topic_id=topic_id,
            key=topics[topic_id].key,
            name=topics[topic_id].name(locale),
            unhappy=a,
            happy=c,
            unhappy_comments=unhappy,
            happy_comments=happy,
            n=n,
        )
        for topic_id, (a, c) in counts.items()
        if topic_id in topics
    ]
    rows.sort(key=lambda row: (-(row.points or 0), -row.happy, row.name))
    return Drivers(kind, n, unhappy, happy, rows)


def dashboard_kind(filters: Filters, kinds: dict[int, SurveyKind]) -> SurveyKind:
    """The kind whose drivers the dashboard shows: the filtered survey's, else NPS."""
    return kinds.get(filters.survey_id, SurveyKind.NPS)


def group_labels(kind: SurveyKind) -> tuple[str, str]:
    """The names of the unhappy and the happy group of a kind (Detractors, Promoters ...)."""
    groups = GROUPS[kind.value]
    return str(GROUP_LABELS[groups[-1]]), str(GROUP_LABELS[groups[1]])


def answer_links(period: Period, args: dict) -> dict:
    """The Answers list's filters for the answers of a period and the page's filters
    (``args``: the filter form's shared_args())."""
    links = {"start": period.first.isoformat(), "end": period.last.isoformat()}
    links.update({name: args[name] for name in ("survey", "touchpoint", "tier") if args.get(name)})
    if args.get("language"):  # the language answered in: the Answers list's ``locale``
        links["locale"] = args["language"]
    return links
