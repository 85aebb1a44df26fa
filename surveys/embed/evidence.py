"""What the widget saw of a survey lately: the admin's evidence before switching ``enforce`` on.

Refusals are kept for a month (``surveys.embed.identity``), so the evidence covers the last
30 days: the refusals counted by reason, enforced or only logged (report-only), the latest
ones with their origin and the customer id the page claimed, and the widget's answers by
identity (signed, unverified, anonymous), and how often it opened for a customer and how often
it was dismissed unanswered.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.models import REFUSAL_REASONS, Customer, EmbedRefusal, Invitation, Response

WINDOW = timedelta(days=30)
LATEST = 20
EMBED_IDENTITIES = ("signed", "unverified", "anonymous")


@dataclass(frozen=True)
class RefusalCount:
    reason: str
    enforced: int  # refused: nothing stored
    logged: int  # report-only: let through as "unverified"

    @property
    def total(self) -> int:
        return self.enforced + self.logged


@dataclass(frozen=True)
class Evidence:
    since: datetime
    refusals: list[RefusalCount]  # every reason, in REFUSAL_REASONS order, zeros included
    latest: list[EmbedRefusal]  # newest first, at most LATEST
    answers: dict[str, int] = field(default_factory=dict)  # by identity, zeros included
    # The widget's own invitations (it opened for a known customer), and those dismissed.
    displays: int = 0
    dismissals: int = 0

    @property
    def refused_total(self) -> int:
        return sum(count.total for count in self.refusals)

    @property
    def answers_total(self) -> int:
        return sum(self.answers.values())


def embed_evidence(session: Session, survey_id: int, now: datetime) -> Evidence:
    """The last 30 days of the survey's widget: refusals by reason and the widget's answers.

    Reads only; four queries however much traffic there was.
    """
    since = now - WINDOW
    counts: dict[tuple[str, bool], int] = {
        (reason, enforced): number
        for reason, enforced, number in session.execute(
            select(EmbedRefusal.reason, EmbedRefusal.enforced, func.count())
            .where(EmbedRefusal.survey_id == survey_id, EmbedRefusal.at >= since)
            .group_by(EmbedRefusal.reason, EmbedRefusal.enforced)
        )
    }
    latest = list(
        session.scalars(
            select(EmbedRefusal)
            .where(EmbedRefusal.survey_id == survey_id, EmbedRefusal.at >= since)
            .order_by(EmbedRefusal.at.desc(), EmbedRefusal.id.desc())
            .limit(LATEST)
        )
    )
    answered = dict(
        session.execute(
            select(Response.identity, func.count())
            .where(
                Response.survey_id == survey_id,
                Response.channel == "embed",
                Response.answered_at >= since,
            )
            .group_by(Response.identity)
        ).all()
    )
    displays, dismissals = session.execute(
        select(func.count(), func.count().filter(Invitation.status == "dismissed"))
        .join(Customer, Customer.id == Invitation.customer_id)
        .where(
            Invitation.survey_id == survey_id,
            Invitation.channel == "embed",
            Invitation.sent_at >= since,
            Customer.anonymous.is_(False),
        )
    ).one()
    return Evidence(
        since=since,
        displays=displays,
        dismissals=dismissals,
        refusals=[
            RefusalCount(reason, counts.get((reason, True), 0), counts.get((reason, False), 0))
            for reason in REFUSAL_REASONS
        ],
        latest=latest,
        answers={identity: answered.get(identity, 0) for identity in EMBED_IDENTITIES},
    )
