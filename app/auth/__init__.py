"""Staff sign-in and sign-out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import passwords, routes, two_factor  # noqa: E402,F401
