"""Every registered language has a compiled catalog that translates every message."""

import pytest
from babel.messages.pofile import read_po

from surveys.kernel.languages import DEFAULT_LANGUAGE, LANGUAGES, TRANSLATIONS_DIR, translations

OTHERS = [language.code for language in LANGUAGES if language.code != DEFAULT_LANGUAGE]


def messages() -> list:
    with open(TRANSLATIONS_DIR / "messages.pot", "rb") as template:
        return [message for message in read_po(template) if message.id]


@pytest.mark.parametrize("code", OTHERS)
def test_every_registered_language_translates_every_message_when_compiled(code):
    compiled = TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists(), f"run: pybabel compile -d translations ({code})"
    catalog = translations(code)
    untranslated = [
        message.id
        for message in messages()
        if (
            catalog.pgettext(message.context, message.id)
            if message.context
            else catalog.gettext(message.id)
        )
        == message.id
    ]
    assert untranslated == []


def test_the_template_has_the_respondent_pages_and_emails_messages():
    ids = {message.id for message in messages()}
    assert {"Thank you!", "Quick question: how did we do?", "Not at all likely"} <= ids
