"""One API endpoint's entry in the OpenAPI spec (``app.api.openapi_ops`` and
``app.api.openapi_integration_ops`` hold them): what the spec says that the code does not."""

from dataclasses import dataclass, field

from pydantic import BaseModel

WRITE = (409,)


@dataclass(frozen=True)
class Op:
    """One endpoint's entry: ``answers`` maps each success status to its model (None: no body)."""

    tag: str
    summary: str
    answers: dict[int, type[BaseModel] | None]
    body: type[BaseModel] | None = None
    body_optional: bool = False
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    csv: bool = False  # the 200 may also be text/csv
    public: bool = False  # no bearer key (the widget's calls, the spec itself)
    extra: dict = field(default_factory=dict)
