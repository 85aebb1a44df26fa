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

from app.demo.data import COMMENTS, CUSTOMERS, NEWCOMERS, STAFF
from surveys.answers.recording import add_comment, record_answer
from surveys.catalog.rules import create_rule
from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY, categorize
from surveys.customers.events import record_event
from surveys.delivery.invitations import create_invitation
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.lifecycle.evaluation import evaluate
from surveys.models import Customer, Event, Invitation, Referral, RescueTask, Response, Survey
from surveys.referrals.codes import create_programme, invite_promoters
from surveys.rescue.opening import RescueCase, open_rescue_tasks
from surveys.staff.accounts import create_staff, find_staff

NPS_KEY = "demo-product-nps"
CSAT_KEY = "demo-support-csat"
ADMIN_EMAIL = "admin@kaiku.local"
SEED = 20240611
# Answers older than this are history: their rescue task is already resolved and the promoter's
# referral link has been clicked; newer ones are left for processing to route.
HISTORY_AFTER = timedelta(days=14)
# Recent detractors, in days ago: two still inside the 24 h rescue window, two overdue.
RECENT_DETRACTORS = (0.15, 0.6, 1.4, 2.6)


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
    """Create the demo data unless it is there, and COMMIT.

    Idempotent: when the demo surveys exist nothing is written and ``created`` is False.
    Recording the answers registers their processing, so on the app's session the commit sends
    it (to the worker, or runs it here when tasks are eager); on a plain session the caller
    processes ``response_ids`` itself.
    """
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
    )
    customers = [_customer(session, rng, i, *person) for i, person in enumerate(CUSTOMERS, 1)]
    for customer in customers:
        _past_events(session, rng, customer, now)

    plan = _nps_plan(rng, nps, customers) + _csat_plan(rng, csat, customers)
    invitations = 0
    response_ids = []
    for survey, customer, score, days_ago in plan:
        invitation = create_invitation(session, survey, customer, settings).invitation
        invitations += 1
        when = now - timedelta(days=days_ago)
        if score is None:
            _backdate_invitation(session, invitation, when, settings, answered=False)
            continue
        response_id = record_answer(session, invitation, score, channel="email")
        comment = _comment(rng, survey.kind, score, customer.locale)
        if comment:
            add_comment(session, invitation, comment)
        _backdate_invitation(session, invitation, when - timedelta(hours=2), settings)
        session.execute(
            update(Response)
            .where(Response.id == response_id)
            .values(answered_at=when, updated_at=when)
            .execution_options(synchronize_session=False)
        )
        if now - when > HISTORY_AFTER:
            _history(session, rng, response_id, settings)
        response_ids.append(response_id)
    session.commit()
    newcomers = _newcomers(session, settings, now)
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


