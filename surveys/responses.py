"""Recording answers: one response per invitation, a new answer replacing the old one."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from surveys import clock
from surveys.db import insert_for
from surveys.errors import NotFoundError, ValidationError
from surveys.models import Invitation, Response
from surveys.scoring import validate_score

MAX_COMMENT_LENGTH = 5000


def record_answer(session: Session, invitation: Invitation, score: int, *, channel: str) -> int:
    """Store ``score`` as the invitation's answer, replacing an earlier one; returns the id.

    One atomic upsert on the invitation's unique key, so any number of concurrent submissions
    leave exactly one response, carrying the last score. A changed answer is marked unprocessed
    (its revision bumped) so the pipeline looks at it again. Does not commit.

    :raises InvalidScoreError: the score is not on the survey's scale.
    """
    validate_score(invitation.survey.kind, score)
    now = clock.now()
    insert = insert_for(session, Response)
    stmt = insert.values(
        invitation_id=invitation.id,
        survey_id=invitation.survey_id,
        customer_id=invitation.customer_id,
        score=score,
        channel=channel,
        stage=invitation.customer.stage,
        revision=1,
        answered_at=now,
        updated_at=now,
    ).on_conflict_do_update(
        index_elements=[Response.invitation_id],
        set_={
            "score": insert.excluded.score,
            "revision": Response.revision + 1,
            "updated_at": insert.excluded.updated_at,
            "processed_at": None,
        },
    )
    response_id = session.execute(stmt.returning(Response.id)).scalar_one()
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status != "answered")
        .values(status="answered", answered_at=now)
    )
    return response_id


def add_comment(session: Session, invitation: Invitation, comment: str) -> int:
    """Attach the respondent's "why" to their response; returns the response id.

    :raises NotFoundError: there is no answer yet to comment on.
    :raises ValidationError: the comment is too long.
    """
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            f"Please keep the comment under {MAX_COMMENT_LENGTH} characters.",
            fields={"comment": "too long"},
        )
    response_id = session.scalar(select(Response.id).where(Response.invitation_id == invitation.id))
    if response_id is None:
        raise NotFoundError("Choose a score first.")
    session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(
            comment=comment or None,
            revision=Response.revision + 1,
            updated_at=clock.now(),
            processed_at=None,
        )
    )
    return response_id


def response_for(session: Session, invitation: Invitation) -> Response | None:
    return session.scalars(
        select(Response).where(Response.invitation_id == invitation.id)
    ).one_or_none()
