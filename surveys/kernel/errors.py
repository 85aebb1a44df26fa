"""Errors a service raises for anything a user or client can get wrong; views map them to 4xx."""


class KaikuError(Exception):
    """Base of every domain error; ``status`` is the HTTP status a view should answer with."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.parts: list[KaikuError] = [self]  # several checks' errors, when Problems made it


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


class Problems:
    """Every ValidationError of a series of checks, so a caller hears of all of them at once:
    ``value = problems.check(clean, raw)`` runs a check (None when it failed), then
    ``problems.raise_any()`` raises one ValidationError with all their fields (and the errors
    themselves as its ``parts``, for a form that shows each message at its field)."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def check(self, clean, *args, **kwargs):  # noqa: ANN001, ANN201 (any check, its value)
        try:
            return clean(*args, **kwargs)
        except ValidationError as exc:
            self.errors.append(exc)
            return None

    def raise_any(self, message: str = "Some fields are not valid.") -> None:
        """:raises ValidationError: the one error, or all of them under ``message``."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            fields = {name: why for exc in self.errors for name, why in exc.fields.items()}
            combined = ValidationError(message, fields=fields)
            combined.parts = list(self.errors)
            raise combined
