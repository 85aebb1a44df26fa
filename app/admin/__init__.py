"""Admin pages: surveys with their trigger rules, customer imports, staff."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import imports, previews, rules, staff, surveys  # noqa: E402,F401
