"""Rows as the API's JSON: one function per resource, datetimes as ISO 8601 with a zone."""

from datetime import datetime
from typing import Any

from surveys.invitations import NewInvitation
from surveys.models import Referral, ReferralProgramme, RescueTask, Response, Survey
from surveys.referrals import referral_url
from surveys.settings import Settings


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with its UTC offset ("2025-03-01T09:30:00+00:00"); the models keep aware UTC."""
    return moment.isoformat() if moment is not None else None


def survey_json(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.id,
        "key": survey.key,
        "name": survey.name,
        "kind": survey.kind,
        "question_en": survey.question_en,
        "question_fi": survey.question_fi,
        "comment_prompt_en": survey.comment_prompt_en,
        "comment_prompt_fi": survey.comment_prompt_fi,
        "active": survey.active,
        "created_at": iso(survey.created_at),
    }


def invitation_json(new: NewInvitation, settings: Settings) -> dict[str, Any]:
    """A just-created invitation with its answer link (the only time the link can be shown)."""
    invitation = new.invitation
    return {
        "id": invitation.id,
        "url": new.url(settings),
        "status": invitation.status,
        "survey": invitation.survey_id,
        "customer": invitation.customer.external_id,
        "expires_at": iso(invitation.expires_at),
    }


def response_json(response: Response) -> dict[str, Any]:
    sentiment = None
    if response.sentiment_label is not None:
        sentiment = {"polarity": response.sentiment_polarity, "label": response.sentiment_label}
    return {
        "id": response.id,
        "survey": response.survey_id,
        "customer": response.customer.external_id,
        "score": response.score,
        "category": response.category,
        "comment": response.comment,
        "language": response.language,
        "sentiment": sentiment,
        "themes": response.theme_names,
        "channel": response.channel,
        "stage": response.stage,
        "answered_at": iso(response.answered_at),
        "processed_at": iso(response.processed_at),
    }


def rescue_task_json(task: RescueTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "response": task.response_id,
        "customer": task.customer.external_id,
        "survey": task.survey_id,
        "status": task.status,
        "priority": task.priority,
        "due_at": iso(task.due_at),
        "assignee": task.assignee.email if task.assignee is not None else None,
        "outcome": task.outcome,
        "resolution_note": task.resolution_note,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
    }


def programme_json(programme: ReferralProgramme) -> dict[str, Any]:
    return {
        "id": programme.id,
        "name": programme.name,
        "reward": programme.reward,
        "landing_url": programme.landing_url,
        "active": programme.active,
        "created_at": iso(programme.created_at),
    }


def referral_json(referral: Referral, settings: Settings) -> dict[str, Any]:
    return {
        "code": referral.code,
        "url": referral_url(settings, referral),
        "programme": referral.programme_id,
        "customer": referral.customer.external_id,
        "clicks": referral.clicks,
        "conversions": referral.conversions,
        "created_at": iso(referral.created_at),
    }
