"""Demo data: two surveys with trigger rules, a support team, sixty customers with their
lifecycle, eight weeks of asks and answers and what the team did about them, and four newcomers
whose events schedule invitations now.

Made only by the product's own services, replayed at the times they happened with the domain
clock stopped at each (``app.demo.timeline``): the customers and their past arrive as events
before any survey exists; then the surveys and rules are set up; then each send is decided by
eligibility (recontact windows, quiet hours), each answer is processed as it came in (rescue
tasks opened, assigned and escalated, referrals made, stages moved), and the team works the
older tasks and the friends sign up. So every row is one the product could have written, and
emails of the past were sent in the past (logged), never today.

Deterministic apart from the passwords: the same scores, comments and dates (relative to now)
every time, so the demo and its tests see the same story.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import story
from app.demo.aftermath import Aftermath
from app.demo.data import CUSTOMERS, NEWCOMERS, STAFF
from app.demo.timeline import Timeline
from surveys.answers.taxonomy import seed_default_themes
from surveys.catalog.rules import create_rule
from surveys.customers.events import record_event
from surveys.embed.keys import create_secret
from surveys.embed.policy import update_embed
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.lifecycle.evaluation import evaluate
from surveys.models import Survey
from surveys.models.rollups import mark_all_stale
from surveys.referrals.codes import create_programme
from surveys.staff.accounts import create_staff, find_staff

NPS_KEY = "demo-product-nps"
CSAT_KEY = "demo-support-csat"
ADMIN_EMAIL = "admin@kaiku.example"
SEED = 20240611
# Answers older than this are history: their rescue task was worked and resolved, the promoter's
# referral link clicked; newer ones are the team's open work.
HISTORY_AFTER = timedelta(days=3)
# The company's customers were imported (with their past events) before it set Kaiku up.
IMPORTED_AGO = timedelta(days=62)
SET_UP_AGO = timedelta(days=61)
EXISTS_MESSAGE = "The demo data is there already (seeded earlier); nothing was added."


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
    # The answers of the story, processed already (as they came in).
    response_ids: tuple[int, ...] = field(default=())


def seed_demo(session: Session, settings: Settings) -> DemoSummary:
    """Add the demo data unless it is there; flushes, the caller commits.

    Idempotent: when the demo surveys exist nothing is written and ``created`` is False.
    Every answer is processed here, at its time; the processing the answers registered for
    after the commit finds them processed and does nothing, and so do the deliveries of the
    past's emails (logged already).
    """
    seed_default_themes(session)  # before the answers, so their processing finds themes
    existing = session.scalars(select(Survey.key).where(Survey.key.in_((NPS_KEY, CSAT_KEY))))
    if existing.first() is not None:
        return DemoSummary(False, EXISTS_MESSAGE)

    rng = random.Random(SEED)
    now = clock.now()
    with clock.frozen_at(now - IMPORTED_AGO):
        customers = [
            story.import_customer(
                session, settings, rng, story.customer_fields(rng, i, *person), clock.now()
            )
            for i, person in enumerate(CUSTOMERS, 1)
        ]
    with clock.frozen_at(now - SET_UP_AGO):
        password, staff, staff_password = _staff(session)
        nps, csat = _surveys(session)
        _trigger_rules(session, nps, csat)
        # The product NPS is embedded in the sample shop page (/demo/shop, app/demo/shop.py).
        update_embed(session, nps, {"triggers": [{"type": "delay", "seconds": 2}]})
        create_secret(session, nps, by=ADMIN_EMAIL)
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

    timeline = Timeline(session, now)
    aftermath = Aftermath(session, settings, rng, timeline, now - HISTORY_AFTER)
    asks = story.Story(session, settings, timeline, then=aftermath)
    csat_plan = story.csat_plan(rng, csat, customers)
    asked_csat = {customer.id for _, customer, _, _ in csat_plan}
    rest = [customer for customer in customers if customer.id not in asked_csat]
    planned = [
        asks.ask(
            survey,
            customer,
            score,
            story.pick_comment(rng, survey.kind, score, customer.locale)
            if score is not None
            else None,
            now - timedelta(days=days_ago),
        )
        for survey, customer, score, days_ago in story.nps_plan(rng, nps, rest) + csat_plan
    ]
    _newcomers(session, settings, timeline)
    timeline.run()
    # Replayed answers and sends: every cell of the dashboard's rollups is recounted.
    mark_all_stale(session)
    response_ids = tuple(a.outcome.response_id for a in planned if a.outcome is not None)
    invitations = sum(1 for a in planned if a.invitation_id is not None)
    total = len(customers) + len(NEWCOMERS) + aftermath.signed_up
    return DemoSummary(
        True,
        f"Seeded 2 surveys with trigger rules, {len(staff) + (password is not None)} staff, "
        f"{total} customers, {invitations} invitations and "
        f"{len(response_ids)} responses (processed as they came in).",
        admin_password=password,
        staff=staff,
        staff_password=staff_password if staff else None,
        customers=total,
        invitations=invitations,
        response_ids=response_ids,
    )


def _staff(session: Session) -> tuple[str | None, tuple[tuple[str, str], ...], str]:
    """The admin (unless there is one) and the support team; returns the admin's password (when
    made now), the team's (email, role) made now and their shared password."""
    password = None
    if find_staff(session, ADMIN_EMAIL) is None:
        password = secrets.token_urlsafe(12)
        create_staff(session, ADMIN_EMAIL, password, role="admin", name="Demo admin")
    staff_password = secrets.token_urlsafe(12)
    staff = tuple(
        (email, role)
        for email, name, role in STAFF
        if find_staff(session, email) is None
        and create_staff(session, email, staff_password, role=role, name=name)
    )
    return password, staff, staff_password


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


def _newcomers(session: Session, settings: Settings, timeline: Timeline) -> None:
    """New customers whose events arrive lately, each evaluated as it arrives: the trigger rules
    schedule their invitations (the dispatcher sends them when due)."""
    now = timeline.now
    for external_id, email, name, locale, timezone, plan, events in NEWCOMERS:
        for event_name, minutes_ago, properties in events:
            customer = {
                "external_id": external_id,
                "email": email,
                "name": name,
                "locale": locale,
                "timezone": timezone,
                "attributes": {"plan": plan, "seats": 1, "mrr": story.monthly_value(plan, 1)},
            }

            def arrives(customer=customer, event_name=event_name, properties=properties) -> None:
                event, _ = record_event(
                    session,
                    customer=customer,
                    name=event_name,
                    properties=properties,
                    idempotency_key=f"demo-{customer['external_id']}-{event_name}",
                )
                evaluate(session, [event.id], settings)

            timeline.at(now - timedelta(minutes=minutes_ago), arrives)


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
