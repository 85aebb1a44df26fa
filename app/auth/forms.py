"""The sign-in form: shape checks only; the password check is
``surveys.staff.accounts.authenticate``.

The email is not held to today's address rules here: signing in looks an account up, and an
account made before a rule was tightened (``admin@kaiku.local`` of an older demo) must still
sign in. An address no account has is only "wrong"; the input layer (app/inputs.py) has already
refused control characters.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from surveys.kernel.addresses import MAX_EMAIL_LENGTH
from surveys.staff.accounts import MAX_PASSWORD_LENGTH


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
    """The signed-in staff member's own settings; only the weekly digest for now."""

    digest_opt_in = BooleanField("Send me the weekly digest email (Mondays)")
