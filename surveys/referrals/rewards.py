"""What a referral programme's reward says, in the customer's language.

A programme has ``rewards`` by language and ``reward``, its text from before, which stands in
for English. A customer whose language has no text gets a translated generic line rather
than another language's text.
"""

from typing import Any

from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import BY_CODE, DEFAULT_LANGUAGE, N_, translations
from surveys.models import ReferralProgramme

MAX_REWARD_LENGTH = 1000
GENERIC_REWARD = N_("Details are on the page behind the link.")


def clean_rewards(rewards: Any) -> dict[str, str]:
    """``{language: text}`` with registered languages and non-empty texts, stripped.

    :raises ValidationError: not a mapping, an unknown language, or an empty or too long text.
    """
    if rewards is None:
        return {}
    if not isinstance(rewards, dict):
        raise ValidationError(
            'Rewards are texts by language, e.g. {"fi": "..."}.', fields={"rewards": "object"}
        )
    cleaned: dict[str, str] = {}
    for code, text in rewards.items():
        if code not in BY_CODE:
            raise ValidationError(
                f"Rewards can be given in {', '.join(BY_CODE)}; not in {code!r}.",
                fields={f"rewards.{code}": "unknown language"},
            )
        text = text.strip() if isinstance(text, str) else ""
        if not text or len(text) > MAX_REWARD_LENGTH:
            raise ValidationError(
                f"A reward text has 1 to {MAX_REWARD_LENGTH} characters.",
                fields={f"rewards.{code}": f"1..{MAX_REWARD_LENGTH} characters"},
            )
        cleaned[code] = text
    return cleaned


def reward_text(programme: ReferralProgramme, language: str) -> str | None:
    """The reward line a customer served in ``language`` reads: the programme's text in it
    (``reward`` counts as English), else the generic line in that language; None when the
    programme names no reward at all."""
    rewards = programme.rewards or {}
    text = rewards.get(language)
    if not text and language == DEFAULT_LANGUAGE:
        text = programme.reward
    if text:
        return text
    if programme.reward or any(rewards.values()):
        return translations(language).gettext(GENERIC_REWARD)
    return None
