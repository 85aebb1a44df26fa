"""Errors a service raises for anything a user or client can get wrong; views map them to 4xx."""


class KaikuError(Exception):
    """Base of every domain error; ``status`` is the HTTP status a view should answer with."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(KaikuError):
    status = 422
    code = "invalid"


class ForbiddenError(KaikuError):
    """The actor's role does not allow the change."""

    status = 403
    code = "forbidden"


class NotFoundError(KaikuError):
    status = 404
    code = "not_found"


class ConflictError(KaikuError):
    status = 409
    code = "conflict"


class InvitationExpiredError(KaikuError):
    status = 410
    code = "expired"


class InvalidScoreError(ValidationError):
    code = "invalid_score"
