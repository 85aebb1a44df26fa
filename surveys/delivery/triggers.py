"""Trigger evaluation: lifecycle events → the surveys whose rules match → invitations.

For each event, every active rule of an active survey on that event name whose filters match
the customer gives one invitation wanted at ``occurred_at + delay``: "scheduled" (perhaps moved
by quiet hours) or "skipped" with its reason, as ``eligibility`` decides. The row is unique per
(event, rule), so evaluating an event again adds nothing; one that meets an open invitation made
meanwhile by another transaction is kept skipped (``invitations.insert_invitations``).

Built for bursts: a batch of events costs a handful of queries whatever its size (the rules
once, the customers' recent invitations once, one multi-row insert).
"""

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from surveys.delivery.eligibility import SKIP, Past, decide_with, load_histories
from surveys.delivery.invitations import evaluated_pairs, insert_invitations
from surveys.delivery.scheduling import invitation_row
from surveys.kernel.settings import Settings
from surveys.models import Customer, Event, Invitation, Survey, TriggerRule

_MISSING = object()


def rule_matches(filters: Sequence[Mapping[str, Any]] | None, customer: Customer) -> bool:
    """Whether every filter matches the customer (AND); no filters match everyone.

    A filter is ``{"field": "stage" | "attributes.<name>", "op": ..., "value": ...}``; a filter
    this code cannot read (unknown field or operator) matches nothing, so a broken rule stays
    silent rather than inviting everyone.
    """
    return all(filter_matches(item, customer) for item in filters or ())


def filter_matches(item: Mapping[str, Any], customer: Customer) -> bool:
    if not isinstance(item, Mapping):
        return False
    field, op, expected = item.get("field"), item.get("op"), item.get("value")
    actual = _field_value(customer, field)
    if op == "exists":
        present = actual is not _MISSING and actual is not None
        return present == (expected is not False)
    if actual is _MISSING:
        return False
    if op == "equals":
        return _same(actual, expected)
    if op == "one_of":
        return isinstance(expected, list) and any(_same(actual, item) for item in expected)
    if op in ("gt", "gte", "lt", "lte"):
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            return False
        return {
            "gt": left > right,
            "gte": left >= right,
            "lt": left < right,
            "lte": left <= right,
        }[op]
    return False


def evaluate_events(
    session: Session, events: Sequence[Event], settings: Settings
) -> list[Invitation]:
    """Create the invitations ``events`` trigger; returns the ones newly added (scheduled and
    skipped), an event already evaluated adds none. Flushes; the caller commits.

    Events of one customer are taken in ``occurred_at`` order, so the first one's invitation
    counts as the open invitation (and the recent contact) of the next.
    """
    if not events:
        return []
    names = {event.name for event in events}
    rules = session.scalars(
        select(TriggerRule)
        .join(TriggerRule.survey)
        .options(contains_eager(TriggerRule.survey))
        .where(
            TriggerRule.event_name.in_(names),
            TriggerRule.active.is_(True),
            Survey.active.is_(True),
        )
        .order_by(TriggerRule.id)
    ).all()
    if not rules:
        return []
    rules_by_event: dict[str, list[TriggerRule]] = defaultdict(list)
    for rule in rules:
        rules_by_event[rule.event_name].append(rule)

    ordered = sorted(events, key=lambda e: (e.occurred_at, e.id))
    wanted = [(e, r) for e in ordered for r in rules_by_event.get(e.name, ()) if e.id is not None]
    wanted = [(e, r) for e, r in wanted if rule_matches(r.filters, e.customer)]
    if not wanted:
        return []
    earliest = min(e.occurred_at for e, _ in wanted)
    histories = load_histories(session, [e.customer_id for e, _ in wanted], settings, at=earliest)
    done = evaluated_pairs(session, {event.id for event, _ in wanted})

    rows = []
    for event, rule in wanted:
        if (event.id, rule.id) in done:
            continue
        done.add((event.id, rule.id))
        customer, survey = event.customer, rule.survey
        at = event.occurred_at + timedelta(minutes=rule.delay_minutes or 0)
        history = histories.setdefault(customer.id, [])
        decision = decide_with(
            customer, survey, at=at, settings=settings, history=history, channel=rule.channel
        )
        row = invitation_row(
            survey, customer.id, decision, settings,
            channel=rule.channel, event_id=event.id, rule_id=rule.id,
        )  # fmt: skip
        rows.append(row)
        if decision.action != SKIP:
            # Counts for this customer's later events in the batch: an open invitation, and
            # (once sent) a contact inside the windows.
            history.append(Past(-len(rows), survey.id, "scheduled", decision.at))
    return insert_invitations(session, rows)


def _field_value(customer: Customer, field: Any) -> Any:
    if field == "stage":
        return customer.stage
    if isinstance(field, str) and field.startswith("attributes.") and len(field) > 11:
        return (customer.attributes or {}).get(field[11:], _MISSING)
    return _MISSING


def _same(actual: Any, expected: Any) -> bool:
    """Equality that does not let True equal 1, and compares numbers by value (3 == 3.0)."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return actual == expected
    return type(actual) is type(expected) and actual == expected


def _number(value: Any) -> float | None:
    """A finite number, or None; numeric strings ("42.5") count, booleans do not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None
