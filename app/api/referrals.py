"""Referral programmes and promoters' referral links."""

from functools import partial
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.api import bp
from app.api.lifecycle_schemas import ConversionCreate
from app.api.paging import paged
from app.api.parsing import json_body, query_args
from app.api.schemas import ProgrammeCreate, ReferralsQuery
from app.api.serializers import programme_json, referral_json
from app.extensions import db
from surveys.customers.records import get_customer
from surveys.models import Referral, ReferralProgramme
from surveys.referrals.codes import create_programme, record_conversion


@bp.get("/referral-programmes")
def list_referral_programmes() -> dict[str, Any]:
    programmes = db.session.scalars(select(ReferralProgramme).order_by(ReferralProgramme.id))
    return {"items": [programme_json(programme) for programme in programmes]}


@bp.post("/referral-programmes")
def create_referral_programme() -> tuple[dict[str, Any], int]:
    """201 with the programme; its landing URL must be an absolute http(s) address (422)."""
    body = json_body(ProgrammeCreate)
    programme = create_programme(
        db.session,
        body.name,
        body.landing_url,
        reward=body.reward,
        active=body.active,
        rewards=body.rewards,
    )
    db.session.commit()
    return programme_json(programme), 201


@bp.get("/referrals")
def list_referrals() -> dict[str, Any]:
    """Newest first; ``customer`` (an external id) narrows to one customer's links (404 if none)."""
    query = query_args(ReferralsQuery)
    stmt = select(Referral)
    if query.customer is not None:
        stmt = stmt.where(Referral.customer_id == get_customer(db.session, query.customer).id)
    settings = current_app.extensions["kaiku_settings"]
    return paged(stmt, Referral.id, query, partial(referral_json, settings=settings))


@bp.post("/referrals/<code>/conversions")
def create_referral_conversion(code: str) -> tuple[dict[str, Any], int]:
    """A referred customer signed up: 201 with the referral when counted (the referrer becomes
    an advocate), 200 with ``counted`` false when this customer was already referred."""
    body = json_body(ConversionCreate)
    referral, counted = record_conversion(
        db.session, code, body.customer.model_dump(exclude_unset=True)
    )
    settings = current_app.extensions["kaiku_settings"]
    answer = referral_json(referral, settings) | {"counted": counted}
    db.session.commit()
    return answer, 201 if counted else 200
