"""Who is answering in the widget: a verified customer, one let through unverified (report-only
mode), or the anonymous visitor, and the refusals an admin reads before enforcing.

In ``enforce`` mode an unsigned, wrongly signed or expired identity is refused: the caller
commits the refusal's log row and answers 403, and nothing else is stored. In ``report_only``
the refusal is logged all the same (``enforced = False``) and the visitor goes on as
"unverified": their answer is kept and counted apart (``by=identity``), but the attributes they
passed are not applied, since nobody vouched for them.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surveys.customers.fields import check_external_id
from surveys.customers.records import apply_customer_fields, check_customer_fields
from surveys.embed.keys import valid_keys
from surveys.embed.signing import Claim, verify
from surveys.kernel.db import insert_ignore
from surveys.kernel.errors import ForbiddenError, ValidationError
from surveys.kernel.languages import normalise_locale, served_language
from surveys.models import Customer, EmbedRefusal, Survey, SurveyEmbed

ANONYMOUS_EXTERNAL_ID = "kaiku:anonymous"
MAX_ATTRIBUTES_LENGTH = 8000
KEEP_REFUSALS = timedelta(days=30)
# The customer fields a signed identity may set; every other key is a customer attribute.
CUSTOMER_FIELDS = ("email", "name", "locale", "timezone")
REFUSALS = {
    "unsigned": "This survey needs a signed customer id: data-signature is missing. Sign the id "
    "on your server with the survey's embed secret (hex HMAC-SHA256).",
    "bad_signature": "The signature does not match the customer id (with the expiry and "
    "attributes when they are passed). Check the secret and exactly what was signed.",
    "expired": "The signed identity has expired (data-expires is in the past). Sign it again "
    "each time the page is rendered.",
    "unknown_key": "data-key-id names no valid signing key of this survey (rotated out?).",
    "no_customer": "This survey does not take anonymous answers: pass data-customer and "
    "data-signature.",
}


class IdentityRefusedError(ForbiddenError):
    code = "identity_refused"


@dataclass(frozen=True)
class Visitor:
    """The person behind a widget call, once ``identify`` has decided."""

    customer: Customer | None  # None when refused
    identity: str  # signed | unverified | anonymous
    language: str
    refused: str | None = None  # the refusal reason, logged whether enforced or not

    @property
    def anonymous(self) -> bool:
        return self.identity == "anonymous"


def identify(
    session: Session,
    survey: Survey,
    embed: SurveyEmbed,
    claim: Claim,
    *,
    origin: str | None,
    now: datetime,
    apply_attributes: bool = True,
) -> Visitor:
    """Decide who ``claim`` is; logs a refusal, creates a customer Kaiku does not know yet.

    Signed attributes are applied; with ``apply_attributes`` off only to a customer created now
    (the answer call: the page load applied them already, and an answer's transaction should not
    hold a known customer's row while it waits for the response's, which the worker may hold as
    it moves the stage).

    Flushes, does not commit. A refused visitor in enforce mode comes back with ``customer``
    None; ``raise_if_refused`` turns that into the 403 after the caller committed the log.

    :raises ValidationError: a malformed claim (customer id, attributes, language).
    """
    language = _language(claim.language)
    if not claim.customer:
        if embed.anonymous:
            return Visitor(anonymous_customer(session), "anonymous", language)
        _log_refusal(session, survey, embed, claim, "no_customer", origin, now, always=True)
        return Visitor(None, "refused", language, "no_customer")
    external_id = _external_id(claim.customer)
    fields = _attribute_fields(claim.attributes)
    secrets = [(key.key_id, key.secret) for key in valid_keys(session, survey.id, now)]
    verdict = verify(claim, secrets, now=now)
    if not verdict.ok:
        if _log_refusal(session, survey, embed, claim, verdict.reason, origin, now):
            return Visitor(None, "refused", language, verdict.reason)
        customer = _customer(session, external_id, {}, language)
        return Visitor(customer, "unverified", served_language(customer.locale), verdict.reason)
    customer = _customer(session, external_id, fields, language, update=apply_attributes)
    return Visitor(customer, "signed", served_language(customer.locale))


def raise_if_refused(visitor: Visitor) -> None:
    """:raises IdentityRefusedError: the visitor was refused (enforce mode)."""
    if visitor.customer is None:
        reason = visitor.refused or "unsigned"
        raise IdentityRefusedError(REFUSALS[reason], fields={"identity": reason})


def anonymous_customer(session: Session) -> Customer:
    """The one record that stands for every anonymous widget answer (made on first use)."""
    insert_ignore(
        session,
        Customer,
        {
            "external_id": ANONYMOUS_EXTERNAL_ID,
            "anonymous": True,
            "stage": "active",
            "attributes": {},
        },
        conflict=["external_id"],
    )
    return session.scalars(
        select(Customer).where(Customer.external_id == ANONYMOUS_EXTERNAL_ID)
    ).one()


def _customer(
    session: Session, external_id: str, fields: dict, language: str, *, update: bool = True
) -> Customer:
    """The customer, created when new; ``fields`` set on a new one, and on a known one when
    ``update``."""
    created = insert_ignore(
        session,
        Customer,
        {"external_id": external_id, "locale": language, "attributes": {}},
        conflict=["external_id"],
    )
    customer = session.scalars(select(Customer).where(Customer.external_id == external_id)).one()
    if customer.anonymous:
        raise ValidationError("This customer id is reserved.", fields={"customer": "reserved"})
    if fields and (update or created is not None):
        apply_customer_fields(session, customer, fields, cause="embed", initial=created is not None)
        session.flush()
    return customer


def _log_refusal(
    session: Session,
    survey: Survey,
    embed: SurveyEmbed,
    claim: Claim,
    reason: str,
    origin: str | None,
    now: datetime,
    *,
    always: bool = False,
) -> bool:
    """Log the refusal (rows older than a month go); whether it is enforced."""
    enforced = always or embed.mode == "enforce"
    session.execute(
        delete(EmbedRefusal).where(
            EmbedRefusal.survey_id == survey.id, EmbedRefusal.at < now - KEEP_REFUSALS
        )
    )
    session.add(
        EmbedRefusal(
            survey_id=survey.id,
            at=now,
            reason=reason,
            enforced=enforced,
            origin=(origin or "")[:200] or None,
            claimed_customer=(claim.customer or "")[:80] or None,
        )
    )
    session.flush()
    return enforced


def _external_id(value: str) -> str:
    try:
        external_id = check_external_id(value)
    except ValidationError:
        raise ValidationError(
            "The customer id must be 1 to 255 printable characters, not starting kaiku:.",
            fields={"customer": "invalid"},
        ) from None
    return external_id


def _attribute_fields(raw: str | None) -> dict:
    """The signed attributes as checked customer fields: email, name, locale and timezone set
    those fields; every other key is a customer attribute."""
    if not raw:
        return {}
    if len(raw) > MAX_ATTRIBUTES_LENGTH:
        raise ValidationError("The attributes are too long.", fields={"attributes": "too long"})
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise ValidationError(
            "The attributes must be a JSON object.", fields={"attributes": "not JSON"}
        ) from None
    if not isinstance(parsed, dict):
        raise ValidationError(
            "The attributes must be a JSON object.", fields={"attributes": "not an object"}
        )
    fields = {k: parsed[k] for k in CUSTOMER_FIELDS if k in parsed}
    extra = {k: v for k, v in parsed.items() if k not in CUSTOMER_FIELDS}
    if extra:
        fields["attributes"] = extra
    try:
        _, values = check_customer_fields("checked", fields)
    except ValidationError as exc:
        raise ValidationError(
            "Some attributes are not valid.",
            fields={f"attributes.{name}": why for name, why in exc.fields.items()},
        ) from None
    return values


def _language(value: str | None) -> str:
    if not value:
        return served_language(None)
    try:
        return served_language(normalise_locale(value))
    except ValueError:
        return served_language(None)
