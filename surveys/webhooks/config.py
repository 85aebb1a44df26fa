"""The webhook settings the domain needs, read from the Flask config by the caller."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from surveys.webhooks.ssrf import parse_allowed_hosts


@dataclass(frozen=True)
class WebhookSettings:
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    # An endpoint failing without a success for this long is disabled (and admins are told).
    disable_after: timedelta = timedelta(days=5)
    timeout: float = 15.0
    # How long the old secret still signs after a rotation.
    rotation_grace: timedelta = timedelta(hours=24)
    # A first attempt whose message was lost is offered again by the sweeper after this.
    sweep_after: timedelta = timedelta(seconds=40)
    # The delivery log (events, deliveries, attempts) is kept this long (surveys.webhooks.pruning).
    keep_log: timedelta = timedelta(days=30)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> "WebhookSettings":
        """Settings from the Flask config (WEBHOOK_* and SWEEP_AFTER_SECONDS)."""
        return cls(
            allowed_hosts=parse_allowed_hosts(config.get("WEBHOOK_ALLOWED_HOSTS")),
            disable_after=timedelta(days=config.get("WEBHOOK_DISABLE_AFTER_DAYS", 5)),
            timeout=float(config.get("WEBHOOK_TIMEOUT_SECONDS", 15)),
            rotation_grace=timedelta(hours=config.get("WEBHOOK_ROTATION_GRACE_HOURS", 24)),
            sweep_after=timedelta(seconds=config.get("SWEEP_AFTER_SECONDS", 40)),
            keep_log=timedelta(days=config.get("WEBHOOK_LOG_DAYS", 30)),
        )
