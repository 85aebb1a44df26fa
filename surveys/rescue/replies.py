"""Replying to any respondent from their customer page: a thank-you to a promoter, a question to
a passive, an apology to a detractor, outside any rescue task.

A reply is the rescue workspace's follow-up email (``emails.queue_personal_email``: the same
template, greeting rule, Reply-To the sender, the outbox and its delivery after the commit),
recorded as a ``CustomerReply`` for the customer's timeline. Unlike a task's follow-up, which
answers a complaint and so reaches customers who unsubscribed from surveys, a reply is Kaiku
writing first: it honours unsubscribes as well as bounces (``ensure_can_email``). Each staff
member may send at most ``MAX_REPLIES_PER_HOUR`` replies in any hour.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY
from surveys.customers.records import ensure_can_email
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import KaikuError, NotFoundError, ValidationError
from surveys.kernel.languages import served_language, translations
from surveys.kernel.settings import Settings
from surveys.models import Customer, CustomerReply, Response, StaffUser
from surveys.rescue.emails import queue_personal_email

MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 10_000
MAX_REPLIES_PER_HOUR = 30


class ReplyRateLimitError(KaikuError):
    """Too many replies from one staff member within the hour (429)."""

    status = 429
    code = "rate_limited"


@dataclass(frozen=True)
class ReplyDraft:
    """What the reply form opens with: a subject and a body in the customer's language."""

    tone: str  # thanks, question, apology, or plain (no answer to reply to)
    subject: str
    body: str


def reply_tone(response: Response | None) -> str:
    """``thanks`` for a positive answer, ``apology`` for a negative one, ``question`` between."""
    if response is None:
        return "plain"
    kind = response.survey.kind
    if response.category == POSITIVE_CATEGORY.get(kind):
        return "thanks"
    if response.category == NEGATIVE_CATEGORY.get(kind):
        return "apology"
    return "question" if response.category else "plain"


def reply_draft(customer: Customer, response: Response | None) -> ReplyDraft:
    """The prefilled reply to ``response`` (or to the customer, without one), in the customer's
    language; the greeting is not in it: the email adds it."""
    _ = translations(served_language(customer.locale)).gettext
    tone = reply_tone(response)
    survey = response.survey.name if response is not None else ""
    if tone == "thanks":
        subject = _("Thank you for your feedback")
        body = _(
            "Thank you for your kind words about %(survey)s: it means a lot to the team. "
            "If there is anything we could do even better, just reply to this email."
        ) % {"survey": survey}
    elif tone == "question":
        subject = _("A question about your feedback")
        body = _(
            "Thank you for answering our survey about %(survey)s. What is the one thing we "
            "could do better for you? Just reply to this email: it comes straight to me."
        ) % {"survey": survey}
    elif tone == "apology":
        subject = _("We are sorry")
        body = _(
            "I am sorry that %(survey)s fell short of what you expected. I would like to "
            "understand what went wrong and put it right: could you tell me more?"
        ) % {"survey": survey}
    else:
        subject = _("Hello from us")
        body = ""
    return ReplyDraft(tone=tone, subject=subject, body=body)


def send_reply(
    session: Session,
    customer: Customer,
    *,
    actor: Actor,
    subject: str,
    body: str,
    settings: Settings,
    response_id: int | None = None,
) -> CustomerReply:
    """Email ``customer`` the follow-up email from the person ``actor`` (Reply-To them), about
    their answer ``response_id`` if given, and record it. Flushes; the caller's commit sends it.

    :raises ForbiddenError: ``actor`` may only read.
    :raises ValidationError: not a person, an empty or multi-line subject, an empty or too long
        body, or a customer without a usable address ("subject", "body", "email").
    :raises NotFoundError: ``response_id`` is no answer of this customer's.
    :raises UnsubscribedError, BouncedError: the customer may not be emailed (409).
    :raises ReplyRateLimitError: the actor sent MAX_REPLIES_PER_HOUR replies within the hour.
    """
    actor.require_changes("write to customers")
    sender = session.get(StaffUser, actor.staff_id) if actor.staff_id is not None else None
    if sender is None or not sender.active:
        raise ValidationError("Only a signed-in staff member can reply: the answer goes to them.")
    subject = _text(subject, "subject", MAX_SUBJECT_LENGTH)
    if "\n" in subject or "\r" in subject:
        raise ValidationError("The subject must be one line.", fields={"subject": "one line"})
    body = _text(body, "body", MAX_BODY_LENGTH)
    response = None
    if response_id is not None:
        response = session.get(Response, response_id)
        if response is None or response.customer_id != customer.id:
            raise NotFoundError("This customer gave no such answer.")
    ensure_can_email(customer)
    now = clock.now()
    sent = session.scalar(
        select(func.count(CustomerReply.id)).where(
            CustomerReply.sender_id == sender.id,
            CustomerReply.created_at > now - timedelta(hours=1),
        )
    )
    if sent >= MAX_REPLIES_PER_HOUR:
        raise ReplyRateLimitError(
            f"You have sent {sent} replies within the hour, the most allowed; try again later."
        )
    outbox = queue_personal_email(
        session,
        customer,
        kind="reply",
        task_id=None,
        survey_id=response.survey_id if response is not None else None,
        sender=sender,
        subject=subject,
        body=body,
        settings=settings,
    )
    reply = CustomerReply(
        customer_id=customer.id,
        response_id=response_id,
        sender_id=sender.id,
        sender_label=actor.label,
        subject=subject,
        to_address=outbox.to_address,
        outbox_id=outbox.id,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def _text(value: object, field: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(f"The {field} is empty.", fields={field: "required"})
    if len(text) > limit:
        raise ValidationError(
            f"The {field} is longer than {limit} characters.",
            fields={field: f"at most {limit} characters"},
        )
    return text
