"""The staff customer pages: the directory, and one customer's record, stage, answers, tasks,
timeline and the reply form."""

from flask import Blueprint

bp = Blueprint("customers", __name__)

from app.customers import directory, privacy, routes  # noqa: E402,F401
