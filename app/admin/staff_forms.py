"""Staff admin forms: shape checks only; ``surveys.staff.accounts`` enforces the rules (unique
email, password length, the last active admin) and the views put its errors next to the fields."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from surveys.kernel.addresses import MAX_EMAIL_LENGTH
from surveys.staff.accounts import MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

ROLE_CHOICES = [
    SelectChoice("agent", "Agent: works the rescue queue"),
    SelectChoice("analyst", "Analyst: reads feedback and reports"),
    SelectChoice("admin", "Admin: everything, including staff and surveys"),
]
ROLE_LABELS = {"admin": "Admin", "agent": "Agent", "analyst": "Analyst"}
PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters. Leave it empty and Kaiku makes one up and shows "
    "it to you once."
)


def _password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[Optional(), Length(max=MAX_PASSWORD_LENGTH)],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


def _name_field() -> StringField:
    return StringField(
        "Name",
        validators=[Optional(), Length(max=MAX_NAME_LENGTH)],
        description="Shown to colleagues, e.g. on the tasks assigned to them.",
        render_kw={"autocomplete": "off"},
    )


def _role_field() -> SelectField:
    return SelectField("Role", choices=ROLE_CHOICES, default="agent")


class StaffDetailsForm(FlaskForm):
    """Name and role: what an admin may change about a colleague."""

    name = _name_field()
    role = _role_field()


class StaffCreateForm(FlaskForm):
    """A new colleague; the fields in the page's order, so the error summary follows it."""

    email = EmailField(
        "Email",
        validators=[DataRequired("Enter their email."), Length(max=MAX_EMAIL_LENGTH)],
        description="They sign in with it; follow-up emails they send reply to it.",
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    name = _name_field()
    role = _role_field()
    password = _password_field("Initial password")


class PasswordResetForm(FlaskForm):
    password = _password_field("New password")


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token: deactivate, reactivate."""


class StaffPolicyForm(FlaskForm):
    """The house's sign-in rules on the staff page."""

    require_totp = BooleanField("Require a second factor for every staff member")
