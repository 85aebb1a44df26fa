"""The demo's story: customers with their past, who was asked what and when, and what they
answered; each send, answer and its processing a moment on the ``Timeline``, made by the real
services at the time it happened.

Drawn from one seeded random generator (``seed.SEED``), so every run tells the same story.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.data import COMMENTS, STAFF
from app.demo.timeline import Timeline
from surveys.answers.processing import Outcome, process_responses
from surveys.answers.recording import add_comment, record_answer
from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY, categorize
from surveys.customers.events import record_event
from surveys.delivery.dispatch import dispatch_due, expire_overdue, remind_due
from surveys.delivery.eligibility import quiet_decision
from surveys.delivery.scheduling import invite_by_email
from surveys.kernel.settings import Settings
from surveys.lifecycle.evaluation import evaluate
from surveys.models import Customer, Invitation, Response, Survey

# Recent detractors, in days ago: two still inside the 24 h rescue window, two overdue.
RECENT_DETRACTORS = (0.15, 0.6, 1.4, 2.6)
# A month's price per seat: what a customer's ``mrr`` attribute is made of.
SEAT_PRICE = {"free": 0, "pro": 40, "business": 80}
FREE_SEATS = 3  # a free plan is for small teams
AGENTS = tuple(email for email, _, role in STAFF if role == "agent")
ACCOUNT_OWNER = AGENTS[0]
ANSWER_DELAY = timedelta(hours=2)  # from the email to the click
PROCESS_DELAY = timedelta(minutes=1)  # the worker's turn
TICKET_TO_SURVEY = timedelta(minutes=60)  # the CSAT trigger rule's delay


def monthly_value(plan: str, seats: int) -> int:
    """The customer's MRR: the plan's seat price times the seats (a free plan is worth 0)."""
    return SEAT_PRICE[plan] * seats


def customer_fields(rng: random.Random, n: int, name: str, locale: str) -> dict[str, Any]:
    """The API's customer fields of demo customer ``n`` (record_event upserts them)."""
    first, last = name.lower().split()
    ascii_name = f"{first}.{last}".translate(str.maketrans("äöå", "aoa"))
    timezone = (
        "Europe/Helsinki"
        if locale == "fi"
        else rng.choice(["Europe/London", "America/New_York", "Europe/Dublin"])
    )
    plan = rng.choice(["free", "pro", "pro", "business"])
    segment = rng.choice(["smb", "smb", "mid_market", "enterprise"])
    country = "FI" if locale == "fi" else rng.choice(["GB", "US", "IE", "SE"])
    seats = rng.choice([1, 3, 5, 12, 25, 80])
    if plan == "free":
        seats = min(seats, FREE_SEATS)
    attributes: dict[str, Any] = {
        "plan": plan,
        "segment": segment,
        "country": country,
        "seats": seats,
        "mrr": monthly_value(plan, seats),
        # Who looks after them: the triggering event names the agent too (tickets), and every
        # invitation records it as "handled by" when it goes out.
        "support_agent": ACCOUNT_OWNER if segment == "enterprise" else AGENTS[n % len(AGENTS)],
    }
    if segment == "enterprise":  # big accounts have an owner: their rescue tasks go to her
        attributes["account_owner"] = ACCOUNT_OWNER
    return {
        "external_id": f"demo-{n:03d}",
        "email": f"{ascii_name}@example.com",
        "name": name,
        "locale": locale,
        "timezone": timezone,
        "attributes": attributes,
    }


def import_customer(
    session: Session, settings: Settings, rng: random.Random, fields: dict[str, Any], at: datetime
) -> Customer:
    """A customer and their lifecycle so far, sent as events (before any survey existed, so
    they move stages and trigger nothing): signed up, onboarded, perhaps renewed."""
    signed_up = at - timedelta(days=rng.uniform(28, 340))
    wanted = rng.choice(["active"] * 4 + ["loyal"] * 3 + ["onboarding", "active"])
    history = [("signed_up", signed_up, {"source": rng.choice(["website", "partner"])})]
    if wanted != "onboarding":
        agent = {"agent": fields["attributes"]["support_agent"]}
        history.append(("onboarding_completed", signed_up + timedelta(days=14), agent))
    if wanted == "loyal":
        history.append(("renewed", at - timedelta(days=rng.uniform(1, 10)), {"term": "annual"}))
    event_ids = []
    for name, when, properties in history:
        event, _ = record_event(
            session,
            customer=fields,
            name=name,
            properties=properties,
            occurred_at=when,
            idempotency_key=f"{fields['external_id']}-{name}",
        )
        event_ids.append(event.id)
    evaluate(session, event_ids, settings)
    return event.customer


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
    """Twenty paying customers had a support ticket closed (the CSAT rule asks paying plans)."""
    scores: list[int | None] = [5] * 7 + [4] * 5 + [3] * 3 + [2, 1] + [None] * 3
    rng.shuffle(scores)
    paying = [c for c in customers if c.attributes["plan"] != "free"]
    asked = rng.sample(paying, len(scores))
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


