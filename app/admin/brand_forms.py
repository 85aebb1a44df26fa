"""Brand forms: the house brand, and a survey's overrides with its thank-you messages.

The forms check the shape only (lengths, one file); ``surveys.brand`` checks the colour, the
addresses, the redirect URL and the logo, and the view shows all of their errors together.
"""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from surveys.brand.storage import BRAND_FIELDS, MAX_THANKS_LENGTH
from surveys.catalog.scoring import SCALES
from surveys.kernel.languages import LANGUAGES

CATEGORY_LABELS = {
    "promoter": "Promoters (9–10)",
    "passive": "Passives (7–8)",
    "detractor": "Detractors (0–6)",
    "satisfied": "Satisfied (4–5)",
    "neutral": "Neutral",
    "dissatisfied": "Dissatisfied (1–2)",
    "low_effort": "Low effort (5–7)",
    "high_effort": "High effort (1–3)",
}


def _text(label: str, name: str) -> StringField:
    return StringField(label, [Optional(), Length(max=BRAND_FIELDS[name])])


class _BrandFields(FlaskForm):
    logo = FileField("Upload a logo")
    remove_logo = BooleanField("Remove the logo")
    primary_color = _text("Primary colour", "primary_color")
    sender_name = _text("Sender name", "sender_name")
    sender_address = _text("Sender address", "sender_address")
    reply_to = _text("Reply-To address", "reply_to")
    redirect_url = _text("“Back to the company” address", "redirect_url")

    def values(self) -> dict[str, Any]:
        """The text fields as ``surveys.brand.save_brand`` takes them."""
        return {name: self[name].data for name in BRAND_FIELDS if name in self}


class HouseBrandForm(_BrandFields):
    company_name = _text("Company name", "company_name")
    postal_address = TextAreaField(
        "Postal address (email footer)", [Optional(), Length(max=BRAND_FIELDS["postal_address"])]
    )


def survey_brand_form(kind: str, **kwargs: Any) -> FlaskForm:
    """The override form of a survey of ``kind``: the brand fields and one thank-you message
    per category of its scale and language (``thanks_<category>_<code>``)."""

    class SurveyBrandForm(_BrandFields):
        def thanks(self) -> dict[str, dict[str, str | None]]:
            return {
                category: {
                    language.code: self[f"thanks_{category}_{language.code}"].data
                    for language in LANGUAGES
                }
                for category in SCALES[kind].categories
            }

        def thanks_fields(self) -> list[tuple[str, list]]:
            return [
                (
                    CATEGORY_LABELS.get(category, category),
                    [(lang, self[f"thanks_{category}_{lang.code}"]) for lang in LANGUAGES],
                )
                for category in SCALES[kind].categories
            ]

    for category in SCALES[kind].categories:
        for language in LANGUAGES:
            setattr(
                SurveyBrandForm,
                f"thanks_{category}_{language.code}",
                TextAreaField(language.label, [Optional(), Length(max=MAX_THANKS_LENGTH)]),
            )
    return SurveyBrandForm(**kwargs)
