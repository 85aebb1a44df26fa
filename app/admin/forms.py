"""Admin forms: a survey with its texts and delivery policy, a trigger rule, a customer upload.

The forms check the shape (required, ranges, lengths); the services check the rest and the
views put their errors next to the fields they name.
"""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from surveys.catalog.definitions import (
    MAX_EXPIRE_DAYS,
    MAX_NAME_LENGTH,
    MAX_RECONTACT_DAYS,
    MAX_RETENTION_MONTHS,
    MAX_TEXT_LENGTH,
    TEXT_KEYS,
)
from surveys.catalog.rules import MAX_DELAY_MINUTES, MAX_FILTERS
from surveys.customers.fields import scalar_from_text
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import LANGUAGES, Language

KIND_CHOICES = [
    SelectChoice("nps", "NPS: how likely to recommend, 0–10"),
    SelectChoice("csat", "CSAT: satisfaction, 1–5"),
    SelectChoice("ces", "CES: customer effort, 1–7"),
]
UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
# What people pick → the rule's op (and, for "is set" / "is not set", the value).
FILTER_CHOICES = [
    SelectChoice("equals", "is"),
    SelectChoice("one_of", "is one of"),
    SelectChoice("exists", "is set"),
    SelectChoice("not_exists", "is not set"),
    SelectChoice("gt", "is more than"),
    SelectChoice("gte", "is at least"),
    SelectChoice("lt", "is less than"),
    SelectChoice("lte", "is at most"),
]
TEXT_HINT = "Leave empty for the standard text of the question type."


class SurveyForm(FlaskForm):
    name = StringField("Name", [InputRequired(), Length(max=MAX_NAME_LENGTH)])
    kind = SelectField("Question type", choices=KIND_CHOICES, default="nps")
    recontact_days = IntegerField(
        "Do not ask the same customer again for (days)",
        [InputRequired("Enter a number of days."), NumberRange(0, MAX_RECONTACT_DAYS)],
        default=90,
    )
    reminder_days = IntegerField(
        "Send one reminder after (days)", [Optional(), NumberRange(1, MAX_EXPIRE_DAYS)], default=3
    )
    expire_days = IntegerField(
        "Close the answer link after (days)",
        [InputRequired("Enter a number of days."), NumberRange(1, MAX_EXPIRE_DAYS)],
        default=14,
    )
    quiet_weekends = BooleanField("Do not send on Saturdays and Sundays")
    retention_months = IntegerField(
        "Delete comments older than (months)",
        [Optional(), NumberRange(0, MAX_RETENTION_MONTHS)],
    )
    active = BooleanField("Active: send invitations as soon as a rule matches", default=True)

    # question_<code> and comment_prompt_<code> for every registered language: added below.

    def texts(self) -> dict[str, dict[str, str | None]]:
        """Every language's texts as the services take them; an empty field is None."""
        return {
            language.code: {
                key: (self[text_field(key, language.code)].data or "").strip() or None
                for key in TEXT_KEYS
            }
            for language in LANGUAGES
        }

    def language_fields(self) -> list[tuple[Language, list[Field]]]:
        """Each registered language with its text fields, for one fieldset per language."""
        return [
            (language, [self[text_field(key, language.code)] for key in TEXT_KEYS])
            for language in LANGUAGES
        ]

    def policy(self) -> dict[str, Any]:
        return {
            "recontact_days": self.recontact_days.data,
            "reminder_days": self.reminder_days.data,  # None: no reminder
            "expire_days": self.expire_days.data,
            "quiet_weekends": bool(self.quiet_weekends.data),
            "retention_months": self.retention_months.data,  # None: the global setting
        }


TEXT_LABELS = {"question": "Question", "comment_prompt": "Follow-up prompt"}


def text_field(key: str, code: str) -> str:
    """The form field of one text in one language: ``question_fi``, as the v1 API names it."""
    return f"{key}_{code}"


def survey_texts_data(survey: Any) -> dict[str, str | None]:
    """A survey's stored texts as the form's field data (a language it lacks stays empty)."""
    return {
        text_field(key, language.code): survey.texts.get(language.code, {}).get(key)
        for language in LANGUAGES
        for key in TEXT_KEYS
    }


# The services name a text ``texts.fi.question``; the form's field is question_fi.
TEXT_ERROR_FIELDS = {
    f"texts.{language.code}.{key}": text_field(key, language.code)
    for language in LANGUAGES
    for key in TEXT_KEYS
}

# The page shows name, kind and active, then the texts, then the delivery policy.
SurveyForm.summary_order = (
    "name",
    "kind",
    "active",
    *(text_field(key, language.code) for language in LANGUAGES for key in TEXT_KEYS),
    "recontact_days",
    "reminder_days",
    "expire_days",
    "quiet_weekends",
    "retention_months",
)

for _language in LANGUAGES:
    for _key in TEXT_KEYS:
        setattr(
            SurveyForm,
            text_field(_key, _language.code),
            TextAreaField(
                f"{TEXT_LABELS[_key]} in {_language.name}",
                [Optional(), Length(max=MAX_TEXT_LENGTH)],
            ),
        )


