"""What every email Kaiku writes shares: the Jinja environment over ``templates/``, a fresh
``Message-ID``, and the check that an address can go in a ``To:`` header.

The environment is our own (``surveys`` imports no Flask): HTML is autoescaped, so a customer's
name or a survey's question can never inject markup, and an undefined variable is an error.
There is one per language, its ``_()`` reading that language's catalog (``email_env``); ``env``
is the English one, for staff emails.
"""

import functools
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from surveys.kernel.addresses import email_address
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import DEFAULT_LANGUAGE, translations
from surveys.kernel.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


@functools.cache
def email_env(language: str) -> Environment:
    """The email environment whose ``_()`` and ``{% trans %}`` speak ``language`` (a
    registered code; see surveys.kernel.languages), built once per process and language."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(translations(language), newstyle=True)
    return environment


env = email_env(DEFAULT_LANGUAGE)


def greeting(language: str, name: str | None) -> str:
    """``Hi Aino,`` (or ``Hi,`` without a name) in ``language``: how a customer's email opens."""
    _ = translations(language).gettext
    name = (name or "").strip()
    return _("Hi %(name)s,") % {"name": name} if name else _("Hi,")


def new_message_id(settings: Settings) -> str:
    """A unique ``Message-ID`` on the domain of the base URL, e.g. ``<hex@kaiku.example>``."""
    domain = urlsplit(settings.base_url).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def valid_address(email: str | None) -> str:
    """The customer's address if it can go in a ``To:`` header, else a ValidationError."""
    email = (email or "").strip()
    if not email:
        raise ValidationError("This customer has no email address.", fields={"email": "required"})
    # email_address allows no quoting, brackets or line breaks: nothing that could add a header.
    address = email_address(email)
    if address is None:
        raise ValidationError(
            "This customer's email address is not valid.", fields={"email": "invalid"}
        )
    return address
