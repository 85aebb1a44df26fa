"""The support team's rescue queue: the queue, a task with the customer's timeline, actions."""

from flask import Blueprint

bp = Blueprint("rescue", __name__)

from app.rescue import report_page, routes  # noqa: E402,F401