class FilterRowForm(Form):
    """One filter row; a row with no field is ignored (the form shows spare empty rows)."""

    field = StringField("Field", [Optional(), Length(max=80)])
    op = SelectField("Condition", choices=FILTER_CHOICES, default="equals")
    value = StringField("Value", [Optional(), Length(max=1000)])

    def as_filter(self) -> dict[str, Any] | None:
        field = (self.field.data or "").strip()
        if not field:
            return None
        if field != "stage" and not field.startswith("attributes."):
            field = f"attributes.{field}"
        op, text = self.op.data, (self.value.data or "").strip()
        if op in ("exists", "not_exists"):
            return {"field": field, "op": "exists", "value": op == "exists"}
        if op == "one_of":
            items = [part.strip() for part in text.split(",") if part.strip()]
            return {"field": field, "op": op, "value": [scalar_from_text(i) for i in items]}
        if field == "stage":
            return {"field": field, "op": op, "value": text.lower()}
        return {"field": field, "op": op, "value": scalar_from_text(text) if text else text}


class RuleForm(FlaskForm):
    event_name = StringField("Event name", [InputRequired(), Length(max=100)])
    delay = IntegerField(
        "Delay", [InputRequired("Enter a delay (0 for right away)."), NumberRange(min=0)], default=0
    )
    delay_unit = SelectField(
        "Delay unit",
        choices=[SelectChoice(u, u) for u in UNITS],
        default="days",
        validate_choice=True,
    )
    channel = SelectField(
        "Channel",
        choices=[
            SelectChoice("email", "Email the invitation"),
            SelectChoice("link", "Link only: no email is sent"),
        ],
        default="email",
    )
    active = BooleanField("Active", default=True)
    filters = FieldList(FormField(FilterRowForm), min_entries=1, max_entries=MAX_FILTERS)
    add_filter = SubmitField("Add a filter row")

    def delay_minutes(self) -> int | None:
        """The delay in minutes; None when the amount or unit could not be read."""
        if not isinstance(self.delay.data, int) or self.delay_unit.data not in UNITS:
            return None
        return self.delay.data * UNITS[self.delay_unit.data]

    def validate_delay(self, field: IntegerField) -> None:
        if field.data is not None and self.delay_unit.data in UNITS:
            if field.data * UNITS[self.delay_unit.data] > MAX_DELAY_MINUTES:
                field.errors.append("At most 365 days.")

    def rule_filters(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The filters of the non-empty rows, and which row each came from."""
        filters, rows = [], []
        for index, entry in enumerate(self.filters.entries):
            item = entry.form.as_filter()
            if item is not None:
                filters.append(item)
                rows.append(index)
        return filters, rows

    def show_rule(self, rule: Any) -> None:
        """Fill the form from a saved rule (delay in the largest unit that divides it)."""
        self.event_name.data = rule.event_name
        unit = next((u for u in ("days", "hours") if rule.delay_minutes % UNITS[u] == 0), "minutes")
        self.delay.data = rule.delay_minutes // UNITS[unit] if rule.delay_minutes else 0
        self.delay_unit.data = unit if rule.delay_minutes else "days"
        self.channel.data = rule.channel
        self.active.data = rule.active
        while len(self.filters.entries):
            self.filters.pop_entry()
        for item in rule.filters:
            entry = self.filters.append_entry()
            entry.form.field.data = item["field"]
            if item["op"] == "exists":
                entry.form.op.data = "exists" if item["value"] else "not_exists"
            else:
                entry.form.op.data = item["op"]
                value = item["value"]
                shown = ", ".join(map(_text, value)) if isinstance(value, list) else _text(value)
                entry.form.value.data = shown
        self.filters.append_entry()  # one empty row to add a filter


class ImportForm(FlaskForm):
    file = FileField("CSV file", [FileRequired("Choose a CSV file to upload.")])


class ConfirmForm(FlaskForm):
    """A button-only form (pause, resume, delete): CSRF is its only field."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_attrs(field: Any, hint: str | None, extra: dict[str, Any]) -> dict[str, Any]:
    """HTML attributes of a field's input: its hint and error as ``aria-describedby``,
    ``aria-invalid`` when it has errors, plus ``extra``. The template global
    ``admin_field_attrs`` (admin/_macros.html)."""
    described = [f"{field.id}-hint"] if hint else []
    if field.errors:
        described.append(f"{field.id}-error")
    attrs = dict(extra)
    if described:
        attrs["aria_describedby"] = " ".join(described)
    if field.errors:
        attrs["aria_invalid"] = "true"
    return attrs


def show_errors(form, exc: ValidationError, names: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form's fields (``names`` maps service names to form
    field names); errors without a matching field are shown at the top of the form. A field
    the form's own checks refused already keeps its one message (no second word on it)."""
    names = names or {}
    for name, why in exc.fields.items():
        target = names.get(name, name)
        field = form._fields.get(target)
        if field is not None and field.errors:
            continue
        if field is not None:
            field.errors = [*field.errors, why] if isinstance(field.errors, list) else [why]
        else:
            form.form_errors.append(f"{name}: {why}")
    if not exc.fields:
        form.form_errors.append(exc.message)
