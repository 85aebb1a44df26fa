"""Demo data: two surveys with trigger rules, a support team, forty customers with their lifecycle
events and eight weeks of answers, and two new customers whose events schedule invitations now;
all through the real services.

Deterministic apart from the passwords: the same scores, comments and dates (relative to now)
every time, so the demo and its tests see the same story.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.demo import story
from app.demo.data import CUSTOMERS, NEWCOMERS, STAFF
from surveys.answers.recording import add_comment, record_answer
from surveys.answers.taxonomy import seed_default_themes
from surveys.catalog.rules import create_rule
from surveys.customers.events import record_event
from surveys.delivery.invitations import create_invitation
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.lifecycle.evaluation import evaluate
from surveys.models import Response, Survey
from surveys.models.rollups import mark_all_stale
from surveys.referrals.codes import create_programme
from surveys.staff.accounts import create_staff, find_staff

NPS_KEY = "demo-product-nps"
CSAT_KEY = "demo-support-csat"
ADMIN_EMAIL = "admin@kaiku.example"
SEED = 20240611
# Answers older than this are history: their rescue task is already resolved and the promoter's
# referral link has been clicked; newer ones are left for processing to route.
HISTORY_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class DemoSummary:
    """What ``seed_demo`` did, for the CLI to print (the admin password exists only here)."""

    created: bool
    message: str
    admin_email: str = ADMIN_EMAIL
    admin_password: str | None = None  # only when this run created the admin
    # The support team's logins (email, role), all with ``staff_password``, made by this run.
    staff: tuple[tuple[str, str], ...] = ()
    staff_password: str | None = None
    customers: int = 0
    invitations: int = 0
    response_ids: tuple[int, ...] = field(default=())


def seed_demo(session: Session, settings: Settings) -> DemoSummary:
    """Add the demo data unless it is there; flushes, the caller commits.

    Idempotent: when the demo surveys exist nothing is written and ``created`` is False.
    Recording the answers registers their processing, so on the app's session the caller's
    commit sends it (to the worker, or runs it in-process when tasks are eager); on a plain
    session the caller processes ``response_ids`` itself after the commit.
    """
    seed_default_themes(session)  # before the answers, so their processing finds themes
    existing = session.scalars(select(Survey.key).where(Survey.key.in_((NPS_KEY, CSAT_KEY))))
    if existing.first() is not None:
        return DemoSummary(False, "The demo data exists already; nothing was added.")

    rng = random.Random(SEED)
    now = clock.now()
    password = None
    if find_staff(session, ADMIN_EMAIL) is None:
        password = secrets.token_urlsafe(12)
        create_staff(session, ADMIN_EMAIL, password, role="admin", name="Demo admin")
    # Before any rescue task exists, so auto-assignment spreads the tasks over the agents.
    staff_password = secrets.token_urlsafe(12)
    staff = tuple(
        (email, role)
        for email, name, role in STAFF
        if find_staff(session, email) is None
        and create_staff(session, email, staff_password, role=role, name=name)
    )
    nps, csat = _surveys(session)
    _trigger_rules(session, nps, csat)
    create_programme(
        session,
        "Bring a friend",
        "https://example.com/invite",
        reward="One month free for you and for the friend who joins.",
        rewards={
            "fi": "Kuukausi ilmaiseksi sinulle ja liittyvälle ystävällesi.",
            "sv": "En månad gratis för dig och för vännen som går med.",
        },
    )
    customers = [
        story.add_customer(session, rng, i, *person) for i, person in enumerate(CUSTOMERS, 1)
    ]
    for customer in customers:
        story.add_past_events(session, rng, customer, now)

    plan = story.nps_plan(rng, nps, customers) + story.csat_plan(rng, csat, customers)
    invitations = 0
    response_ids = []
    for survey, customer, score, days_ago in plan:
        invitation = create_invitation(session, survey, customer, settings).invitation
        invitations += 1
        when = now - timedelta(days=days_ago)
        if score is None:
            story.backdate_invitation(session, invitation, when, settings, answered=False)
            continue
        response_id = record_answer(session, invitation, score, channel="email")
        comment = story.pick_comment(rng, survey.kind, score, customer.locale)
        if comment:
            add_comment(session, invitation, comment)
        story.backdate_invitation(session, invitation, when - timedelta(hours=2), settings)
        session.execute(
            update(Response)
            .where(Response.id == response_id)
            .values(answered_at=when, updated_at=when)
            .execution_options(synchronize_session=False)
        )
        if now - when > HISTORY_AFTER:
            story.add_history(session, rng, response_id, settings)
        response_ids.append(response_id)
    newcomers = _newcomers(session, settings, now)
    # Backdated answers and sends: every cell of the dashboard's rollups is recounted.
    mark_all_stale(session)
    return DemoSummary(
        True,
        f"Seeded 2 surveys with trigger rules, {len(staff) + 1} staff, "
        f"{len(customers) + newcomers} customers, {invitations} invitations and "
        f"{len(response_ids)} responses.",
        admin_password=password,
        staff=staff,
        staff_password=staff_password if staff else None,
        customers=len(customers) + newcomers,
        invitations=invitations,
        response_ids=tuple(response_ids),
    )


def _trigger_rules(session: Session, nps: Survey, csat: Survey) -> None:
    """Ask NPS a week after onboarding is done, CSAT an hour after a support ticket closes."""
    create_rule(
        session,
        nps,
        event_name="onboarding_completed",
        delay_minutes=7 * 24 * 60,
        filters=[{"field": "stage", "op": "one_of", "value": ["active", "loyal"]}],
    )
    create_rule(session, nps, event_name="renewal_upcoming", delay_minutes=0)
    create_rule(
        session,
        csat,
        event_name="support_ticket_closed",
        delay_minutes=60,
        filters=[{"field": "attributes.plan", "op": "one_of", "value": ["pro", "business"]}],
    )


def _newcomers(session: Session, settings: Settings, now: datetime) -> int:
    """New customers whose events arrive now: evaluated like the worker would, they schedule
    invitations (the dispatcher sends them when due) and show the trigger rules at work."""
    event_ids = []
    for external_id, email, name, locale, timezone, plan, events in NEWCOMERS:
        for event_name, minutes_ago, properties in events:
            event, _ = record_event(
                session,
                customer={
                    "external_id": external_id,
                    "email": email,
                    "name": name,
                    "locale": locale,
                    "timezone": timezone,
                    "attributes": {"plan": plan},
                },
                name=event_name,
                properties=properties,
                occurred_at=now - timedelta(minutes=minutes_ago),
                idempotency_key=f"demo-{external_id}-{event_name}",
            )
            event_ids.append(event.id)
    session.flush()
    evaluate(session, event_ids, settings)  # now, so the demo shows them scheduled at once
    return len(NEWCOMERS)


def _surveys(session: Session) -> tuple[Survey, Survey]:
    nps = Survey(
        key=NPS_KEY,
        name="Product NPS",
        kind="nps",
        texts={
            "en": {
                "question": "How likely are you to recommend Kaiku to a friend or colleague?",
                "comment_prompt": "What is the main reason for your score?",
            },
            "fi": {
                "question": "Kuinka todennäköisesti suosittelisit Kaikua ystävälle tai kollegalle?",
                "comment_prompt": "Mikä on tärkein syy antamaasi arvosanaan?",
            },
            "sv": {
                "question": "Hur troligt är det att du skulle rekommendera Kaiku till en vän "
                "eller kollega?",
                "comment_prompt": "Vad är det främsta skälet till ditt betyg?",
            },
        },
    )
    csat = Survey(
        key=CSAT_KEY,
        name="Support CSAT",
        kind="csat",
        texts={
            "en": {
                "question": "How satisfied were you with the help you got from our support?",
                "comment_prompt": "What could we have done better?",
            },
            "fi": {
                "question": "Kuinka tyytyväinen olit tukemme antamaan apuun?",
                "comment_prompt": "Mitä olisimme voineet tehdä paremmin?",
            },
            "sv": {
                "question": "Hur nöjd var du med hjälpen du fick av vår kundtjänst?",
                "comment_prompt": "Vad kunde vi ha gjort bättre?",
            },
        },
    )
    session.add_all([nps, csat])
    session.flush()
    return nps, csat