def send_time(timezone: str | None, wanted: datetime, settings: Settings) -> datetime:
    """``wanted``, or the last hour before it outside quiet hours in ``timezone``: the story's
    emails went out when Kaiku sends them, so nothing in it was postponed."""
    moment = wanted
    for _ in range(24):
        if quiet_decision(timezone, moment, settings).send:
            return moment
        moment -= timedelta(hours=1)
    return moment


@dataclass
class Asked:
    """One planned ask as it plays out: filled in by its moments."""

    survey: Survey
    customer: Customer
    score: int | None
    comment: str | None
    sent: datetime
    invitation_id: int | None = None
    outcome: Outcome | None = None


class Story:
    """Puts each planned ask on the timeline: the send, the reminder or expiry if unanswered,
    the answer and its processing; ``then`` is called with each processed ask."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        timeline: Timeline,
        then: Callable[[Asked], None],
    ) -> None:
        self.session, self.settings, self.timeline, self.then = session, settings, timeline, then

    def ask(
        self,
        survey: Survey,
        customer: Customer,
        score: int | None,
        comment: str | None,
        answered_at: datetime,
    ) -> Asked:
        """Plan one ask; ``answered_at`` is when it was answered (or, unanswered, sent)."""
        wanted = answered_at - ANSWER_DELAY if score is not None else answered_at
        sent = send_time(customer.timezone, wanted, self.settings)
        asked = Asked(survey, customer, score, comment, sent)
        if survey.kind == "csat":
            self.timeline.at(asked.sent - TICKET_TO_SURVEY, lambda: self._ticket_closed(asked))
            self.timeline.at(asked.sent, lambda: self._dispatch(asked))
        else:
            self.timeline.at(asked.sent, lambda: self._invite(asked))
        if score is None:
            if survey.reminder_days:
                reminder = asked.sent + timedelta(days=survey.reminder_days)
                self.timeline.at(reminder, lambda: remind_due(self.session, self.settings))
            closes = asked.sent + timedelta(days=survey.expire_days, minutes=1)
            self.timeline.at(closes, lambda: expire_overdue(self.session))
            return asked
        self.timeline.at(answered_at, lambda: self._answer(asked))
        self.timeline.at(answered_at + PROCESS_DELAY, lambda: self._process(asked))
        return asked

    def _invite(self, asked: Asked) -> None:
        """An integrator asks for the NPS by the API: the send decided as every send is."""
        invitation, _ = invite_by_email(
            self.session, asked.survey, asked.customer, self.settings, at=asked.sent
        )
        asked.invitation_id = invitation.id

    def _ticket_closed(self, asked: Asked) -> None:
        """The helpdesk reports the closed ticket: the CSAT rule schedules the survey."""
        customer = asked.customer
        agent = customer.attributes["support_agent"]
        event, _ = record_event(
            self.session,
            customer={"external_id": customer.external_id},
            name="support_ticket_closed",
            properties={"ticket": f"T-{3000 + customer.id}", "agent": agent},
            idempotency_key=f"{customer.external_id}-ticket",
        )
        (invitation,) = evaluate_and_invite(self.session, event.id, self.settings)
        asked.invitation_id = invitation.id

    def _dispatch(self, asked: Asked) -> None:
        dispatch_due(self.session, self.settings)

    def _answer(self, asked: Asked) -> None:
        invitation = self.session.get(Invitation, asked.invitation_id)
        if invitation is None or invitation.status != "sent":
            return  # not sent after all (eligibility said no): nobody could answer it
        record_answer(self.session, invitation, asked.score, channel="email")
        if asked.comment:
            add_comment(self.session, invitation, asked.comment)

    def _process(self, asked: Asked) -> None:
        invitation = self.session.get(Invitation, asked.invitation_id)
        if invitation is None or invitation.status != "answered":
            return
        response_id = self.session.scalar(
            select(Response.id).where(Response.invitation_id == invitation.id)
        )
        (asked.outcome,) = process_responses(self.session, [response_id], self.settings)
        self.then(asked)


def evaluate_and_invite(session: Session, event_id: int, settings: Settings) -> list[Invitation]:
    """Evaluate one event now, as the worker does, and return the invitations it made."""
    evaluate(session, [event_id], settings)
    return list(session.scalars(select(Invitation).where(Invitation.event_id == event_id)))
