"""The staff customer pages: the directory, and one customer's record, stage, answers, tasks,
timeline and the reply form; for admins the export and erasure of their data (``privacy``)."""

from flask import Blueprint

bp = Blueprint("customers", __name__)

from app.customers import directory, privacy, routes  # noqa: E402,F401
