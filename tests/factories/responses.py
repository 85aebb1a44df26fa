"""Many answered, processed responses at once, inserted in bulk (as years of history would have
left them), for re-tagging tests and benchmarks; the caller commits."""

import hashlib

from sqlalchemy import insert
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import Customer, Invitation, Response


def insert_processed_responses(
    session: Session,
    survey_id: int,
    answers: list[tuple[int, str | None]],
    *,
    version: str | None,
    prefix: str = "hist",
    locale: str = "en",
) -> list[int]:
    """One customer, invitation and processed response per ``(score, comment)``, tagged by
    analysis ``version`` with a neutral sentiment and no themes; returns the response ids."""
    now = clock.now()
    n = len(answers)
    customer_ids = session.scalars(
        insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
        [
            {"external_id": f"{prefix}-{i}", "email": f"{prefix}{i}@example.com",
             "locale": locale, "timezone": "UTC", "stage": "active", "attributes": {},
             "unsubscribed": False, "created_at": now, "updated_at": now}
            for i in range(n)
        ],
    ).all()  # fmt: skip
    invitation_ids = session.scalars(
        insert(Invitation).returning(Invitation.id, sort_by_parameter_order=True),
        [
            {"survey_id": survey_id, "customer_id": cid, "token_hash": _token_hash(prefix, i),
             "status": "answered", "channel": "email", "created_at": now, "expires_at": now,
             "answered_at": now}
            for i, cid in enumerate(customer_ids)
        ],
    ).all()  # fmt: skip
    rows = [
        {"invitation_id": iid, "survey_id": survey_id, "customer_id": cid, "score": score,
         "comment": comment, "channel": "email", "stage": "active", "revision": 1,
         "category": "detractor" if score <= 6 else "passive" if score <= 8 else "promoter",
         "language": "en" if comment else None,
         "sentiment_polarity": 0.0 if comment else None,
         "sentiment_label": "neutral" if comment else None, "sentiment_mixed": False,
         "analysis_version": version, "answered_at": now, "updated_at": now,
         "processed_at": now}
        for iid, cid, (score, comment) in zip(invitation_ids, customer_ids, answers, strict=True)
    ]  # fmt: skip
    return list(
        session.scalars(
            insert(Response).returning(Response.id, sort_by_parameter_order=True), rows
        ).all()
    )


def _token_hash(prefix: str, i: int) -> str:
    return hashlib.sha256(f"{prefix}-{i}".encode()).hexdigest()
