"""The respondent pages' words in English and Finnish, chosen by the customer's locale.

Two languages and a few dozen strings do not need gettext catalogues: every key exists in both
languages (a test checks), and templates read them as ``t.key``. Strings with ``{name}`` are
filled with ``str.format`` and autoescaped like any other text.
"""

from types import SimpleNamespace

from surveys.kernel.languages import DEFAULT_LANGUAGE

# The words at each end of a scale: (lowest score, highest score).
SCALE_ENDS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "nps": ("Not at all likely", "Extremely likely"),
        "csat": ("Very dissatisfied", "Very satisfied"),
        "ces": ("Very difficult", "Very easy"),
    },
    "fi": {
        "nps": ("En lainkaan todennäköisesti", "Erittäin todennäköisesti"),
        "csat": ("Erittäin tyytymätön", "Erittäin tyytyväinen"),
        "ces": ("Erittäin vaikeaa", "Erittäin helppoa"),
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "skip_to_content": "Skip to content",
        "question_title": "Feedback survey",
        "why_title": "Tell us more",
        "thanks_title": "Thank you",
        "selected": "(selected)",
        "current_answer": "Your current answer is {score}. Choose again to change it.",
        "your_answer": "Your answer:",
        "send": "Send",
        "send_hint": "Press Send to save your answer, or choose another number above.",
        "sending": "Saving your answer…",
        "bad_score": "Please choose a number from {low} to {high}.",
        "change": "Change",
        "change_long": "Change your answer",
        "comment_hint": "Optional, up to 5,000 characters.",
        "comment_too_long": "Please keep your comment under 5,000 characters.",
        "skip": "Skip",
        "thanks_heading": "Thank you!",
        "thanks_body": "Your answer has been saved. We read every comment.",
        "your_comment": "Your comment:",
        "referral_heading": "Recommend us to a friend",
        "referral_body": "Share your personal link with someone who might like us too.",
        "reward": "Reward:",
        "copy_link": "Copy link",
        "copied": "Copied",
        "referral_pending": "Preparing your personal referral link…",
        "referral_refresh_hint": "It should be ready in a moment.",
        "refresh": "Refresh the page",
        "not_found_title": "We could not find this survey",
        "not_found_body": (
            "The link may be incomplete. Open it again from the email, or copy the whole address."
        ),
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_heading": "Stop feedback emails?",
        "unsubscribe_body": "We will not send survey emails to {email} any more.",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed_heading": "You are unsubscribed",
        "unsubscribed_body": "We will not send you survey emails any more.",
        "closed_title": "This survey has closed",
        "closed_body": "Thank you for your interest. This survey no longer accepts answers.",
        "referral_not_found_title": "This referral link is not valid",
        "referral_not_found_body": "Please check the link with the person who shared it.",
        "error_title": "Something is not right",
    },
    "fi": {
        "skip_to_content": "Siirry sisältöön",
        "question_title": "Palautekysely",
        "why_title": "Kerro lisää",
        "thanks_title": "Kiitos",
        "selected": "(valittu)",
        "current_answer": (
            "Nykyinen vastauksesi on {score}. Voit muuttaa sitä valitsemalla uudelleen."
        ),
        "your_answer": "Vastauksesi:",
        "send": "Lähetä",
        "send_hint": "Tallenna vastauksesi painamalla Lähetä tai valitse yllä toinen numero.",
        "sending": "Tallennetaan vastaustasi…",
        "bad_score": "Valitse numero väliltä {low}–{high}.",
        "change": "Muuta",
        "change_long": "Muuta vastaustasi",
        "comment_hint": "Vapaaehtoinen, enintään 5 000 merkkiä.",
        "comment_too_long": "Kommentti voi olla enintään 5 000 merkkiä pitkä.",
        "skip": "Ohita",
        "thanks_heading": "Kiitos!",
        "thanks_body": "Vastauksesi on tallennettu. Luemme jokaisen kommentin.",
        "your_comment": "Kommenttisi:",
        "referral_heading": "Suosittele meitä ystävällesi",
        "referral_body": "Jaa henkilökohtainen linkkisi jollekulle, joka voisi myös pitää meistä.",
        "reward": "Etu:",
        "copy_link": "Kopioi linkki",
        "copied": "Kopioitu",
        "referral_pending": "Henkilökohtaista suosituslinkkiäsi valmistellaan…",
        "referral_refresh_hint": "Sen pitäisi olla valmis hetken kuluttua.",
        "refresh": "Päivitä sivu",
        "not_found_title": "Kyselyä ei löytynyt",
        "not_found_body": (
            "Linkki saattaa olla vajaa. Avaa se uudelleen sähköpostista tai kopioi koko osoite."
        ),
        "unsubscribe_title": "Peru tilaus",
        "unsubscribe_heading": "Lopetetaanko palautekyselyt?",
        "unsubscribe_body": "Emme enää lähetä kyselyjä osoitteeseen {email}.",
        "unsubscribe_button": "Peru kyselyt",
        "unsubscribed_heading": "Tilaus on peruttu",
        "unsubscribed_body": "Emme enää lähetä sinulle palautekyselyjä.",
        "closed_title": "Tämä kysely on päättynyt",
        "closed_body": "Kiitos kiinnostuksestasi. Kyselyyn ei voi enää vastata.",
        "referral_not_found_title": "Suosituslinkki ei ole voimassa",
        "referral_not_found_body": "Tarkista linkki sen jakaneelta henkilöltä.",
        "error_title": "Jokin meni vikaan",
    },
}


def texts(lang: str) -> SimpleNamespace:
    """The strings of ``lang`` (English for anything unknown), read as ``t.key`` in templates."""
    return SimpleNamespace(**TEXTS.get(lang, TEXTS[DEFAULT_LANGUAGE]))


def scale_ends(lang: str, kind: str) -> tuple[str, str]:
    """The labels of the lowest and the highest score of a survey ``kind`` in ``lang``."""
    return SCALE_ENDS.get(lang, SCALE_ENDS[DEFAULT_LANGUAGE])[kind]
