"""Erasing a customer on request (the GDPR right to erasure), with figures that still add up.

What goes: the profile and contact data (the customer row), their comments, events, stage
history, emails (every outbox row sent to them or about them), replies, rescue notes and
resolution notes, widget visits and refusals naming their id, and their line in any stored
import file. What stays, without identity: each score, re-pointed to the reserved
``kaiku:erased`` record with the stage, channel, language, sentiment and themes it was
counted with; the invitations (so sends and the response rate hold, every link disabled);
the rescue tasks (contact times, SLA, outcomes; open ones are closed as not actionable) and
referral codes (clicks, conversions). The rollup cells of the answers are marked stale in the
same transaction, so the dashboards are recounted from what is left.

An ``Erasure`` row records when, by whom and how many rows of each kind, and a keyed hash of
the external id so a repeated request is recognised (idempotent). A later event or upsert
with the same external id makes a new customer: nothing links it to the erased rows.
"""

import hashlib
import hmac
import json
import secrets
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.db import insert_ignore
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.models import (
    OPEN_STATUSES,
    Customer,
    CustomerImport,
    CustomerReply,
    EmbedRefusal,
    EmbedVisitor,
    Erasure,
    Event,
    Invitation,
    OutboxEmail,
    Referral,
    RescueNote,
    RescueTask,
    RescueTaskEvent,
    Response,
    StageChange,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
)
from surveys.models.rollups import mark_stale_from, utc_day
from surveys.privacy.export import CLAIMED_LENGTH
from surveys.privacy.holdings import holdings_of
from surveys.webhooks.events import emit

ERASED_EXTERNAL_ID = "kaiku:erased"
ERASED_REASON = "closed: customer erased"
# A name this short ("Li") would match too much unrelated text in the free-text scan.
MIN_SCAN_LENGTH = 4


def subject_hash(secret: str, external_id: str) -> str:
    """HMAC-SHA256 of the external id under the app's secret key, hex: recognises a repeat."""
    message = f"kaiku-erasure:{external_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def erased_customer(session: Session) -> Customer:
    """The one record that stands for every erased customer's kept scores (made on first use).

    Flagged ``anonymous`` like the widget's anonymous record: never listed, emailed, moved
    between stages, rescued or given a referral code."""
    insert_ignore(
        session,
        Customer,
        {"external_id": ERASED_EXTERNAL_ID, "anonymous": True, "stage": "active", "attributes": {}},
        conflict=["external_id"],
    )
    return session.scalars(select(Customer).where(Customer.external_id == ERASED_EXTERNAL_ID)).one()


def erase_customer(session: Session, external_id: str, *, actor: Actor, secret: str) -> Erasure:
    """Erase the customer ``external_id``; returns the audit record (an earlier one when the
    customer was erased before and is unknown now). Flushes; the caller commits.

    :raises NotFoundError: no such customer, and none erased under that id.
    :raises ValidationError: one of Kaiku's reserved records (``kaiku:...``).
    """
    digest = subject_hash(secret, external_id)
    customer = session.scalars(select(Customer).where(Customer.external_id == external_id)).first()
    if customer is None:
        earlier = session.scalars(
            select(Erasure).where(Erasure.subject_hash == digest).order_by(Erasure.id.desc())
        ).first()
        if earlier is None:
            raise NotFoundError("There is no such customer.")
        return earlier
    if customer.anonymous:
        raise ValidationError(
            "This is one of Kaiku's own records; it holds nobody's data.",
            fields={"external_id": "reserved"},
        )
    counts = _erase(session, customer)
    erasure = Erasure(
        subject_hash=digest, actor_kind=actor.kind, actor_label=actor.label, counts=counts
    )
    session.add(erasure)
    session.flush()
    _announce_erasure(session, erasure)
    return erasure


def _announce_erasure(session: Session, erasure: Erasure) -> None:
    """The ``customer.erased`` webhook, in the erasure's transaction, with a body holding no
    personal data: ``{"erasure_id", "erased_at"}``. Kaiku no longer knows whose id it was; the
    system that asked for the erasure holds the answer to its own request."""
    erased_at = erasure.erased_at.isoformat()
    emit(session, "customer.erased", {"erasure_id": erasure.id, "erased_at": erased_at})


