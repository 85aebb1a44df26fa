"""Rows as the API's JSON: one function per resource, datetimes as ISO 8601 with a zone."""

from datetime import datetime
from typing import Any

from app.api.schemas import V1_TEXT_FIELDS
from surveys.delivery.invitations import NewInvitation, answer_url, invitation_token
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import (
    Customer,
    EmbedSecret,
    Invitation,
    Referral,
    ReferralProgramme,
    RescueTask,
    RescueTaskEvent,
    Response,
    StageChange,
    Survey,
    SurveyEmbed,
)
from surveys.referrals.codes import referral_url


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with its UTC offset ("2025-03-01T09:30:00+00:00"); the models keep aware UTC."""
    return moment.isoformat() if moment is not None else None


def survey_json(survey: Survey, embed: dict[str, Any]) -> dict[str, Any]:
    """The survey with its ``embed`` object (``embed_json``, loaded by app.api.embeds)."""
    return {
        "id": survey.id,
        "key": survey.key,
        "name": survey.name,
        "kind": survey.kind,
        "texts": survey.texts,
        # v1: the text a customer of that language is shown (English where there is none).
        **{name: survey.text(code, key) for name, (code, key) in V1_TEXT_FIELDS.items()},
        "active": survey.active,
        "recontact_days": survey.recontact_days,
        "reminder_days": survey.reminder_days,
        "expire_days": survey.expire_days,
        "quiet_weekends": survey.quiet_weekends,
        "retention_months": survey.retention_months,
        "trigger_rules": [
            {
                "id": rule.id,
                "event_name": rule.event_name,
                "delay_minutes": rule.delay_minutes,
                "filters": rule.filters,
                "channel": rule.channel,
                "active": rule.active,
                "created_at": iso(rule.created_at),
            }
            for rule in survey.trigger_rules
        ],
        "embed": embed,
        "created_at": iso(survey.created_at),
    }


def embed_json(survey: Survey, embed: SurveyEmbed, keys: list[EmbedSecret]) -> dict[str, Any]:
    """A survey's embed settings and its signing keys' ids and dates; never a secret."""
    return {
        "key": survey.key,
        "allowed_origins": embed.allowed_origins,
        "anonymous": embed.anonymous,
        "triggers": embed.triggers,
        "mode": embed.mode,
        "dismiss_days": embed.dismiss_days,
        "keys": [
            {
                "key_id": key.key_id,
                "created_at": iso(key.created_at),
                "retires_at": iso(key.retires_at),
            }
            for key in keys
        ],
    }


# Statuses whose answer link is live (or was, for answered ones): the API shows it then.
LINK_STATUSES = ("pending", "queued", "sent", "answered")


def invitation_json(invitation: Invitation | NewInvitation, settings: Settings) -> dict[str, Any]:
    """An invitation with its status, the reason for it, its timeline and what triggered it.

    ``url`` is the answer link while it can be answered (or was answered), rebuilt from the
    token's nonce; None for scheduled, skipped and expired ones, and for old links made before
    nonces (their token exists nowhere now).
    """
    token = None
    if isinstance(invitation, NewInvitation):
        invitation, token = invitation.invitation, invitation.token
    if invitation.status not in LINK_STATUSES:
        token = None  # a new invitation can be skipped: its link is closed from the start
    elif token is None:
        token = invitation_token(invitation, settings)
    return {
        "id": invitation.id,
        "url": answer_url(settings, token) if token else None,
        "status": invitation.status,
        "reason": invitation.reason,
        "channel": invitation.channel,
        "survey": invitation.survey_id,
        "customer": invitation.customer.external_id,
        "event": invitation.event_id,
        "rule": invitation.trigger_rule_id,
        "created_at": iso(invitation.created_at),
        "scheduled_for": iso(invitation.scheduled_for),
        "sent_at": iso(invitation.sent_at),
        "reminded_at": iso(invitation.reminded_at),
        "answered_at": iso(invitation.answered_at),
        "expires_at": iso(invitation.expires_at),
    }


def sentiment_json(response: Response) -> dict[str, Any] | None:
    """``{polarity, label, mixed, complaint, reason}``; None without a (processed) comment. A
    comment in a language Kaiku does not analyse has label and polarity null and a reason."""
    if response.sentiment_label is None and response.sentiment_reason is None:
        return None
    return {
        "polarity": response.sentiment_polarity,
        "label": response.sentiment_label,
        "mixed": bool(response.sentiment_mixed),
        "complaint": response.sentiment_complaint,
        "reason": response.sentiment_reason,
    }


def response_json(response: Response) -> dict[str, Any]:
    sentiment = sentiment_json(response)
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
        "analysis_version": response.analysis_version,
        "channel": response.channel,
        "identity": response.identity,
        "stage": response.stage,
        "answered_at": iso(response.answered_at),
        "processed_at": iso(response.processed_at),
    }


def rescue_task_json(task: RescueTask, *, full: bool = False) -> dict[str, Any]:
    """A rescue task; ``full`` adds its notes and history (one task's page, not a list)."""
    answer = {
        "id": task.id,
        "response": task.response_id,
        "customer": task.customer.external_id,
        "survey": task.survey_id,
        "status": task.status,
        "priority": task.priority,
        "due_at": iso(task.due_at),
        "overdue": task.is_overdue(clock.now()),
        "assignee": task.assignee.email if task.assignee is not None else None,
        "handled_by": task.handled_by,
        "outcome": task.outcome,
        "resolution_note": task.resolution_note,
        "first_contact_at": iso(task.first_contact_at),
        "sla_met": task.sla_met,
        "escalated_at": iso(task.escalated_at),
        "resolved_at": iso(task.resolved_at),
        "winback": task.winback,
        "winback_at": iso(task.winback_at),
        "resurvey_invitation": task.resurvey_invitation_id,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
    }
    if full:
        answer["notes"] = [
            {
                "id": note.id,
                "author": note.author.email if note.author is not None else None,
                "author_kind": note.author_kind,
                "author_label": note.author_label,
                "body": note.body,
                "created_at": iso(note.created_at),
            }
            for note in task.notes
        ]
        answer["history"] = [_history_json(event) for event in task.history]
    return answer


def _history_json(event: RescueTaskEvent) -> dict[str, Any]:
    """One history row: ``actor`` is a person's email (None for a key or Kaiku), ``actor_kind``
    and ``actor_label`` say who acted whatever they were."""
    detail = event.detail or {}
    if event.actor_key is not None:  # where clients found the key before actor_label existed
        detail = {**detail, "api_key": event.actor_key.name}
    return {
        "action": event.action,
        "actor": event.actor.email if event.actor is not None else None,
        "actor_kind": event.actor_kind,
        "actor_label": event.actor_label,
        "detail": detail,
        "created_at": iso(event.created_at),
    }


def programme_json(programme: ReferralProgramme) -> dict[str, Any]:
    return {
        "id": programme.id,
        "name": programme.name,
        "reward": programme.reward,
        "rewards": programme.rewards or {},
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


def customer_json(customer: Customer, history: list[StageChange]) -> dict[str, Any]:
    """A customer with ``history``, their stage changes (``lifecycle.stage_history``)."""
    return {
        "external_id": customer.external_id,
        "email": customer.email,
        "name": customer.name,
        "locale": customer.locale,
        "timezone": customer.timezone,
        "stage": customer.stage,
        "attributes": customer.attributes or {},
        "unsubscribed": customer.unsubscribed,
        "bounced_at": iso(customer.bounced_at),
        "bounce_reason": customer.bounce_reason,
        "created_at": iso(customer.created_at),
        "updated_at": iso(customer.updated_at),
        "stage_history": [
            {
                "from": change.from_stage,
                "to": change.to_stage,
                "cause": change.cause,
                "detail": change.detail,
                "event": change.event_id,
                "response": change.response_id,
                "at": iso(change.changed_at),
            }
            for change in history
        ],
    }
