"""Who handled a customer when a survey went out: the agent the triggering event names, else the
customer's ``support_agent`` attribute. Kept on the invitation as it is sent, so a rescue task
shows who handled the customer then, not whoever the attribute names by the time they answer."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.models import Event, Invitation

HANDLED_BY_PROPERTIES = ("agent", "agent_email", "handled_by")
HANDLED_BY_ATTRIBUTE = "support_agent"
MAX_LENGTH = 320


def handled_by(properties: dict[str, Any] | None, attributes: dict[str, Any] | None) -> str | None:
    """The event's agent property (first present of HANDLED_BY_PROPERTIES), else the customer's
    attribute; None when neither names anyone."""
    for source, names in (
        (properties or {}, HANDLED_BY_PROPERTIES),
        (attributes or {}, (HANDLED_BY_ATTRIBUTE,)),
    ):
        for name in names:
            value = source.get(name)
            if value not in (None, "") and not isinstance(value, dict | list):
                return str(value).strip()[:MAX_LENGTH] or None
    return None


def record_handlers(session: Session, invitations: list[Invitation]) -> None:
    """Set ``handled_by`` on invitations going out now; one query for their events' properties."""
    event_ids = {inv.event_id for inv in invitations if inv.event_id is not None}
    properties = (
        dict(
            session.execute(select(Event.id, Event.properties).where(Event.id.in_(event_ids))).all()
        )
        if event_ids
        else {}
    )
    for invitation in invitations:
        invitation.handled_by = handled_by(
            properties.get(invitation.event_id), invitation.customer.attributes
        )
