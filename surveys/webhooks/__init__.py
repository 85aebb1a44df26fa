"""Webhooks: events written to an outbox in the transaction of the change that caused them,
delivered by the worker, signed per the Standard Webhooks specification.

This package sits right above ``models`` so every domain package that changes something worth
telling (answers, rescue, referrals, customers) may ``emit`` it. ``events`` writes the outbox;
``signing`` the secrets and signatures; ``schedule`` when to try again; ``ssrf`` which
addresses may be called; ``sending`` one HTTP attempt; ``delivery`` claims and records attempts;
``endpoints`` the endpoints' management, replay and re-send.
"""

from surveys.webhooks.events import EVENT_TYPES, emit, emit_many

__all__ = ["EVENT_TYPES", "emit", "emit_many"]
