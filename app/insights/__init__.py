"""Staff pages for reading feedback: the overview."""

from flask import Blueprint

bp = Blueprint("insights", __name__)

from app.insights import dashboard, explorer, routes, themes, themes_report  # noqa: E402,F401
