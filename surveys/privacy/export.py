"""Everything Kaiku holds about one customer, as one JSON document (the GDPR right of access).

The document's ``schema_version`` changes when a key is renamed or removed (adding one does
not). Rows are written out column by column (``row_json``), so a column added to a model is
exported without anyone remembering to; only the link tokens' hashes are left out, which are
Kaiku's keys, not facts about the person.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import (
    Customer,
    CustomerReply,
    EmbedRefusal,
    EmbedVisitor,
    Event,
    Invitation,
    OutboxEmail,
    Referral,
    RescueNote,
    RescueTask,
    RescueTaskEvent,
    Response,
    ResponseTheme,
    StageChange,
)
from surveys.privacy.holdings import holdings_of

SCHEMA_VERSION = 1
# Kaiku's own secrets about a row, not the person's data.
LEFT_OUT = {"token_hash", "token_nonce"}
# The length of EmbedRefusal.claimed_customer: a refusal names the id as far as this.
CLAIMED_LENGTH = 80


def row_json(row: Any, leave_out: set[str] = LEFT_OUT) -> dict[str, Any]:
    """A model row as JSON values: every column, dates and times in ISO 8601."""
    values = {}
    for column in row.__table__.columns:
        if column.key in leave_out:
            continue
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, datetime | date) else value
    return values


def export_customer(session: Session, customer: Customer) -> dict[str, Any]:
    """The export document of ``customer``: profile, stage history, events, invitations,
    answers with their analysis, rescue tasks with notes and history, referrals, emails,
    replies and widget visits. Reads only."""
    held = holdings_of(session, customer)

    def rows(model, *where, order=None) -> list:
        column = order if order is not None else model.id
        return list(session.scalars(select(model).where(*where).order_by(column)))

    themes: dict[int, list[str]] = {}
    for theme in rows(ResponseTheme, ResponseTheme.response_id.in_(held.response_ids)):
        themes.setdefault(theme.response_id, []).append(theme.theme)
    notes = rows(RescueNote, RescueNote.task_id.in_(held.task_ids))
    history = rows(RescueTaskEvent, RescueTaskEvent.task_id.in_(held.task_ids))
    return {
        "schema_version": SCHEMA_VERSION,
        "exported_at": clock.now().isoformat(),
        "customer": row_json(customer),
        "stage_changes": [
            row_json(r) for r in rows(StageChange, StageChange.customer_id == customer.id)
        ],
        "events": [row_json(r) for r in rows(Event, Event.customer_id == customer.id)],
        "invitations": [
            row_json(r) | {"survey": r.survey.name}
            for r in rows(Invitation, Invitation.id.in_(held.invitation_ids))
        ],
        "responses": [
            row_json(r) | {"survey": r.survey.name, "themes": themes.get(r.id, [])}
            for r in rows(Response, Response.id.in_(held.response_ids))
        ],
        "rescue_tasks": [
            row_json(task)
            | {
                "notes": [row_json(n) for n in notes if n.task_id == task.id],
                "history": [row_json(h) for h in history if h.task_id == task.id],
            }
            for task in rows(RescueTask, RescueTask.id.in_(held.task_ids))
        ],
        "referrals": [
            row_json(r) | {"programme": r.programme.name}
            for r in rows(Referral, Referral.customer_id == customer.id)
        ],
        "emails": [row_json(r) for r in rows(OutboxEmail, OutboxEmail.id.in_(held.outbox_ids))],
        "replies": [
            row_json(r) for r in rows(CustomerReply, CustomerReply.customer_id == customer.id)
        ],
        "widget_visits": [
            row_json(r)
            for r in rows(
                EmbedVisitor, EmbedVisitor.customer_id == customer.id, order=EmbedVisitor.survey_id
            )
        ],
        "widget_refusals": [
            row_json(r)
            for r in rows(
                EmbedRefusal,
                EmbedRefusal.claimed_customer == customer.external_id[:CLAIMED_LENGTH],
            )
        ],
    }
