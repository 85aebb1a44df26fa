"""The company's brand: name, logo, colour, sender, footer and thank-you page.

``colours`` holds the WCAG 2 contrast check and the fallback accent; ``logo`` validates and
re-encodes an uploaded image (Pillow); ``storage`` reads and saves the house brand and each
survey's overrides (``surveys.models.Brand``); ``resolve`` merges the two into what a customer
sees (``BrandView``), with the From header and thank-you message that follow from it.
"""

from surveys.brand.colours import DEFAULT_ACCENT, MIN_CONTRAST, contrast_ratio
from surveys.brand.logo import CleanLogo, clean_logo
from surveys.brand.resolve import BrandView, brand_for, from_header, house_view
from surveys.brand.storage import BRAND_FIELDS, get_brand, logo_by_hash, save_brand, set_logo

__all__ = [
    "BRAND_FIELDS",
    "DEFAULT_ACCENT",
    "MIN_CONTRAST",
    "BrandView",
    "CleanLogo",
    "brand_for",
    "clean_logo",
    "contrast_ratio",
    "from_header",
    "get_brand",
    "house_view",
    "logo_by_hash",
    "save_brand",
    "set_logo",
]
