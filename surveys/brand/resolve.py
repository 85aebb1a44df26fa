"""What a customer sees of the brand: the house brand with a survey's overrides on top.

``BrandView`` is a plain value (no session behind it), so pages, emails and the worker can
carry it. With nothing saved it is Kaiku's neutral default: no name, no logo, MAIL_FROM.
"""

from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr

from sqlalchemy.orm import Session

from surveys.brand.colours import darker, usable_accent
from surveys.brand.logo import FORMATS
from surveys.brand.storage import brands_for
from surveys.kernel.languages import DEFAULT_LANGUAGE
from surveys.kernel.settings import Settings
from surveys.models import Brand

# Fields a survey's row can override; company name and postal address are the company's own.
OVERRIDABLE = ("primary_color", "sender_name", "sender_address", "reply_to", "redirect_url")


@dataclass(frozen=True)
class BrandView:
    company_name: str | None = None
    logo_hash: str | None = None
    logo_type: str | None = None
    primary_color: str | None = None
    sender_name: str | None = None
    sender_address: str | None = None
    reply_to: str | None = None
    postal_address: str | None = None
    redirect_url: str | None = None
    thanks: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def accent(self) -> str:
        """The colour to use: the brand's if it passes 4.5:1 with white text, else Kaiku's."""
        return usable_accent(self.primary_color)

    @property
    def accent_hover(self) -> str:
        return darker(self.accent)

    @property
    def colour_falls_back(self) -> bool:
        """A colour is set but too light for white text: Kaiku's accent stands in."""
        return self.primary_color is not None and self.accent != self.primary_color

    @property
    def logo_path(self) -> str | None:
        """``/brand/logo/<sha256>.<ext>``: the URL path the logo is served at (app/brand)."""
        if not self.logo_hash:
            return None
        ext = next((e for t, e in FORMATS.values() if t == self.logo_type), "png")
        return f"/brand/logo/{self.logo_hash}.{ext}"

    def logo_url(self, settings: Settings) -> str | None:
        """The logo's absolute address, for emails."""
        return f"{settings.base_url}{self.logo_path}" if self.logo_path else None

    def email_context(self, settings: Settings) -> dict:
        """What every customer email shows of the brand: name, logo, accent, postal footer."""
        return {
            "company_name": self.company_name,
            "logo_url": self.logo_url(settings),
            "accent": self.accent,
            "postal_address": self.postal_address,
        }

    def thanks_message(self, category: str | None, language: str) -> str | None:
        """The custom thank-you words for an answer's category, in ``language`` or English."""
        by_language = self.thanks.get(category or "", {})
        return by_language.get(language) or by_language.get(DEFAULT_LANGUAGE)


def _merge(house: Brand | None, own: Brand | None) -> BrandView:
    values: dict = {}
    for row in (house, own):
        if row is None:
            continue
        names = OVERRIDABLE if row is own else (*OVERRIDABLE, "company_name", "postal_address")
        for name in names:
            if getattr(row, name) is not None:
                values[name] = getattr(row, name)
        if row.logo_hash:
            values["logo_hash"], values["logo_type"] = row.logo_hash, row.logo_type
        if row.thanks:  # per category: the survey's words win over the house's
            values["thanks"] = {**values.get("thanks", {}), **row.thanks}
    return BrandView(**values)


def brand_for(session: Session, survey_id: int | None) -> BrandView:
    """The brand a customer of this survey sees (the house's alone with ``survey_id`` None)."""
    return _merge(*brands_for(session, survey_id))


def house_view(session: Session) -> BrandView:
    return brand_for(session, None)


def from_header(brand: BrandView, settings: Settings) -> str:
    """``Name <address>`` for the From of a customer's email: the brand's sender, its name
    defaulting to the company's; MAIL_FROM when no sender address is set."""
    if not brand.sender_address:
        if brand.sender_name or brand.company_name:
            # MAIL_FROM's address, spoken for by the company.
            address = parseaddr(settings.mail_from)[1]
            return formataddr((brand.sender_name or brand.company_name or "", address))
        return settings.mail_from
    return formataddr((brand.sender_name or brand.company_name or "", brand.sender_address))
