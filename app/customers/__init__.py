"""The staff customer page: one customer's record, stage, answers, tasks and timeline."""

from flask import Blueprint

bp = Blueprint("customers", __name__)

from app.customers import routes  # noqa: E402,F401