def _erase(session: Session, customer: Customer) -> dict[str, int]:
    """Remove and re-point the customer's rows; the counts of each kind, for the audit."""
    held = holdings_of(session, customer)
    needles = _needles(customer)
    erased = erased_customer(session)
    counts: dict[str, int] = {}

    def gone(kind: str, statement) -> None:
        counts[kind] = session.execute(statement).rowcount or 0

    # Before anything moves: the cells whose counts change (comments, attribute slices).
    mark_stale_from(
        session,
        select(Response.survey_id, utc_day(Response.answered_at)).where(
            Response.customer_id == customer.id
        ),
    )
    scan = [
        func.lower(column).contains(text.lower(), autoescape=True)
        for text in needles
        for column in (OutboxEmail.to_address, OutboxEmail.subject, OutboxEmail.text_body,
                       OutboxEmail.html_body)
    ]  # fmt: skip
    gone(
        "outbox_emails",
        delete(OutboxEmail).where(or_(OutboxEmail.id.in_(held.outbox_ids), *scan)),
    )
    # Webhook bodies sent (or still to send) about them: the event, its deliveries, attempts.
    named = select(WebhookEvent.id).where(
        or_(*(func.lower(WebhookEvent.body).contains(t.lower(), autoescape=True) for t in needles))
    )
    event_ids = list(session.scalars(named)) if needles else []
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.event_id.in_(event_ids))
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(event_ids)))
    gone("webhook_events", delete(WebhookEvent).where(WebhookEvent.id.in_(event_ids)))
    gone("customer_replies", delete(CustomerReply).where(CustomerReply.customer_id == customer.id))
    gone("rescue_notes", delete(RescueNote).where(RescueNote.task_id.in_(held.task_ids)))
    gone("events", delete(Event).where(Event.customer_id == customer.id))
    gone("stage_changes", delete(StageChange).where(StageChange.customer_id == customer.id))
    gone("embed_visitors", delete(EmbedVisitor).where(EmbedVisitor.customer_id == customer.id))
    gone(
        "embed_refusals",
        delete(EmbedRefusal).where(
            EmbedRefusal.claimed_customer == customer.external_id[:CLAIMED_LENGTH]
        ),
    )
    counts["invitations_kept"] = _keep_invitations(session, held.invitation_ids, erased, needles)
    counts["responses_kept"], counts["comments"] = _keep_responses(
        session, held.response_ids, erased
    )
    counts["rescue_tasks_kept"] = _keep_tasks(session, held.task_ids, erased, needles)
    referrals = list(session.scalars(select(Referral).where(Referral.customer_id == customer.id)))
    for referral in referrals:
        referral.customer_id = erased.id
    counts["referrals_kept"] = len(referrals)
    counts["import_lines"] = _scrub_imports(session, needles)
    session.delete(customer)
    counts["customers"] = 1
    session.flush()
    return counts


def _needles(customer: Customer) -> list[str]:
    """The strings that name the person: external id, email, name (if long enough)."""
    found = [customer.external_id, customer.email, customer.name]
    return [text for text in found if text and len(text) >= MIN_SCAN_LENGTH]


def _keep_invitations(
    session: Session, ids: list[int], erased: Customer, needles: list[str]
) -> int:
    """Re-point the invitations to the erased record: every link dead, open ones closed."""
    invitations = list(session.scalars(select(Invitation).where(Invitation.id.in_(ids))))
    for invitation in invitations:
        if invitation.status in OPEN_STATUSES:
            invitation.status, invitation.reason = "expired", ERASED_REASON
        elif _names(invitation.reason, needles):
            invitation.reason = ERASED_REASON
        invitation.token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        invitation.token_nonce = None
    session.flush()  # closed before moving: one open invitation per customer and survey
    for invitation in invitations:
        invitation.customer_id = erased.id
    return len(invitations)


def _keep_responses(session: Session, ids: list[int], erased: Customer) -> tuple[int, int]:
    """Re-point the answers to the erased record without their comments."""
    responses = list(session.scalars(select(Response).where(Response.id.in_(ids))))
    comments = 0
    for response in responses:
        comments += response.comment is not None
        response.comment = None
        response.customer_id = erased.id
        response.revision += 1
        response.updated_at = clock.now()
    return len(responses), comments


def _keep_tasks(session: Session, ids: list[int], erased: Customer, needles: list[str]) -> int:
    """Re-point the rescue tasks; open ones closed (nobody left to contact); no notes."""
    now = clock.now()
    tasks = list(session.scalars(select(RescueTask).where(RescueTask.id.in_(ids))))
    for task in tasks:
        if task.status != "resolved":
            task.status, task.outcome, task.resolved_at = "resolved", "not_actionable", now
        task.resolution_note = None
        task.customer_id = erased.id
    history = session.scalars(select(RescueTaskEvent).where(RescueTaskEvent.task_id.in_(ids)))
    for event in history:
        if _names(json.dumps(event.detail, ensure_ascii=False, default=str), needles):
            event.detail = {"erased": True}
    return len(tasks)


def _scrub_imports(session: Session, needles: list[str]) -> int:
    """Drop the lines naming the person from stored import files and their error lists."""
    if not needles:
        return 0
    imports = session.scalars(
        select(CustomerImport).where(
            or_(
                *(
                    func.lower(CustomerImport.content).contains(n.lower(), autoescape=True)
                    for n in needles
                )
            )
        )
    )
    dropped = 0
    for upload in imports:
        lines = upload.content.splitlines(keepends=True)
        kept = [line for line in lines if not _names(line, needles)]
        dropped += len(lines) - len(kept)
        upload.content = "".join(kept)
        upload.errors = [e for e in upload.errors if not _names(json.dumps(e), needles)]
    return dropped


def _names(text: Any, needles: list[str]) -> bool:
    folded = str(text or "").lower()
    return any(needle.lower() in folded for needle in needles)
