"""The respondent forms: they check the shape of what is posted; the services check the rules.

They carry no CSRF token, on purpose. CSRF defends requests that ride on ambient authority (a
session cookie); these pages have none: the secret is the token in the URL, and whoever can post
to ``/s/<token>`` already holds it. Without the token field the pages also need no session
cookie, so they work with cookies blocked and a tab left open for days does not expire.
"""

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from surveys.answers.recording import MAX_COMMENT_LENGTH
from surveys.catalog.scoring import parse_score


def _normalise_newlines(value: str | None) -> str | None:
    # Browsers submit a textarea's line breaks as CRLF but count them as one character.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class NoCsrfMeta:
    csrf = False


class ScoreField(IntegerField):
    """A score in ASCII digits (``parse_score``): "５" or "٥" is not a 5, and is refused."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = parse_score(valuelist[0])
            if self.data is None:
                raise ValueError("Not a score.")


class ScoreForm(FlaskForm):
    """One score, posted by the button that was pressed; the scale is checked by record_answer."""

    Meta = NoCsrfMeta

    score = ScoreField(validators=[InputRequired()])


class CommentForm(FlaskForm):
    """The optional "why" behind the score."""

    Meta = NoCsrfMeta

    comment = TextAreaField(
        filters=[_normalise_newlines],
        validators=[Optional(), Length(max=MAX_COMMENT_LENGTH)],
    )
