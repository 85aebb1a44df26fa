"""The embed settings' answer models for the OpenAPI spec: a survey's ``embed`` object
(``app.api.serializers.embed_json``) and a new signing secret (``app.api.embeds``)."""

from typing import Any, Literal

from app.api.model_base import Moment, Out


class EmbedKeyOut(Out):
    key_id: str
    created_at: Moment
    retires_at: Moment


class EmbedOut(Out):
    """A survey's embed settings with its signing keys' ids and dates; never a secret."""

    key: str
    allowed_origins: list[str]
    anonymous: bool
    triggers: list[dict[str, Any]]
    mode: Literal["report_only", "enforce"]
    dismiss_days: int
    keys: list[EmbedKeyOut]


class EmbedSecretRetiring(Out):
    key_id: str
    retires_at: Moment


class EmbedSecretCreated(Out):
    """The new signing secret, returned this once."""

    key_id: str
    secret: str
    created_at: Moment
    retiring: list[EmbedSecretRetiring]
