"""The few configuration values the domain needs, handed to services explicitly."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://127.0.0.1:5000"
    mail_from: str = "Kaiku <feedback@localhost>"
    invitation_ttl: timedelta = timedelta(days=30)
    rescue_due: timedelta = timedelta(hours=24)
    sweep_after: timedelta = timedelta(seconds=60)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> "Settings":
        return cls(
            base_url=config["BASE_URL"],
            mail_from=config["MAIL_FROM"],
            invitation_ttl=timedelta(days=config["INVITATION_TTL_DAYS"]),
            rescue_due=timedelta(hours=config["RESCUE_DUE_HOURS"]),
            sweep_after=timedelta(seconds=config["SWEEP_AFTER_SECONDS"]),
        )
