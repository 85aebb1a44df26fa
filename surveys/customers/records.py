"""Customers, keyed by the integrator's own id: create or update them, and decide if we may email.

Every value is checked before anything is written (``surveys.customers.fields``), so a rejected
call leaves no half-made row.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.customers.fields import MAX_EXTERNAL_ID_LENGTH, check_external_id, checked
from surveys.customers.stages import move_stage
from surveys.kernel.db import insert_for, insert_ignore
from surveys.kernel.errors import ConflictError, NotFoundError, ValidationError
from surveys.models import Customer
from surveys.models.rollups import mark_segments_moved

UPSERT_FIELDS = ("email", "name", "locale", "timezone", "stage", "attributes", "unsubscribed")


class UnsubscribedError(ConflictError):
    code = "unsubscribed"


class BouncedError(ConflictError):
    code = "bounced"


def upsert_customer(
    session: Session, external_id: str, *, cause: str = "api", **fields: Any
) -> Customer:
    """The customer ``external_id``, created if new, with the given fields set.

    Fields left out keep their value. ``attributes`` are merged into the stored ones (a key
    given as None is removed). A changed ``stage`` is recorded in the stage history with
    ``cause`` (api, import, admin); a changed email clears an earlier bounce. Safe when two
    calls create the same customer at once. Flushes; the caller commits.

    :raises ValidationError: an unknown field or a bad value (email shape, locale, time zone,
        stage, attributes), with the offending fields named.
    """
    external_id, values = check_customer_fields(external_id, fields)
    created = insert_ignore(
        session, Customer, {"external_id": external_id}, conflict=["external_id"]
    )
    customer = session.scalars(select(Customer).where(Customer.external_id == external_id)).one()
    apply_customer_fields(session, customer, values, cause=cause, initial=created is not None)
    session.flush()
    return customer


def check_customer_fields(external_id: Any, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The external id and the fields, checked and cleaned, before anything is written.

    :raises ValidationError: as ``upsert_customer``, every offending field named at once.
    """
    refused: list[ValidationError] = []
    try:
        external_id = check_external_id(external_id)
    except ValidationError as exc:
        refused.append(exc)
    unknown = set(fields) - set(UPSERT_FIELDS)
    if unknown:
        refused.append(
            ValidationError("Unknown customer fields.", fields={f: "unknown" for f in unknown})
        )
    try:
        values = checked({k: v for k, v in fields.items() if k not in unknown})
    except ValidationError as exc:
        refused.append(exc)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        errors = {name: why for exc in refused for name, why in exc.fields.items()}
        raise ValidationError("Some customer fields are not valid.", fields=errors)
    return external_id, values


def apply_customer_fields(
    session: Session, customer: Customer, values: dict[str, Any], *, cause: str, initial: bool
) -> None:
    """Set checked ``values`` (``check_customer_fields``) on ``customer`` as ``upsert_customer``
    does; ``initial`` for a customer created just now. Adds a StageChange; does not flush."""
    values = dict(values)
    stage = values.pop("stage", None)
    if "email" in values and values["email"] != customer.email:
        customer.bounced_at = customer.bounce_reason = None  # a new address deserves a try
    for field, value in values.items():
        if field == "attributes":
            before = dict(customer.attributes or {})
            value = {k: v for k, v in (before | value).items() if v is not None}
            if not initial and customer.id is not None:
                mark_segments_moved(session, customer.id, before, value)
        setattr(customer, field, value)
    if stage is not None:
        move_stage(session, customer, stage, cause=cause, initial=initial)


def load_or_create_customers(
    session: Session, new_values: Mapping[str, dict[str, Any]]
) -> tuple[dict[str, Customer], set[str]]:
    """The customers with these external ids, by id, and which of them this call created; a few
    statements however many ids (a batch of an import).

    Missing customers are inserted with their ``new_values`` (checked by
    ``check_customer_fields``), so a new customer costs no UPDATE; apply the values with
    ``apply_customer_fields`` afterwards as for any customer (for a created one that records
    the first stage and changes nothing else). Safe when another call creates the same
    customers at once: theirs are loaded, not created.
    """
    found = {
        c.external_id: c
        for c in session.scalars(select(Customer).where(Customer.external_id.in_(new_values)))
    }
    rows = [_new_row(e, values) for e, values in new_values.items() if e not in found]
    if not rows:
        return found, set()
    stmt = (
        insert_for(session, Customer)
        .on_conflict_do_nothing(index_elements=["external_id"])
        .returning(Customer)
    )
    created = {c.external_id: c for c in session.scalars(stmt, rows)}
    taken = [row["external_id"] for row in rows if row["external_id"] not in created]
    if taken:  # created meanwhile by someone else
        others = select(Customer).where(Customer.external_id.in_(taken))
        found |= {c.external_id: c for c in session.scalars(others)}
    return found | created, set(created)


def _new_row(external_id: str, values: dict[str, Any]) -> dict[str, Any]:
    row = {"external_id": external_id, **values}
    if "attributes" in row:
        row["attributes"] = {k: v for k, v in row["attributes"].items() if v is not None}
    return row


def get_customer(session: Session, external_id: str) -> Customer:
    """:raises NotFoundError: no customer with this external id."""
    customer = None
    if isinstance(external_id, str) and 0 < len(external_id) <= MAX_EXTERNAL_ID_LENGTH:
        customer = session.scalars(
            select(Customer).where(Customer.external_id == external_id)
        ).one_or_none()
    if customer is None:
        raise NotFoundError(f"No customer {external_id!r}.")
    return customer


def ensure_can_email(customer: Customer) -> None:
    """Check that Kaiku may email ``customer`` now.

    :raises ValidationError: the customer has no email address.
    :raises UnsubscribedError: the customer unsubscribed (409); unsubscribes are always honoured.
    :raises BouncedError: the customer's address bounced (409); a new address clears it.
    """
    if not customer.email:
        raise ValidationError(
            "This customer has no email address to send to.", fields={"email": "required to send"}
        )
    if customer.unsubscribed:
        raise UnsubscribedError(
            "This customer has unsubscribed; Kaiku will not email them.",
            fields={"email": "unsubscribed"},
        )
    if customer.bounced_at is not None:
        raise BouncedError(
            "Email to this customer's address bounced; Kaiku will not email it again until "
            "the address changes.",
            fields={"email": "bounced"},
        )


def unsubscribe(customer: Customer) -> bool:
    """Stop all survey email to ``customer``; True if this changed anything. The caller commits.

    Delivery checks the flag again right before every send, so emails already queued for this
    customer are not sent either.
    """
    if customer.unsubscribed:
        return False
    customer.unsubscribed = True
    return True
