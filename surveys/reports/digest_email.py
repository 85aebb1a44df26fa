"""The weekly digest email: the week's figures (``digest.compose_digest``) to every active staff
member who opted in, once per member and week.

Rendered with the staff email environment (English, HTML autoescaped; dates and figures in the
member's own format, ``StaffUser.format_locale``) and queued in the outbox
like the rescue notices, each with its ``deliver_email`` registered for after the caller's
commit. The once-per-week guarantee is a ``weekly_digests`` row unique on (staff member, week
start), inserted before the email in the same transaction: a second run of the beat, or two at
once, finds the row and queues nothing.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.kernel import formatting
from surveys.kernel.db import insert_ignore
from surveys.kernel.settings import Settings
from surveys.mail.outbox import deliver_after_commit
from surveys.mail.render import env, new_message_id
from surveys.models import OutboxEmail, StaffUser, WeeklyDigest
from surveys.reports import figures
from surveys.reports.digest import Digest, compose_digest

KIND = "weekly_digest"
# Roles that may open rescue tasks, so their digest links each task (analysts' lists the work).
RESCUE_ROLES = ("admin", "agent")
UNITS = {"nps": "", "csat": "\u00a0%", "ces": ""}
LABELS = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


def send_weekly_digests(session: Session, settings: Settings, moment: datetime) -> list[int]:
    """Queue the digest of the week before ``moment`` for every active, opted-in staff member
    who has not had that week's yet; returns the new outbox ids. Flushes; the caller commits,
    and the commit sends them."""
    recipients = session.scalars(
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.digest_opt_in.is_(True))
        .order_by(StaffUser.id)
    ).all()
    if not recipients:
        return []
    digest = compose_digest(session, moment)
    outbox_ids = []
    for user in recipients:
        claim = insert_ignore(
            session,
            WeeklyDigest,
            {"staff_user_id": user.id, "week_start": digest.week_start, "created_at": moment},
            ("staff_user_id", "week_start"),
        )
        if claim is None:
            continue  # this week's went out already
        outbox = queue_digest_email(session, digest, user, settings)
        session.get(WeeklyDigest, claim).outbox_email_id = outbox.id
        outbox_ids.append(outbox.id)
    session.flush()
    return outbox_ids


def digest_context(digest: Digest, user: StaffUser, settings: Settings) -> dict:
    """What the digest templates show ``user``: figures rounded for reading, links absolute."""
    base = settings.base_url
    locale = formatting.known_locale(user.format_locale)
    last_day = digest.end - timedelta(days=1)
    period = (
        f"{formatting.format_day(digest.start, locale, year=False)} – "
        f"{formatting.format_day(last_day, locale)}"
    )
    with_links = user.role in RESCUE_ROLES
    return {
        "period": period,
        "overview_url": f"{base}/",
        "dashboard_url": f"{base}/insights/dashboard",
        "queue_url": f"{base}/rescue/" if with_links else None,
        "surveys": [_survey_line(week, base, locale) for week in digest.surveys],
        "comments": digest.comments,
        "rising": [
            {
                "name": theme.name,
                "count": theme.count,
                "previous_count": theme.previous_count,
                "significant": theme.significant,
            }
            for theme in digest.rising
        ],
        "open_tasks": digest.open_tasks,
        "overdue_tasks": digest.overdue_tasks,
        "urgent": [
            {
                "id": task.id,
                "url": f"{base}/rescue/{task.id}" if with_links else None,
                "priority": task.priority,
                "due_at": formatting.format_moment(task.due_at, locale) + " UTC",
                "customer": task.customer,
                "survey": task.survey,
                "overdue": task.overdue,
            }
            for task in digest.urgent
        ],
    }


def queue_digest_email(
    session: Session, digest: Digest, user: StaffUser, settings: Settings
) -> OutboxEmail:
    """One staff member's digest into the outbox; flushes and registers its delivery."""
    context = digest_context(digest, user, settings)
    subject = f"Kaiku weekly digest: {context['period']}"
    context["subject"] = subject
    outbox = OutboxEmail(
        kind=KIND,
        to_address=user.email,
        from_address=settings.mail_from,
        subject=subject,
        text_body=env.get_template("email/weekly_digest.txt").render(context),
        html_body=env.get_template("email/weekly_digest.html").render(context),
        headers={},
        message_id=new_message_id(settings),
        status="queued",
    )
    session.add(outbox)
    session.flush()
    deliver_after_commit(session, [outbox.id])
    return outbox


def _survey_line(week, base: str, locale: str) -> dict:
    current = figures.rounded(week.current.as_dict())
    change = figures.rounded(week.change.as_dict())
    unit = UNITS[week.kind]
    if current["value"] is None:
        figure = "no answers"
    else:
        value = formatting.format_number(current["value"], locale, 1)
        figure = f"{LABELS[week.kind]} {value}{unit}"
        if current["margin"] is not None:
            figure += f" ± {formatting.format_number(current['margin'], locale, 1)}"
    if change["difference"] is None:
        trend = "no change to compare"
    else:
        marker = "significant" if change["significant"] else "not significant"
        difference = formatting.format_signed(change["difference"], locale, 1)
        trend = f"{difference} vs the week before ({marker})"
    return {
        "name": week.name,
        "figure": figure,
        "n": week.current.n,
        "enough": week.current.enough,
        "trend": trend,
        "significant": bool(change["significant"]),
        "url": f"{base}/insights/dashboard?survey={week.survey_id}",
    }
