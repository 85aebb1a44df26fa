"""The demo's story: customers with their past, who was asked what and when, what they answered,
and what the team already did about the older answers (resolved rescue work, clicked referrals).

Drawn from one seeded random generator (``seed.SEED``), so every run tells the same story; the
helpers add and flush, like the services they call.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.demo.data import COMMENTS
from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY, categorize
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import Customer, Event, Invitation, Referral, RescueTask, Response, Survey
from surveys.referrals.codes import invite_promoters
from surveys.rescue.opening import RescueCase, open_rescue_tasks

# Recent detractors, in days ago: two still inside the 24 h rescue window, two overdue.
RECENT_DETRACTORS = (0.15, 0.6, 1.4, 2.6)


def add_past_events(
    session: Session, rng: random.Random, customer: Customer, now: datetime
) -> None:
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


def add_customer(session: Session, rng: random.Random, n: int, name: str, locale: str) -> Customer:
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
        customer.attributes |= {"account_owner": "aino@kaiku.example"}
    session.add(customer)
    session.flush()
    return customer


Plan = list[tuple[Survey, Customer, int | None, float]]


def nps_plan(rng: random.Random, survey: Survey, customers: list[Customer]) -> Plan:
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


def csat_plan(rng: random.Random, survey: Survey, customers: list[Customer]) -> Plan:
    """Half the customers had a support ticket closed and were asked about it."""
    scores: list[int | None] = [5] * 7 + [4] * 5 + [3] * 3 + [2, 1] + [None] * 3
    rng.shuffle(scores)
    asked = rng.sample(customers, len(scores))
    return [
        (survey, customer, score, round(rng.uniform(0.3, 50), 3))
        for customer, score in zip(asked, scores, strict=True)
    ]


def pick_comment(rng: random.Random, kind: str, score: int, locale: str) -> str | None:
    if rng.random() < 0.15:
        return None  # some people only click a score
    category = categorize(kind, score)
    mood = (
        "bad" if category == NEGATIVE_CATEGORY[kind]
        else "good" if category == POSITIVE_CATEGORY[kind]
        else "mid"
    )  # fmt: skip
    return rng.choice(COMMENTS[kind][mood][locale])


def backdate_invitation(
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


def add_history(session: Session, rng: random.Random, response_id: int, settings: Settings) -> None:
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
        outcome = rng.choice(["satisfied", "lost", "no_reply"])
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
                winback={"satisfied": "won_back", "lost": "not_won_back"}.get(outcome),
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
