"""Admin pages: surveys with their trigger rules, customer imports, staff, re-tagging."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import brand, imports, previews, reanalysis, rules, segments, staff, surveys  # noqa: E402,F401
