"""Recording answers: one response per invitation, a new answer replacing the old one."""

import functools
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from surveys.catalog.scoring import validate_score
from surveys.kernel import clock
from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.db import dialect_insert
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.models import Invitation, Response
from surveys.models.rollups import touch_stale
from surveys.webhooks import emit

MAX_COMMENT_LENGTH = 5000
# One message per response: the worker buffers them and processes each burst as one batch.
PROCESS_TASK = "kaiku.process_response"


def record_answer(
    session: Session, invitation: Invitation, score: int, *, channel: str, identity: str = "link"
) -> int:
    """Store ``score`` as the invitation's answer, replacing an earlier one; returns the id.

    One atomic upsert on the invitation's unique key, so any number of concurrent submissions
    leave exactly one response, carrying the last score (and channel, and ``identity``: who
    answered, ``surveys.models.IDENTITIES``; the anonymous widget visitor has no stage). A
    changed answer is marked unprocessed (its revision bumped) so the pipeline looks at it
    again; the invitation is marked answered.
    Does not commit; registers the response's processing to run after the commit.

    :raises InvalidScoreError: the score is not on the survey's scale.
    """
    validate_score(invitation.survey.kind, score)
    now = clock.now()
    dialect = session.get_bind().dialect.name
    params = {
        "p_invitation": invitation.id,
        "p_survey": invitation.survey_id,
        "p_customer": invitation.customer_id,
        "p_score": score,
        "p_channel": channel,
        "p_identity": identity,
        "p_stage": None if invitation.customer.anonymous else invitation.customer.stage,
        "p_now": now,
    }
    response_id, answered_at = session.execute(_answer_statement(dialect), params).one()
    if dialect != "postgresql" and invitation.status != "answered":
        session.execute(_mark_answered(), {"p_invitation": invitation.id, "p_now": now})
    # The figures are exact at once: the answer's day and its invitation's send day are read
    # from the raw rows until the worker recounts them.
    cells = [(invitation.survey_id, _utc_day(answered_at))]
    if invitation.sent_at is not None:
        cells.append((invitation.survey_id, _utc_day(invitation.sent_at)))
    touch_stale(session, cells)
    run_after_commit(session, PROCESS_TASK, [response_id])
    emit(
        session,
        "response.created",
        {
            "response_id": response_id,
            "survey_id": invitation.survey_id,
            "customer": None if invitation.customer.anonymous else invitation.customer.external_id,
            "score": score,
            "channel": channel,
            "answered_at": answered_at,
        },
    )
    return response_id


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


@functools.cache
def _answer_statement(dialect: str):
    """The answer upsert, built once per dialect: it is on the hottest path there is.

    On PostgreSQL it also marks the invitation answered in the same round trip (a data-modifying
    CTE); on SQLite the caller runs ``_mark_answered`` after it.
    """
    table = Response.__table__
    insert = dialect_insert(dialect, table).values(
        invitation_id=bindparam("p_invitation"),
        survey_id=bindparam("p_survey"),
        customer_id=bindparam("p_customer"),
        score=bindparam("p_score"),
        channel=bindparam("p_channel"),
        identity=bindparam("p_identity"),
        stage=bindparam("p_stage"),
        revision=1,
        answered_at=bindparam("p_now"),
        updated_at=bindparam("p_now"),
    )
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.invitation_id],
        set_={
            "score": insert.excluded.score,
            "channel": insert.excluded.channel,
            "identity": insert.excluded.identity,
            "revision": table.c.revision + 1,
            "updated_at": insert.excluded.updated_at,
            "processed_at": None,
        },
    ).returning(table.c.id, table.c.answered_at)
    if dialect != "postgresql":
        return upsert
    answered = upsert.cte("answered")
    return select(answered.c.id, answered.c.answered_at).add_cte(_mark_answered().cte("marked"))


@functools.cache
def _mark_answered():
    invitations = Invitation.__table__
    return (
        update(invitations)
        .where(
            invitations.c.id == bindparam("p_invitation"),
            invitations.c.status != "answered",
        )
        .values(status="answered", answered_at=bindparam("p_now"))
    )


def add_comment(session: Session, invitation: Invitation, comment: str) -> int:
    """Attach the respondent's "why" to their response; returns the response id. Registers the
    response's processing (again) to run after the commit.

    :raises NotFoundError: there is no answer yet to comment on.
    :raises ValidationError: the comment is too long.
    """
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            f"Please keep the comment under {MAX_COMMENT_LENGTH} characters.",
            fields={"comment": "too long"},
        )
    found = session.execute(
        select(Response.id, Response.answered_at).where(Response.invitation_id == invitation.id)
    ).one_or_none()
    if found is None:
        raise NotFoundError("Choose a score first.")
    response_id = found.id
    touch_stale(session, [(invitation.survey_id, _utc_day(found.answered_at))])
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
    run_after_commit(session, PROCESS_TASK, [response_id])
    return response_id


def response_for(session: Session, invitation: Invitation) -> Response | None:
    return session.scalars(
        select(Response).where(Response.invitation_id == invitation.id)
    ).one_or_none()
