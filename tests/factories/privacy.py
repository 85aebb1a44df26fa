"""A customer with one row of every kind Kaiku holds about a person (the privacy tests), and a
scan of every table for the strings that name them."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import JSON, String, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import (
    Base,
    Customer,
    CustomerImport,
    CustomerReply,
    EmbedRefusal,
    EmbedVisitor,
    Event,
    OutboxEmail,
    Referral,
    RescueNote,
    RescueTask,
    ResponseTheme,
    StageChange,
)
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff
from tests.factories.surveys import make_programme, make_survey

NAME = "Hilkka Privatsson"
EMAIL = "hilkka.privatsson@example.org"
EXTERNAL_ID = "crm-gdpr-4711"


@dataclass
class Person:
    customer: Customer
    task: RescueTask
    survey_id: int


def make_person(session: Session, settings: Settings, **fields) -> Person:
    """The customer NAME / EMAIL / EXTERNAL_ID with a detractor answer and its comment (a
    rescue task, its history, a note), a theme, an event, a stage change, a referral code, an
    email in the outbox, a reply, a widget visit and refusal, and a line in an import; committed.
    """
    agent = make_staff(session, "agent", email="privacy-agent@example.com", name="Pia Agent")
    survey = make_survey(session, "nps", name="Privacy NPS")
    task = make_task(
        session,
        settings,
        survey=survey,
        score=3,
        comment=f"I am {NAME} and the invoice to {EMAIL} was wrong.",
        assignee=agent,
        name=NAME,
        email=EMAIL,
        external_id=EXTERNAL_ID,
        attributes={"plan": "pro", "contact": EMAIL},
        **fields,
    )
    customer = task.customer
    now = clock.now()
    invitation_id = task.response.invitation_id
    event = Event(
        customer_id=customer.id,
        name="purchase_completed",
        properties={"buyer": NAME},
        occurred_at=now - timedelta(days=2),
        idempotency_key=f"{EXTERNAL_ID}-purchase",
    )
    session.add(event)
    session.flush()
    outbox = OutboxEmail(
        kind="invitation",
        invitation_id=invitation_id,
        to_address=EMAIL,
        from_address="feedback@example.com",
        subject=f"{NAME}, how did we do?",
        text_body=f"Hello {NAME}",
        html_body=f"<p>Hello {NAME}</p>",
        message_id=f"<{EXTERNAL_ID}@kaiku.test>",
        status="sent",
    )
    reply_mail = OutboxEmail(
        kind="reply",
        to_address=EMAIL,
        from_address="feedback@example.com",
        subject="About your answer",
        text_body=f"Dear {NAME}, thank you.",
        html_body="<p>Thank you.</p>",
        message_id=f"<reply-{EXTERNAL_ID}@kaiku.test>",
        status="sent",
    )
    digest = OutboxEmail(
        kind="weekly_digest",
        to_address="boss@example.com",
        from_address="feedback@example.com",
        subject="Your week",
        text_body=f"A detractor: {NAME} said the invoice was wrong.",
        html_body="<p>A detractor</p>",
        message_id="<digest-1@kaiku.test>",
        status="sent",
    )
    session.add_all([outbox, reply_mail, digest])
    session.flush()
    session.add_all(
        [
            StageChange(
                customer_id=customer.id,
                from_stage=None,
                to_stage="onboarding",
                cause="event",
                detail=f"signed_up by {NAME}",
                event_id=event.id,
                changed_at=now - timedelta(days=3),
            ),
            ResponseTheme(response_id=task.response_id, theme="price"),
            RescueNote(
                task_id=task.id,
                author_id=agent.id,
                author_kind="staff",
                author_label="Pia Agent",
                body=f"Called {NAME} at {EMAIL}.",
            ),
            Referral(
                programme_id=make_programme(session).id,
                customer_id=customer.id,
                code="HILKKA-1",
                clicks=4,
                conversions=1,
            ),
            CustomerReply(
                customer_id=customer.id,
                response_id=task.response_id,
                sender_id=agent.id,
                sender_label="privacy-agent@example.com",
                subject="About your answer",
                to_address=EMAIL,
                outbox_id=reply_mail.id,
            ),
            EmbedVisitor(survey_id=survey.id, customer_id=customer.id, visits=3, last_seen_at=now),
            EmbedRefusal(
                survey_id=survey.id,
                reason="bad_signature",
                enforced=False,
                origin="https://app.example.com",
                claimed_customer=EXTERNAL_ID,
            ),  # fmt: skip
            CustomerImport(
                filename="customers.csv",
                content=(
                    "external_id,email,name\n"
                    f"{EXTERNAL_ID},{EMAIL},{NAME}\n"
                    "crm-other,other@example.com,Otto Other\n"
                ),
                content_sha256="0" * 64,
                status="done",
                errors=[{"line": 2, "reason": f"email: {EMAIL} is taken"}],
            ),
        ]
    )
    session.commit()
    return Person(customer, task, survey.id)


def text_columns(table) -> list:
    """The columns of ``table`` that can hold text: strings, texts, JSON."""
    return [c for c in table.columns if isinstance(c.type, String | Text | JSON)]


def find_everywhere(session: Session, *needles: str) -> dict[str, int]:
    """{"table.column": rows} for every column of every table holding one of ``needles``
    (case-insensitive), on SQLite and PostgreSQL alike (JSON read as its text)."""
    found = {}
    for table in Base.metadata.sorted_tables:
        for column in text_columns(table):
            as_text = func.lower(cast(column, Text))
            matches = or_(*(as_text.contains(n.lower(), autoescape=True) for n in needles))
            rows = session.scalar(select(func.count()).select_from(table).where(matches))
            if rows:
                found[f"{table.name}.{column.name}"] = rows
    return found
