"""The sign-in form: shape checks only; the password check is
``surveys.staff.accounts.authenticate``.

The email is not held to today's address rules here: signing in looks an account up, and an
account made before a rule was tightened (``admin@kaiku.local`` of an older demo) must still
sign in. An address no account has is only "wrong"; the input layer (app/inputs.py) has already
refused control characters.
"""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from surveys.kernel.addresses import MAX_EMAIL_LENGTH
from surveys.kernel.formatting import FORMAT_LOCALE_NAMES
from surveys.staff.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email."),
            Length(max=MAX_EMAIL_LENGTH),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class AccountForm(FlaskForm):
    """The signed-in staff member's own settings: the weekly digest and the date and number
    format (the service checks the format again)."""

    digest_opt_in = BooleanField("Send me the weekly digest email (Mondays)")
    format_locale = SelectField(
        "Dates and numbers",
        choices=[SelectChoice(code, name) for code, name in FORMAT_LOCALE_NAMES.items()],
        default="en",
        description="How dates, times and figures are written on your pages and in your digest "
        "(times stay UTC). The words stay English.",
        validate_choice=False,  # an unknown value gets the message below, not WTForms' own
    )

    def validate_format_locale(self, field: SelectField) -> None:
        if field.data not in FORMAT_LOCALE_NAMES:
            raise ValidationError("Choose English, Finnish or Swedish format.")


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Enter a new password."), Length(max=MAX_PASSWORD_LENGTH)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
        render_kw={"autocomplete": "new-password"},
    )


def _repeat(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("new_password", "The two new passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email."), Length(max=MAX_EMAIL_LENGTH)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


class ResetPasswordForm(FlaskForm):
    """A new password through a reset link; the service checks the rules again."""

    new_password = _new_password("New password")
    confirm_password = _repeat("New password again")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password("New password")
    confirm_password = _repeat("New password again")


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code; the service says if it is right."""

    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code."), Length(max=32)],
        description="6 digits from your authenticator app, or one of your recovery codes.",
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "text",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class DisableTotpForm(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        "Code",
        validators=[DataRequired("Enter a code."), Length(max=32)],
        description="From your authenticator app, or a recovery code.",
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none"},
    )
