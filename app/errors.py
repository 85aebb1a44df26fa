"""Error pages and JSON errors: a clear 4xx for what a user got wrong, a rolled-back 500."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.extensions import db
from surveys.kernel.errors import KaikuError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The API's error shape; ``fields`` is always there, ``{}`` when no field is to blame."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def register(app: Flask) -> None:
    @app.errorhandler(KaikuError)
    def domain_error(exc: KaikuError):
        db.session.rollback()
        if wants_json():
            return jsonify(error_body(exc.code, exc.message, exc.fields)), exc.status
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        # Keep what the exception says in headers (Allow on 405, Retry-After on 429, ...).
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if wants_json():
            return jsonify(error_body(code, exc.description or exc.name)), exc.code, headers
        page = render_template("error.html", status=exc.code, message=exc.description or exc.name)
        return page, exc.code, headers

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = "Something went wrong on our side; nothing you sent was lost if it was saved."
        if wants_json():
            return jsonify(error_body("server_error", "Internal server error.")), 500
        return render_template("error.html", status=500, message=message), 500
