"""The customer pages' forms: shape checks only; ``surveys.rescue.replies`` enforces the rules."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from surveys.rescue.replies import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH


class ReplyForm(FlaskForm):
    """An email to the customer, about one of their answers or none; replies reach the sender."""

    response_id = HiddenField(
        validators=[Optional(), Regexp(r"^[0-9]{1,9}$", message="Not an answer's id.")]
    )
    subject = StringField(
        "Subject",
        validators=[
            DataRequired("Write a subject."),
            Length(max=MAX_SUBJECT_LENGTH, message=f"At most {MAX_SUBJECT_LENGTH} characters."),
        ],
    )
    body = TextAreaField(
        "Message",
        validators=[
            DataRequired("Write the message."),
            Length(max=MAX_BODY_LENGTH, message=f"At most {MAX_BODY_LENGTH} characters."),
        ],
        render_kw={"rows": 7},
    )


class EraseForm(FlaskForm):
    """The erasure's confirmation: the admin types the customer's id, so no slip erases."""

    confirm = StringField(
        "Type the customer's id to confirm",
        validators=[DataRequired("Type the customer's id.")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
