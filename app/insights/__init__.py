"""Staff pages for reading feedback: the overview."""

from flask import Blueprint

bp = Blueprint("insights", __name__)

from app.insights import routes, themes  # noqa: E402,F401
