"""Staff sign-in (password, then the code of a second factor) and sign-out, and what staff do
about their own account: forgotten and changed passwords, setting up the second factor."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import passwords, routes, two_factor  # noqa: E402,F401
