"""Whether a customer may be asked a survey at a given time: the one place every send is decided.

Triggers, the dispatcher, reminders and win-back re-surveys all ask ``decide`` (or, for a batch
whose history was loaded at once, ``decide_with``), and keep its short human reason on the
invitation, so the API can say why each one was sent, held or skipped. The rules, in order:

1. unsubscribed, bounced, no email address (email channel) → skip;
2. with ``check_windows``: an open invitation for the same survey, the survey's recontact
   window, the global recontact window across all surveys → skip;
3. survey paused → skip;
4. quiet hours (and, per survey, weekends) in the customer's own time zone → postpone to the
   next allowed minute.

The open-invitation rule of 2 also holds without ``check_windows`` and under concurrency: the
database keeps one open invitation per customer and survey (a partial unique index), and
``invitations.insert_invitations`` records a row that meets one as skipped, with ``open_reason``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from surveys.kernel.settings import Settings
from surveys.models import OPEN_STATUSES, Customer, Invitation, Survey, UTCDateTime

SEND, SKIP, POSTPONE = "send", "skip", "postpone"
# Statuses that count as asking the customer, for the windows: planned, handed out, sent or
# answered (an expired one counts when it had been sent). Skipped ones never do, nor a widget
# the customer dismissed (surveys.embed.visits keeps it away for its own number of days).
SURVEYED_STATUSES = ("scheduled", "pending", "queued", "sent", "answered")
# When they were (or will be) asked: sent, else answered, else the planned or creation time.
_ASKED_AT = func.coalesce(
    Invitation.sent_at,
    Invitation.answered_at,
    Invitation.scheduled_for,
    Invitation.created_at,
    type_=UTCDateTime(),
)
_MAX_STEPS = 16  # quiet-hour jumps; a week of weekend + night steps needs far fewer


@dataclass(frozen=True)
class Decision:
    """What to do: "send" at ``at``, "skip" for good, or "postpone" until ``at``."""

    action: str
    reason: str
    at: datetime

    @property
    def send(self) -> bool:
        return self.action == SEND


@dataclass(frozen=True)
class Past:
    """One earlier invitation of a customer, as much as the windows need."""

    id: int
    survey_id: int
    status: str
    asked_at: datetime | None  # None: not asked (skipped, expired unsent)


def decide(
    session: Session,
    customer: Customer,
    survey: Survey,
    *,
    at: datetime,
    settings: Settings,
    check_windows: bool = True,
    ignore_invitation_id: int | None = None,
    channel: str = "email",
) -> Decision:
    """Decide whether ``customer`` may be sent ``survey`` at ``at`` (aware); reads the
    customer's earlier invitations when ``check_windows``. Changes nothing.

    ``ignore_invitation_id`` leaves one invitation out of the history (the one being decided).
    """
    history: list[Past] = []
    if check_windows:
        history = load_histories(session, [customer.id], settings, at=at).get(customer.id, [])
    return decide_with(
        customer,
        survey,
        at=at,
        settings=settings,
        history=history,
        check_windows=check_windows,
        ignore_invitation_id=ignore_invitation_id,
        channel=channel,
    )


def decide_with(
    customer: Customer,
    survey: Survey,
    *,
    at: datetime,
    settings: Settings,
    history: Iterable[Past],
    check_windows: bool = True,
    ignore_invitation_id: int | None = None,
    channel: str = "email",
) -> Decision:
    """``decide`` on a history the caller loaded (``load_histories``), for batches."""
    if customer.unsubscribed:
        return Decision(SKIP, "skipped: unsubscribed", at)
    if customer.bounced_at is not None:
        return Decision(SKIP, "skipped: bounced", at)
    if channel == "email" and not (customer.email or "").strip():
        return Decision(SKIP, "skipped: no email address", at)
    if check_windows:
        reason = window_reason(survey, at, settings, history, ignore_invitation_id)
        if reason:
            return Decision(SKIP, reason, at)
    if not survey.active:
        return Decision(SKIP, "skipped: survey paused", at)
    return quiet_decision(customer.timezone, at, settings, quiet_weekends=survey.quiet_weekends)


def load_histories(
    session: Session, customer_ids: Sequence[int], settings: Settings, *, at: datetime
) -> dict[int, list[Past]]:
    """The earlier invitations that can matter to the windows, per customer id, in ONE query:
    every open one, and every one asked recently enough to fall in any window around ``at``."""
    if not customer_ids:
        return {}
    longest = max(settings.global_recontact, timedelta(days=_longest_survey_window(session)))
    rows = session.execute(
        select(
            Invitation.id,
            Invitation.customer_id,
            Invitation.survey_id,
            Invitation.status,
            Invitation.sent_at,
            _ASKED_AT,
        ).where(
            Invitation.customer_id.in_(set(customer_ids)),
            or_(
                Invitation.status.in_(OPEN_STATUSES),
                _ASKED_AT >= at - longest,
            ),
        )
    )
    histories: dict[int, list[Past]] = {}
    for inv_id, customer_id, survey_id, status, sent_at, asked_at in rows:
        # A widget closed unanswered has its own window (the embed's dismiss_days).
        asked = status in SURVEYED_STATUSES or (sent_at is not None and status != "dismissed")
        histories.setdefault(customer_id, []).append(
            Past(inv_id, survey_id, status, _aware(asked_at) if asked else None)
        )
    return histories


def quiet_decision(
    timezone: str | None,
    at: datetime,
    settings: Settings,
    *,
    quiet_weekends: bool = False,
) -> Decision:
    """Send at ``at``, or postpone to the first minute outside quiet hours (and weekends when
    ``quiet_weekends``) in ``timezone``; an unknown zone is read as UTC."""
    zone_name, zone = _zone(timezone)
    start, end = settings.quiet_start, settings.quiet_end
    nightly = start != end
    moment = at
    held: list[str] = []
    for _ in range(_MAX_STEPS):
        local = moment.astimezone(zone)
        if quiet_weekends and local.weekday() >= 5:
            _note(held, "weekend")
            moment = _local_instant(local.date() + timedelta(days=1), time(0, 0), zone)
        elif nightly and _in_quiet_hours(local.time(), start, end):
            _note(held, "quiet hours")
            day = local.date() if local.time() < end else local.date() + timedelta(days=1)
            moment = _local_instant(day, end, zone)
        else:
            break
    if moment == at:
        return Decision(SEND, "", at)
    local = moment.astimezone(zone)
    window = f"{start:%H:%M}–{end:%H:%M} {zone_name}" if nightly else zone_name
    what = " and ".join(held)
    return Decision(POSTPONE, f"postponed: {what} ({window}) until {local:%Y-%m-%d %H:%M}", moment)


def window_reason(
    survey: Survey,
    at: datetime,
    settings: Settings,
    history: Iterable[Past],
    ignore_invitation_id: int | None,
) -> str | None:
    same_open = None
    last_same = last_any = None
    for past in history:
        if past.id == ignore_invitation_id:
            continue
        if past.survey_id == survey.id and past.status in OPEN_STATUSES:
            same_open = same_open or past
        if past.asked_at is None:
            continue
        if past.survey_id == survey.id and (last_same is None or past.asked_at > last_same):
            last_same = past.asked_at
        if last_any is None or past.asked_at > last_any:
            last_any = past.asked_at
    if same_open is not None:
        return open_reason(same_open.id, same_open.status)
    survey_window = timedelta(days=survey.recontact_days or 0)
    if last_same is not None and survey_window and last_same > at - survey_window:
        return (
            f"skipped: {_asked(last_same, at)}, inside this survey's "
            f"{survey.recontact_days}-day recontact window"
        )
    global_window = settings.global_recontact
    if last_any is not None and global_window and last_any > at - global_window:
        return (
            f"skipped: {_asked(last_any, at)}, inside the global "
            f"{settings.global_recontact.days}-day recontact window"
        )
    return None


def open_reason(invitation_id: int, status: str) -> str:
    """Why a second invitation of a customer to a survey is skipped: the open one it names."""
    return f"skipped: open invitation {invitation_id} ({status}) for this survey"


def _asked(when: datetime, at: datetime) -> str:
    """The date that holds a window: "surveyed 2026-11-02", or "scheduled 2026-12-01" ahead."""
    return f"{'surveyed' if when <= at else 'scheduled'} {when:%Y-%m-%d}"


def _longest_survey_window(session: Session) -> int:
    return session.scalar(select(func.max(Survey.recontact_days))) or 0


def _in_quiet_hours(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # wraps midnight, e.g. 21:00–08:00


def _local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``wall`` on ``day`` in ``zone``. A time skipped by a DST
    change lands just after the gap; a repeated one is its first occurrence."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def _zone(name: str | None) -> tuple[str, ZoneInfo]:
    try:
        return name, ZoneInfo(name)  # type: ignore[arg-type]
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return "UTC", ZoneInfo("UTC")


def _note(held: list[str], what: str) -> None:
    if what not in held:
        held.append(what)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
