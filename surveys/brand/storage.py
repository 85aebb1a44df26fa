"""Reading and saving the house brand and a survey's overrides, with every check at once.

A service in the house style: it adds and flushes, the caller commits. Bad input raises one
ValidationError whose ``fields`` name every field that is wrong, so a form shows them together.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from surveys.brand.colours import parse_colour
from surveys.brand.logo import CleanLogo
from surveys.kernel.addresses import email_address
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import BY_CODE
from surveys.models import Brand

# Field → longest text it takes. Plain text fields; the colour, addresses and URL are checked.
BRAND_FIELDS = {
    "company_name": 120,
    "primary_color": 7,
    "sender_name": 120,
    "sender_address": 320,
    "reply_to": 320,
    "postal_address": 500,
    "redirect_url": 500,
}
MAX_THANKS_LENGTH = 1000


def get_brand(session: Session, survey_id: int | None = None) -> Brand | None:
    """The house brand (``survey_id`` None) or that survey's overrides, if saved."""
    column = Brand.survey_id
    where = column.is_(None) if survey_id is None else column == survey_id
    return session.scalars(select(Brand).where(where).limit(1)).first()


def _brand_row(session: Session, survey_id: int | None) -> Brand:
    brand = get_brand(session, survey_id)
    if brand is None:
        brand = Brand(survey_id=survey_id)
        session.add(brand)
    return brand


def _https_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in text


def checked_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` trimmed, empty ones None, each checked.

    :raises ValidationError: with every wrong field in ``fields``.
    """
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, limit in BRAND_FIELDS.items():
        if name not in values:
            continue
        text = (values[name] or "").replace("\r\n", "\n").strip() or None
        if text is not None and len(text) > limit:
            errors[name] = f"At most {limit} characters."
        elif text is not None and "\n" in text and name != "postal_address":
            errors[name] = "One line, please."
        clean[name] = text
    colour = clean.get("primary_color")
    if colour is not None and "primary_color" not in errors:
        if parse_colour(colour) is None:
            errors["primary_color"] = "A colour is written #rrggbb, e.g. #22617a."
        else:
            clean["primary_color"] = parse_colour(colour)
    for name in ("sender_address", "reply_to"):
        if clean.get(name) is not None and name not in errors:
            address = email_address(clean[name])
            if address is None:
                errors[name] = "Enter an email address, e.g. feedback@example.com."
            clean[name] = address
    url = clean.get("redirect_url")
    if url is not None and "redirect_url" not in errors and not _https_url(url):
        errors["redirect_url"] = "Enter a full https:// address, e.g. https://example.com/."
    if "thanks" in values:
        clean["thanks"] = _checked_thanks(values["thanks"] or {}, errors)
    if errors:
        raise ValidationError("Some brand fields need fixing.", fields=errors)
    return clean


def _checked_thanks(
    thanks: Mapping[str, Mapping[str, str | None]], errors: dict[str, str]
) -> dict[str, dict[str, str]] | None:
    kept: dict[str, dict[str, str]] = {}
    for category, by_language in thanks.items():
        for lang, text in by_language.items():
            text = (text or "").strip()
            if lang not in BY_CODE:
                errors[f"thanks_{category}_{lang}"] = "Not a language Kaiku speaks."
            elif len(text) > MAX_THANKS_LENGTH:
                errors[f"thanks_{category}_{lang}"] = f"At most {MAX_THANKS_LENGTH} characters."
            elif text:
                kept.setdefault(category, {})[lang] = text
    return kept or None


def save_brand(
    session: Session, values: Mapping[str, Any], *, survey_id: int | None = None
) -> Brand:
    """Save the house brand (``survey_id`` None) or a survey's overrides; fields absent from
    ``values`` stay as they are, empty ones are cleared (an override then follows the house).
    Flushes.

    :raises ValidationError: every wrong field, in ``fields``; nothing is changed.
    """
    clean = checked_values(values)
    brand = _brand_row(session, survey_id)
    for name, value in clean.items():
        setattr(brand, name, value)
    session.flush()
    return brand


def set_logo(session: Session, logo: CleanLogo | None, *, survey_id: int | None = None) -> Brand:
    """Store a checked logo (``surveys.brand.logo.clean_logo``), or remove it with None.
    Flushes."""
    brand = _brand_row(session, survey_id)
    brand.logo = logo.data if logo else None
    brand.logo_type = logo.content_type if logo else None
    brand.logo_hash = logo.sha256 if logo else None
    session.flush()
    return brand


def logo_by_hash(session: Session, sha256: str) -> tuple[bytes, str] | None:
    """The bytes and content type of a stored logo by its hash, or None."""
    row = session.execute(
        select(Brand.logo, Brand.logo_type)
        .where(Brand.logo_hash == sha256, Brand.logo.is_not(None))
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def brands_for(session: Session, survey_id: int | None) -> tuple[Brand | None, Brand | None]:
    """The house brand and the survey's overrides, in one query."""
    where = Brand.survey_id.is_(None)
    if survey_id is not None:
        where = or_(where, Brand.survey_id == survey_id)
    rows = session.scalars(select(Brand).where(where)).all()
    house = next((row for row in rows if row.survey_id is None), None)
    own = next((row for row in rows if row.survey_id is not None), None)
    return house, own
