"""The rescue pages' forms: shape checks only; ``surveys.rescue.actions`` enforces the rules.

The queue and report filters are GET forms (no CSRF: they change nothing); every action form
is a POST with its CSRF token.
"""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from surveys.models import OUTCOMES, PRIORITIES, RESCUE_STATUSES, STAGES
from surveys.rescue.queue import ASSIGNEE_FILTERS, STATUS_FILTERS

MAX_NOTE_LENGTH = 5000
MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 10_000
MAX_RESURVEY_DAYS = 365

STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "contacted": "Contacted",
    "resolved": "Resolved",
}
# The agent's outcome, worded as the agent's view; the measured win-back (WINBACK_LABELS) is
# another thing, decided by the customer's next answer.
OUTCOME_LABELS = {
    "satisfied": "Customer satisfied (agent's view)",
    "won_back": "Customer satisfied (agent's view)",  # the old name, in older history lines
    "lost": "Lost",
    "no_reply": "No reply",
    "not_actionable": "Not actionable",
}
WINBACK_LABELS = {
    "pending": "Win-back pending (waiting for the next answer)",
    "won_back": "Won back (next answer)",
    "not_won_back": "Not won back (next answer)",
}
STAGE_LABELS = {stage: stage.replace("_", " ").capitalize() for stage in STAGES}
_STATUS_FILTER_LABELS = {"active": "Not resolved", "all": "All"} | STATUS_LABELS
_ASSIGNEE_FILTER_LABELS = {"any": "Anyone", "mine": "Mine", "unassigned": "Unassigned"}


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' SelectChoice (bare tuples are deprecated)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _int_or_none(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(value)  # type: ignore[arg-type]


class QueueFilterForm(FlaskForm):
    """The queue's filters, read from the query string."""

    class Meta:
        csrf = False

    assignee = SelectField(
        "Assigned to",
        choices=options([(key, _ASSIGNEE_FILTER_LABELS[key]) for key in ASSIGNEE_FILTERS]),
        default="any",
    )
    status = SelectField(
        "Status",
        choices=options([(key, _STATUS_FILTER_LABELS[key]) for key in STATUS_FILTERS]),
        default="active",
    )
    priority = SelectField(
        "Priority",
        choices=options([("", "Any")] + [(p, p.capitalize()) for p in PRIORITIES]),
        default="",
    )
    survey = SelectField("Survey", coerce=_int_or_none, validate_choice=True)
    stage = SelectField(
        "Customer stage",
        choices=options([("", "Any")] + list(STAGE_LABELS.items())),
        default="",
    )
    overdue = BooleanField("Overdue only")
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1)])

    def __init__(self, surveys: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.survey.choices = options([("", "Any")] + surveys)


class TakeForm(FlaskForm):
    """ "Take it": assign the task to whoever is signed in. Only the CSRF token."""


class ConfirmForm(FlaskForm):
    """A button-only form (Reopen): the CSRF token is its only field."""


class AssignForm(FlaskForm):
    """Give the task to an active admin or agent, or to no one."""

    assignee = SelectField("Assignee", coerce=_int_or_none, validate_choice=True)

    def __init__(self, staff: list, **kwargs) -> None:
        super().__init__(**kwargs)
        self.assignee.choices = options(
            [("", "No one (unassigned)")]
            + [
                (user.id, f"{user.name} ({user.email})" if user.name else user.email)
                for user in staff
            ]
        )


class StatusForm(FlaskForm):
    """Move the task on; resolving asks for an outcome and a note, optionally a re-survey."""

    status = SelectField(
        "New status",
        choices=options([(s, STATUS_LABELS[s]) for s in RESCUE_STATUSES]),
        validators=[InputRequired("Choose a status.")],
    )
    outcome = SelectField(
        "Outcome",
        choices=options([("", "Choose an outcome")] + [(o, OUTCOME_LABELS[o]) for o in OUTCOMES]),
        default="",
    )
    note = TextAreaField(
        "Resolution note",
        validators=[Length(max=MAX_NOTE_LENGTH)],
        render_kw={"rows": 3},
    )
    resurvey_after_days = IntegerField(
        "Re-survey after (days)",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_RESURVEY_DAYS, message="Between 1 and 365 days."),
        ],
        render_kw={"min": 1, "max": MAX_RESURVEY_DAYS, "inputmode": "numeric"},
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.status.data == "resolved":
            if not self.outcome.data:
                self.outcome.errors.append("Resolving needs an outcome.")
                ok = False
            if not (self.note.data or "").strip():
                self.note.errors.append("Resolving needs a note: what happened?")
                ok = False
        else:
            # Shown whatever the status: refuse rather than silently drop what was typed.
            only_when_resolving = {
                self.outcome: self.outcome.data,
                self.note: (self.note.data or "").strip(),
                self.resurvey_after_days: self.resurvey_after_days.data,
            }
            for field, value in only_when_resolving.items():
                if value not in (None, ""):
                    field.errors.append("Only when resolving: choose Resolved, or clear this.")
                    ok = False
        return ok


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Internal note",
        validators=[
            DataRequired("Write the note first."),
            Length(max=MAX_NOTE_LENGTH, message="A note may have at most 5000 characters."),
        ],
        render_kw={"rows": 3},
    )


class FollowUpForm(FlaskForm):
    """An email to the customer, written on the task; replies come back to the agent."""

    subject = StringField(
        "Subject",
        validators=[
            DataRequired("Write a subject."),
            Length(max=MAX_SUBJECT_LENGTH, message="At most 200 characters."),
        ],
    )
    body = TextAreaField(
        "Message",
        validators=[
            DataRequired("Write the message."),
            Length(max=MAX_BODY_LENGTH, message="At most 10000 characters."),
        ],
        render_kw={"rows": 8},
    )


class ReportFilterForm(FlaskForm):
    """The rescue report's date range (whole days, UTC), read from the query string."""

    class Meta:
        csrf = False

    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.since.data and self.until.data and self.until.data < self.since.data:
            self.until.errors.append("The end date is before the start date.")
            ok = False
        return ok
