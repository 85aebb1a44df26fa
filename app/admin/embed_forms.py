"""Admin forms of a survey's embed: its settings (origins, identity, triggers) and a new secret.

The forms read the shape (numbers in range, one origin or name per line); surveys.embed.policy
checks every value again and the view puts its errors next to the field they came from
(``EmbedForm.error_field``).
"""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from surveys.embed.origins import MAX_ORIGINS
from surveys.embed.policy import MAX_DELAY_SECONDS, MAX_DISMISS_DAYS, MAX_TRIGGERS, MAX_VISITS
from surveys.models import SurveyEmbed

MODE_CHOICES = [
    SelectChoice(
        "report_only",
        "Report only: an identity that fails the check is logged below and its answer kept, "
        "marked unverified",
    ),
    SelectChoice(
        "enforce", "Enforce: an identity that fails the check is refused and nothing is stored"
    ),
]
GRACE_CHOICES = [
    SelectChoice(0, "Retire them at once"),
    SelectChoice(24, "1 day"),
    SelectChoice(168, "7 days"),
    SelectChoice(720, "30 days"),
    SelectChoice(2160, "90 days"),
]
DEFAULT_GRACE_HOURS = 168


def _lines(text: str | None) -> list[str]:
    """The non-empty lines of a text area, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EmbedForm(FlaskForm):
    allowed_origins = TextAreaField("Allowed origins")
    anonymous = BooleanField("Take anonymous answers from visitors without a customer id")
    mode = RadioField("When an identity fails the check", choices=MODE_CHOICES)
    dismiss_days = IntegerField(
        "After a dismissal, do not show it to that customer again for (days)",
        [InputRequired("Enter a number of days."), NumberRange(0, MAX_DISMISS_DAYS)],
    )
    on_load = BooleanField("As soon as the page loads")
    delay_seconds = IntegerField(
        "After this many seconds on the page", [Optional(), NumberRange(0, MAX_DELAY_SECONDS)]
    )
    visit_count = IntegerField(
        "From the customer’s visit number", [Optional(), NumberRange(1, MAX_VISITS)]
    )
    events = TextAreaField("When the page calls Kaiku.track() with one of these events")
    url_patterns = TextAreaField("On pages whose path matches")

    # The page's order in the summary: the triggers' fieldset comes before the identity's.
    summary_order = (
        "allowed_origins",
        "on_load",
        "delay_seconds",
        "visit_count",
        "events",
        "url_patterns",
        "anonymous",
        "mode",
        "dismiss_days",
    )

    def show_embed(self, embed: SurveyEmbed) -> None:
        """Fill the form from the saved settings."""
        self.allowed_origins.data = "\n".join(embed.allowed_origins)
        self.anonymous.data = embed.anonymous
        self.mode.data = embed.mode
        self.dismiss_days.data = embed.dismiss_days
        by_type: dict[str, list[dict[str, Any]]] = {}
        for trigger in embed.triggers:
            by_type.setdefault(trigger["type"], []).append(trigger)
        self.on_load.data = "load" in by_type
        self.delay_seconds.data = by_type.get("delay", [{}])[0].get("seconds")
        self.visit_count.data = by_type.get("visits", [{}])[0].get("count")
        self.events.data = "\n".join(t["name"] for t in by_type.get("event", []))
        self.url_patterns.data = "\n".join(t["pattern"] for t in by_type.get("url", []))

    def origins(self) -> list[str]:
        return _lines(self.allowed_origins.data)

    def triggers(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The triggers as the policy takes them, and the form field each one came from."""
        triggers: list[tuple[dict[str, Any], str]] = []
        if self.on_load.data:
            triggers.append(({"type": "load"}, "on_load"))
        if isinstance(self.delay_seconds.data, int):
            triggers.append(
                ({"type": "delay", "seconds": self.delay_seconds.data}, "delay_seconds")
            )
        if isinstance(self.visit_count.data, int):
            triggers.append(({"type": "visits", "count": self.visit_count.data}, "visit_count"))
        triggers += [
            ({"type": "event", "name": name}, "events") for name in _lines(self.events.data)
        ]
        triggers += [
            ({"type": "url", "pattern": path}, "url_patterns")
            for path in _lines(self.url_patterns.data)
        ]
        return [trigger for trigger, _ in triggers], [name for _, name in triggers]

    def changes(self) -> dict[str, Any]:
        """Every setting as the policy takes it (``update_embed``)."""
        changes: dict[str, Any] = {
            "allowed_origins": self.origins(),
            "anonymous": bool(self.anonymous.data),
            "triggers": self.triggers()[0],
        }
        if self.mode.data in {choice.value for choice in MODE_CHOICES}:
            changes["mode"] = self.mode.data
        if isinstance(self.dismiss_days.data, int):
            changes["dismiss_days"] = self.dismiss_days.data
        return changes

    def validate_allowed_origins(self, field: TextAreaField) -> None:
        if len(self.origins()) > MAX_ORIGINS:
            field.errors.append(f"At most {MAX_ORIGINS} origins.")

    def validate_on_load(self, field: BooleanField) -> None:
        triggers = self.triggers()[0]
        if not triggers:
            field.errors.append("Choose at least one way for the survey to open.")
        elif len(triggers) > MAX_TRIGGERS:
            field.errors.append(f"At most {MAX_TRIGGERS} triggers in all.")

    def error_field(self, name: str, fields: list[str]) -> tuple[str, str]:
        """The form field a policy error names, and the words to put before its message:
        ``allowed_origins.2`` is line 3 of the origins; ``triggers.4.name`` the trigger made
        from the fifth entry (``fields``: ``triggers()``'s second list)."""
        parts = name.split(".")
        if parts[0] == "allowed_origins" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            origins = self.origins()
            shown = origins[index] if index < len(origins) else ""
            return "allowed_origins", f"Line {index + 1} “{shown}”: "
        if parts[0] == "triggers" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            target = fields[index] if index < len(fields) else "on_load"
            if target in ("events", "url_patterns"):
                position = fields[:index].count(target) + 1
                lines = _lines(getattr(self, target).data)
                shown = lines[position - 1] if position <= len(lines) else ""
                return target, f"Line {position} “{shown}”: "
            return target, ""
        if parts[0] == "triggers":
            return "on_load", ""
        return parts[0], ""


class SecretForm(FlaskForm):
    grace_hours = SelectField(
        "Keep the current keys valid for",
        choices=GRACE_CHOICES,
        coerce=int,
        default=DEFAULT_GRACE_HOURS,
    )
