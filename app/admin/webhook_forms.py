"""The forms of the admin's webhook pages: add or edit an endpoint, rotate its secret, re-send a
time range, and the buttons' CSRF token; with the service's field errors put on their fields."""

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from surveys.kernel.errors import KaikuError
from surveys.models import WEBHOOK_KINDS
from surveys.webhooks import EVENT_TYPES

KIND_LABELS = {"standard": "Standard (signed JSON)", "slack": "Slack", "teams": "Microsoft Teams"}
MAX_GRACE_HOURS = 24 * 7  # as the API's rotation allows


class EndpointForm(FlaskForm):
    """A new endpoint: no event ticked means every event."""

    url = StringField("URL", validators=[DataRequired(), Length(max=2000)])
    kind = SelectField("Kind", choices=[SelectChoice(k, KIND_LABELS[k]) for k in WEBHOOK_KINDS])
    event_types = SelectMultipleField(
        "Events",
        choices=[SelectChoice(name, name) for name in EVENT_TYPES],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    description = StringField("Description", validators=[Length(max=200)])


class EditForm(EndpointForm):
    """A change to an endpoint; the filter is said outright: every event, or the ticked ones."""

    event_filter = RadioField(
        "Send",
        choices=[SelectChoice("all", "Every event"), SelectChoice("chosen", "Only these events")],
        default="all",
    )
    summary_order = ("url", "kind", "event_filter", "event_types", "description")

    def changes(self) -> dict[str, object]:
        """What the form asks of ``update_endpoint``; an empty choice is the service's to refuse."""
        chosen = self.event_filter.data == "chosen"
        return {
            "url": (self.url.data or "").strip(),
            "kind": self.kind.data,
            "event_types": list(self.event_types.data or []) if chosen else None,
            "description": (self.description.data or "").strip() or None,
        }


class RotateForm(FlaskForm):
    """A new secret; the old one also signs for this many hours."""

    grace_hours = DecimalField(
        "Old secret also signs for (hours)",
        places=None,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_GRACE_HOURS)],
    )


class ResendForm(FlaskForm):
    """Every event from ``start`` to before ``end``, both read as UTC."""

    start = DateTimeLocalField("From (UTC)", format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    end = DateTimeLocalField("To (UTC)", format="%Y-%m-%dT%H:%M", validators=[InputRequired()])

    def moments(self) -> tuple[datetime, datetime]:
        """The range as timezone-aware UTC moments."""
        return self.start.data.replace(tzinfo=UTC), self.end.data.replace(tzinfo=UTC)


class ConfirmForm(FlaskForm):
    """A button's CSRF token."""


def put_errors(form: FlaskForm, exc: KaikuError, names: dict[str, str] | None = None) -> None:
    """The service's error on the fields it names (``names`` maps its names to the form's; a
    name with no field lands on the form's top); with one field, its full message."""
    names = names or {}
    for name, reason in exc.fields.items():
        field = form._fields.get(names.get(name, name.split(".")[0]))
        text = exc.message if len(exc.fields) == 1 else f"{exc.message} ({reason})"
        if field is None:
            form.form_errors.append(text)
        else:
            field.errors = [*field.errors, text]
    if not exc.fields:
        form.form_errors.append(exc.message)
