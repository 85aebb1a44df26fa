"""Public pages for respondents: the answer pages, unsubscribe, the referral redirect."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from app.respond import brand, referral_link, routes, unsubscribe  # noqa: E402,F401
