"""The few configuration values the domain needs, handed to services explicitly."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from surveys.kernel.stages import STAGES

DEFAULT_STAGE_EVENTS = {
    "signed_up": "onboarding",
    "onboarding_completed": "active",
    "renewed": "loyal",
    "cancelled": "churned",
}


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://127.0.0.1:5000"
    mail_from: str = "Kaiku <feedback@localhost>"
    # Link tokens are HMAC(token_secret, nonce), so the app can rebuild a link the database
    # only holds the hash of (reminders, the API).
    token_secret: str = "dev-only-not-secret"
    invitation_ttl: timedelta = timedelta(days=30)
    sweep_after: timedelta = timedelta(seconds=40)
    global_recontact: timedelta = timedelta(days=90)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    dispatch_batch_size: int = 500
    stage_events: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_STAGE_EVENTS))
    rescue_due: timedelta = timedelta(hours=24)
    rescue_high_due: timedelta = timedelta(hours=4)
    rescue_value_attribute: str = "mrr"
    rescue_high_value: float = 1000
    rescue_owner_attribute: str = "account_owner"
    # Comments kept this many months (0: kept); a survey's retention_months overrides it.
    retention_months: int = 0

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> "Settings":
        """Settings from the Flask config.

        :raises ValueError: QUIET_HOURS or STAGE_EVENTS cannot be read.
        """
        quiet_start, quiet_end = parse_quiet_hours(config["QUIET_HOURS"])
        return cls(
            base_url=config["BASE_URL"],
            mail_from=config["MAIL_FROM"],
            token_secret=config["SECRET_KEY"],
            invitation_ttl=timedelta(days=config["INVITATION_TTL_DAYS"]),
            sweep_after=timedelta(seconds=config["SWEEP_AFTER_SECONDS"]),
            global_recontact=timedelta(days=config["GLOBAL_RECONTACT_DAYS"]),
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            dispatch_batch_size=config["DISPATCH_BATCH_SIZE"],
            stage_events=parse_stage_events(config["STAGE_EVENTS"]),
            rescue_due=timedelta(hours=config["RESCUE_DUE_HOURS"]),
            rescue_high_due=timedelta(hours=config["RESCUE_HIGH_DUE_HOURS"]),
            rescue_value_attribute=config["RESCUE_VALUE_ATTRIBUTE"],
            rescue_high_value=config["RESCUE_HIGH_VALUE"],
            rescue_owner_attribute=config["RESCUE_OWNER_ATTRIBUTE"],
            retention_months=config.get("RETENTION_MONTHS", 0),
        )


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """ "21:00-08:00" → (21:00, 08:00); an empty string or "off" means no quiet hours (00:00-00:00).

    :raises ValueError: not two HH:MM times joined by "-".
    """
    text = (text or "").strip()
    if text.lower() in ("", "off", "none"):
        return time(0, 0), time(0, 0)
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"QUIET_HOURS must look like 21:00-08:00, not {text!r}") from None
    return start, end


def parse_stage_events(text: str) -> dict[str, str]:
    """ "signed_up=onboarding,renewed=loyal" → a mapping of event name to stage.

    :raises ValueError: a pair without "=", or an unknown stage.
    """

    mapping: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        event, sep, stage = (item.strip() for item in pair.partition("="))
        if not sep or not event or stage not in STAGES:
            raise ValueError(f"STAGE_EVENTS: {pair!r} is not event=stage with a known stage")
        mapping[event] = stage
    return mapping