def _past_events(session: Session, rng: random.Random, customer: Customer, now: datetime) -> None:
    """A customer's history of lifecycle events, already evaluated (they shaped the past)."""
    signed_up = now - timedelta(days=rng.uniform(90, 400))
    history = [("signed_up", signed_up), ("onboarding_completed", signed_up + timedelta(days=14))]
    if rng.random() < 0.5:
        history.append(("support_ticket_closed", now - timedelta(days=rng.uniform(3, 60))))
    for name, when in history:
        session.add(
            Event(
                customer=customer,
                name=name,
                properties={"source": "demo"},
                occurred_at=when,
                received_at=when,
                evaluated_at=when,
            )
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
    session.commit()
    evaluate(session, event_ids, settings)
    session.commit()
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


def _customer(session: Session, rng: random.Random, n: int, name: str, locale: str) -> Customer:
    first, last = name.lower().split()
    ascii_name = f"{first}.{last}".translate(str.maketrans("äöå", "aoa"))
    customer = Customer(
        external_id=f"demo-{n:03d}",
        email=f"{ascii_name}@example.com",
        name=name,
        locale=locale,
        timezone="Europe/Helsinki"
        if locale == "fi"
        else rng.choice(["Europe/London", "America/New_York", "Europe/Dublin"]),
        stage=rng.choice(["active"] * 4 + ["loyal"] * 3 + ["onboarding", "at_risk"]),
        attributes={
            "plan": rng.choice(["free", "pro", "pro", "business"]),
            "segment": rng.choice(["smb", "smb", "mid_market", "enterprise"]),
            "country": "FI" if locale == "fi" else rng.choice(["GB", "US", "IE", "SE"]),
            "seats": rng.choice([1, 3, 5, 12, 25, 80]),
        },
    )
    # Derived, not drawn, so the random story stays the same: big accounts have an owner in
    # the support team (their rescue tasks go to her) and a monthly value that makes them high
    # priority.
    seats = customer.attributes["seats"]
    customer.attributes |= {"mrr": seats * 40}
    if customer.attributes["segment"] == "enterprise":
        customer.attributes |= {"account_owner": "aino@kaiku.local"}
    session.add(customer)
    session.flush()
    return customer


Plan = list[tuple[Survey, Customer, int | None, float]]


def _nps_plan(rng: random.Random, survey: Survey, customers: list[Customer]) -> Plan:
    """Every customer asked: (survey, customer, score or None when unanswered, days ago)."""
    count = len(customers)
    scores: list[int | None] = (
        [10] * 8 + [9] * 7 + [8] * 6 + [7] * 4 + [6, 5, 4, 3, 2, 0] + [None] * 5
    )
    scores += [9, 8, 5, 10][: max(0, count - len(scores))]
    rng.shuffle(scores)
    recent = iter(RECENT_DETRACTORS)
    plan = []
    for customer, score in zip(customers, scores, strict=False):
        if score is None:
            days = rng.uniform(0.5, 9)  # still open: sent lately, not answered (yet)
        elif score <= 6:
            days = next(recent, None) or rng.uniform(16, 56)
        else:
            days = rng.uniform(0.05, 56)
        plan.append((survey, customer, score, round(days, 3)))
    return plan


def _csat_plan(rng: random.Random, survey: Survey, customers: list[Customer]) -> Plan:
    """Half the customers had a support ticket closed and were asked about it."""
    scores: list[int | None] = [5] * 7 + [4] * 5 + [3] * 3 + [2, 1] + [None] * 3
    rng.shuffle(scores)
    asked = rng.sample(customers, len(scores))
    return [
        (survey, customer, score, round(rng.uniform(0.3, 50), 3))
        for customer, score in zip(asked, scores, strict=True)
    ]


def _comment(rng: random.Random, kind: str, score: int, locale: str) -> str | None:
    if rng.random() < 0.15:
        return None  # some people only click a score
    category = categorize(kind, score)
    mood = (
        "bad" if category == NEGATIVE_CATEGORY[kind]
        else "good" if category == POSITIVE_CATEGORY[kind]
        else "mid"
    )  # fmt: skip
    return rng.choice(COMMENTS[kind][mood][locale])


def _backdate_invitation(
    session: Session,
    invitation: Invitation,
    sent: datetime,
    settings: Settings,
    *,
    answered: bool = True,
) -> None:
    expires = sent + settings.invitation_ttl
    values = {"created_at": sent, "sent_at": sent, "expires_at": expires}
    if answered:
        values |= {"status": "answered", "answered_at": sent + timedelta(hours=2)}
    else:
        values["status"] = "expired" if expires < clock.now() else "sent"
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _history(session: Session, rng: random.Random, response_id: int, settings: Settings) -> None:
    """What the team already did about an old answer: resolved rescue work, clicked referrals."""
    response = session.execute(
        select(Response).where(Response.id == response_id).execution_options(populate_existing=True)
    ).scalar_one()
    category = categorize(response.survey.kind, response.score)
    later = response.answered_at + timedelta(hours=rng.uniform(2, 20))
    if category == NEGATIVE_CATEGORY[response.survey.kind]:
        case = RescueCase(
            response.id, response.customer_id, response.survey_id, response.answered_at, "normal"
        )
        task_id = open_rescue_tasks(session, [case], settings)[response.id]
        note = rng.choice(
            [
                "Called the customer, explained the fix and credited a month.",
                "Emailed an apology and walked them through the workaround.",
                "Left two voicemails and an email; no reply, closed.",
            ]
        )
        outcome = rng.choice(["won_back", "lost", "no_reply"])
        # Derived, not drawn (the random story stays the same): first contact 1 to 30 hours
        # after the answer, so some met the SLA and some did not.
        contacted = response.answered_at + timedelta(hours=1 + response.id * 7 % 30)
        task = session.get(RescueTask, task_id)
        session.execute(
            update(RescueTask)
            .where(RescueTask.id == task_id)
            .values(
                status="resolved",
                outcome=outcome,
                resolution_note=note,
                first_contact_at=contacted,
                sla_met=contacted <= task.due_at,
                resolved_at=max(later, contacted),
                winback={"won_back": "won_back", "lost": "not_won_back"}.get(outcome),
                winback_at=max(later, contacted) if outcome != "no_reply" else None,
                created_at=response.answered_at,
                updated_at=max(later, contacted),
            )
            .execution_options(synchronize_session=False)
        )
    elif category == POSITIVE_CATEGORY[response.survey.kind] and response.survey.kind == "nps":
        referral_id = invite_promoters(session, [(response.id, response.customer_id)]).get(
            response.id
        )
        if referral_id is not None:
            clicks = rng.choice([0, 1, 2, 3, 5, 8])
            session.execute(
                update(Referral)
                .where(Referral.id == referral_id)
                .values(clicks=clicks, conversions=rng.randint(0, clicks // 2), created_at=later)
                .execution_options(synchronize_session=False)
            )
