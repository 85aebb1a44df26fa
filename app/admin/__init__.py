"""Admin pages: surveys with their trigger rules, customer imports, staff, re-tagging,
webhooks."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import (  # noqa: E402,F401
    brand,
    embed,
    imports,
    previews,
    reanalysis,
    rules,
    segments,
    staff,
    staff_security,
    surveys,
    webhook_edits,
    webhooks,
)
