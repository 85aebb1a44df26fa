"""The widget API's request bodies: the signed identity every call carries, and each call's own."""

from pydantic import BaseModel, ConfigDict, Field

from surveys.embed.signing import Claim


class IdentityBody(BaseModel):
    """Who the page says is answering; verified by ``surveys.embed.identity``. ``attributes`` is
    the JSON object's text exactly as the company's backend signed it."""

    model_config = ConfigDict(extra="forbid")

    customer: str | None = Field(default=None, max_length=255)
    signature: str | None = Field(default=None, max_length=128)
    key_id: str | None = Field(default=None, max_length=24)
    expires: int | None = Field(default=None, ge=0, le=2**40)
    attributes: str | None = Field(default=None, max_length=8000)
    language: str | None = Field(default=None, max_length=35)

    def claim(self) -> Claim:
        return Claim(
            customer=self.customer or None,
            signature=self.signature or None,
            key_id=self.key_id or None,
            expires=self.expires,
            attributes=self.attributes or None,
            language=self.language or None,
        )


class VisitBody(IdentityBody):
    url: str | None = Field(default=None, max_length=2000)


class DisplayBody(IdentityBody):
    pass


class AnswerBody(IdentityBody):
    score: int | None = Field(default=None, ge=-1000, le=1000)
    comment: str | None = Field(default=None, max_length=5000)
    display: str | None = Field(default=None, max_length=128)
    idempotency_key: str | None = Field(default=None, max_length=64)


class FollowBody(IdentityBody):
    """A later call about the same display: a dismissal, the thank-you's referral poll."""

    display: str | None = Field(default=None, max_length=128)
    idempotency_key: str | None = Field(default=None, max_length=64)
