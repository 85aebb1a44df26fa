"""The sign-in form: shape checks only; the password check is
``surveys.staff.accounts.authenticate``."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from surveys.kernel.addresses import MAX_EMAIL_LENGTH, email_address
from surveys.staff.accounts import MAX_PASSWORD_LENGTH


def an_email_address(form: FlaskForm, field: EmailField) -> None:
    """A WTForms validator: ``surveys.kernel.addresses.email_address`` accepts the field."""
    if field.data and email_address(field.data) is None:
        raise ValidationError("Enter a valid email address.")


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email."),
            Length(max=MAX_EMAIL_LENGTH),
            an_email_address,
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
