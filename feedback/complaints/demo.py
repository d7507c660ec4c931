"""Demo history for the queue: most past cases were claimed, answered and resolved by
the demo agents; a few were not, and wait in the queue, some overdue."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from feedback.accounts.models import Role, User
from feedback.complaints.cases import record
from feedback.complaints.models import Case, CaseStatus, ResolutionCode
from feedback.extensions import db
from feedback.timeutil import utcnow

REPLIES = {
    "en": ("About your feedback", "Thank you for telling us, and sorry. We have sorted it out."),
    "zh": ("关于您的反馈", "感谢您的反馈，给您带来不便深表歉意。问题已经处理好了。"),
}


def work_demo_cases() -> list[str]:
    """Give the new cases opened more than a day ago a plausible past: an owner, a reply
    or call, mostly a resolution. Writes history directly (no mail to demo customers)."""
    rng = random.Random(7)  # noqa: S311 - the same demo every time
    agents = [u for u in db.session.scalars(select(User).order_by(User.id)) if u.role is Role.AGENT]
    if not agents:
        return []
    now = utcnow()
    old = select(Case).where(
        Case.status == CaseStatus.NEW, Case.opened_at < now - timedelta(days=1)
    )
    worked = 0
    for case in db.session.scalars(old.order_by(Case.id)).all():
        if rng.random() < 0.15:
            continue  # left in the queue: overdue by now
        agent = rng.choice(agents)
        claimed_at = case.opened_at + timedelta(minutes=rng.randrange(10, 300))
        responded_at = claimed_at + timedelta(minutes=rng.randrange(5, 200))
        case.owner = agent
        case.status = CaseStatus.OPEN
        record(case, "claimed", agent, after=agent.display_name, at=claimed_at)
        record(case, "status", agent, before="new", after="open", at=claimed_at)
        locale = case.customer.locale or "en"
        subject, body = REPLIES.get(locale, REPLIES["en"])
        if rng.random() < 0.3:
            record(case, "call", agent, detail="reached", body=body, at=responded_at)
        else:
            record(case, "reply", agent, detail=subject, body=body, at=responded_at)
        case.first_responded_at = responded_at
        late = responded_at > case.first_response_due_at
        if late:
            case.breached_at = case.first_response_due_at
        record(case, "first_response", agent, after="late" if late else "on time", at=responded_at)
        if rng.random() < 0.85 and responded_at < now - timedelta(hours=2):
            resolved_at = responded_at + timedelta(minutes=rng.randrange(30, 600))
            code = rng.choice(list(ResolutionCode))
            case.status = CaseStatus.RESOLVED
            case.resolved_at = min(resolved_at, now)
            case.resolution_code = code
            record(
                case,
                "status",
                agent,
                before="open",
                after="resolved",
                detail=code.value,
                at=case.resolved_at,
            )
        worked += 1
    db.session.flush()
    return [f"{worked} demo cases worked"] if worked else []
