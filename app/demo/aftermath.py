"""What followed the older answers, as moments on the ``Timeline``: the support team reaching
and resolving each rescue task (through the rescue actions, by the assignee), the customer's
renewal or cancellation that decided its win-back, and the clicks and sign-ups on promoters'
referral links (each sign-up a conversion that makes the promoter an advocate).
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.data import REFERRED
from app.demo.story import Asked, evaluate_and_invite, monthly_value
from app.demo.timeline import Timeline
from surveys.customers.events import record_event
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.settings import Settings
from surveys.models import Referral, RescueTask
from surveys.referrals.codes import follow_referral, record_conversion
from surveys.rescue.actions import add_note, change_status, send_follow_up
from surveys.rescue.escalation import escalate_overdue

# (outcome, how the team reached them, the resolution note, the customer's next move)
RESOLUTIONS = (
    (
        "satisfied",
        "call",
        "Called the customer, explained the fix and credited a month.",
        "renewed",
    ),
    (
        "lost",
        "call",
        "Called and apologised; they had already chosen another tool.",
        "cancelled",
    ),
    ("no_reply", "email", "Emailed an apology and the workaround; no reply, closed.", None),
)
FOLLOW_UP = (
    "We are sorry about your experience",
    "Thank you for telling us what went wrong. We have looked into it, and the workaround is "
    "in our help centre under Known issues.\n\nIf you would like to talk it through, just reply "
    "to this email.",
)
CHECK_FOR_ESCALATION = timedelta(minutes=5)  # the periodic escalation's next run after due


class Aftermath:
    """Schedules what followed each processed ask; only asks answered before ``history_until``
    have an aftermath (newer ones are still the team's open work)."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        rng: random.Random,
        timeline: Timeline,
        history_until: datetime,
    ) -> None:
        self.session, self.settings, self.rng = session, settings, rng
        self.timeline, self.history_until = timeline, history_until
        self.friends = iter(enumerate(REFERRED, 1))
        self.signed_up = 0  # friends who joined through a referral link

    def __call__(self, asked: Asked) -> None:
        outcome = asked.outcome
        if outcome is None:
            return
        now = clock.now()  # the moment it was processed
        if outcome.rescue_task_id is not None:
            task = self.session.get(RescueTask, outcome.rescue_task_id)
            self.timeline.at(
                task.due_at + CHECK_FOR_ESCALATION,
                lambda: escalate_overdue(self.session, self.settings),
            )
            if now < self.history_until:
                self._rescue(task.id, now, task.due_at)
        if outcome.referral_id is not None and now < self.history_until:
            self._referral(outcome.referral_id, now)

    def _rescue(self, task_id: int, opened: datetime, due: datetime) -> None:
        outcome, reach, note, next_move = self.rng.choice(RESOLUTIONS)
        # Some within the SLA, some late (the late ones escalated at their due time).
        contacted = opened + (due - opened) * self.rng.uniform(0.2, 1.6)
        resolved = contacted + timedelta(hours=self.rng.uniform(1, 48))

        def contact() -> None:
            task = self.session.get(RescueTask, task_id)
            actor = Actor.of_staff(task.assignee)
            if reach == "email":
                subject, body = FOLLOW_UP
                send_follow_up(
                    self.session, task, actor=actor, subject=subject, body=body,
                    settings=self.settings,
                )  # fmt: skip
            else:
                change_status(self.session, task, "contacted", actor=actor, settings=self.settings)
                add_note(self.session, task, "Reached them by phone.", actor=actor)

        def resolve() -> None:
            task = self.session.get(RescueTask, task_id)
            change_status(
                self.session, task, "resolved", actor=Actor.of_staff(task.assignee),
                outcome=outcome, note=note, settings=self.settings,
            )  # fmt: skip

        self.timeline.at(contacted, contact)
        self.timeline.at(resolved, resolve)
        if next_move:
            later = resolved + timedelta(days=self.rng.uniform(2, 8))
            self.timeline.at(later, lambda: self._lifecycle(task_id, next_move))

    def _lifecycle(self, task_id: int, name: str) -> None:
        """The customer renews or cancels: the event that decides the task's win-back."""
        customer = self.session.get(RescueTask, task_id).customer
        event, _ = record_event(
            self.session,
            customer={"external_id": customer.external_id},
            name=name,
            properties={"source": "billing"},
            idempotency_key=f"{customer.external_id}-{name}-after-rescue",
        )
        evaluate_and_invite(self.session, event.id, self.settings)

    def _referral(self, referral_id: int, invited: datetime) -> None:
        clicks = sorted(
            invited + timedelta(hours=self.rng.uniform(0.5, 96))
            for _ in range(self.rng.choice([0, 1, 2, 3, 5, 8]))
        )
        code = self.session.scalar(select(Referral.code).where(Referral.id == referral_id))
        for when in clicks:
            self.timeline.at(when, lambda: follow_referral(self.session, code))
        for when in clicks[: self.rng.randint(0, len(clicks) // 2)]:
            friend = next(self.friends, None)
            if friend is None:
                return
            self.timeline.at(when + timedelta(days=1), lambda f=friend: self._signed_up(code, f))

    def _signed_up(self, code: str, friend: tuple[int, tuple[str, str]]) -> None:
        """A friend signs up through the link: the conversion, then their own first event."""
        n, (name, locale) = friend
        fields = {
            "external_id": f"demo-ref-{n}",
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            "name": name,
            "locale": locale,
            "attributes": {
                "plan": "pro",
                "seats": 1,
                "mrr": monthly_value("pro", 1),
                "referred_via": code,
            },
        }
        record_conversion(self.session, code, fields)
        self.signed_up += 1
        event, _ = record_event(
            self.session,
            customer={"external_id": fields["external_id"]},
            name="signed_up",
            properties={"source": "referral", "code": code},
            idempotency_key=f"{fields['external_id']}-signed_up",
        )
        evaluate_and_invite(self.session, event.id, self.settings)
