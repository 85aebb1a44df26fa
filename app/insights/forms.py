"""Forms of the themes pages: shapes only; ``surveys.answers.taxonomy`` enforces the rules
(key format, term lengths and stems) and the views put its errors next to the fields."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from surveys.answers.analysis.themes import LANGUAGES
from surveys.answers.taxonomy import MAX_NAME_LENGTH

LANGUAGE_NAMES = {"en": "English", "fi": "Finnish", "sv": "Swedish"}
# Lines of a textarea: 300 terms of 80 characters at most (the service checks each line).
MAX_LINES_TEXT = 300 * 82
TERMS_HINT = (
    "One per line. A word matches its inflected forms and compounds (hinta: kuukausihinta); "
    "several words are a phrase; a word ending in * matches words that start with it."
)
EXCLUSIONS_HINT = "One phrase per line: the theme is not counted inside it (can't wait)."


class ThemeForm(FlaskForm):
    """A theme: names, terms and exclusions per language (fields ``name_<lang>``,
    ``terms_<lang>``, ``exclusions_<lang>``), and the active flag."""

    key = StringField(
        "Key",
        validators=[Optional(), Length(max=40)],
        description="Stable, 2–40 of a-z, 0-9 and _ (e.g. dark_mode); the API and exports use it.",
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    active = BooleanField("Active: tag new answers with this theme", default=True)


# One name field and two textareas per language, added to the class (WTForms picks them up).
for _code in LANGUAGES:
    _name = LANGUAGE_NAMES[_code]
    setattr(
        ThemeForm,
        f"name_{_code}",
        StringField(
            f"Name in {_name}",
            validators=[
                DataRequired("Give the theme an English name.") if _code == "en" else Optional(),
                Length(max=MAX_NAME_LENGTH),
            ],
            filters=[lambda v: v.strip() if v else v],
        ),
    )
    for _kind, _hint in (("terms", TERMS_HINT), ("exclusions", EXCLUSIONS_HINT)):
        setattr(
            ThemeForm,
            f"{_kind}_{_code}",
            TextAreaField(
                f"{_kind.capitalize()} in {_name}",
                validators=[Length(max=MAX_LINES_TEXT)],
                description=_hint,
                render_kw={"rows": 6, "spellcheck": "false"},
            ),
        )


class CandidateForm(FlaskForm):
    """One action on a discovery candidate."""

    language = HiddenField(validators=[DataRequired()])
    term = HiddenField(validators=[DataRequired(), Length(max=80)])
    action = SelectField(
        "Action",
        choices=[
            SelectChoice("accept", "Accept as a new theme"),
            SelectChoice("rename", "Accept under another key and name"),
            SelectChoice("merge", "Merge into a theme"),
            SelectChoice("dismiss", "Dismiss"),
        ],
    )
    key = StringField("New key", validators=[Optional(), Length(max=40)])
    name = StringField("New name", validators=[Optional(), Length(max=MAX_NAME_LENGTH)])
    theme = SelectField("Theme", choices=[], validate_choice=False)


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token: delete."""
