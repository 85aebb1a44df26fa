"""A referral programme's reward in the customer's language (surveys.referrals.rewards)."""

import pytest
from sqlalchemy import func, select

from surveys.kernel.errors import ValidationError
from surveys.models import ReferralProgramme
from surveys.referrals.codes import create_programme
from surveys.referrals.rewards import reward_text
from tests.factories.surveys import make_programme


def test_reward_is_shown_in_the_customers_language(session):
    programme = create_programme(
        session,
        "Friends",
        "https://example.com/join",
        reward="One month free",
        rewards={"fi": " Kuukausi ilmaiseksi ", "sv": "En månad gratis"},
    )
    assert programme.rewards == {"fi": "Kuukausi ilmaiseksi", "sv": "En månad gratis"}
    assert reward_text(programme, "fi") == "Kuukausi ilmaiseksi"
    assert reward_text(programme, "sv") == "En månad gratis"
    assert reward_text(programme, "en") == "One month free"


def test_a_language_without_a_text_gets_the_translated_generic_line(session):
    programme = make_programme(session, reward="One month free for you and your friend")
    assert reward_text(programme, "fi") == "Lisätiedot löydät linkin takaa."
    assert reward_text(programme, "sv") == "Mer information finns på sidan bakom länken."
    assert reward_text(programme, "en") == "One month free for you and your friend"


def test_english_text_in_rewards_wins_over_the_old_reward(session):
    programme = make_programme(session, reward="Old words", rewards={"en": "New words"})
    assert reward_text(programme, "en") == "New words"


def test_only_finnish_text_leaves_english_customers_the_generic_line(session):
    programme = make_programme(session, reward=None, rewards={"fi": "Kuukausi ilmaiseksi"})
    assert reward_text(programme, "en") == "Details are on the page behind the link."


def test_a_programme_without_any_reward_shows_none(session):
    programme = make_programme(session, reward=None)
    assert programme.rewards == {}
    assert [reward_text(programme, code) for code in ("en", "fi", "sv")] == [None] * 3


@pytest.mark.parametrize(
    ("rewards", "field"),
    [
        ({"de": "Ein Monat gratis"}, "rewards.de"),
        ({"fi": "   "}, "rewards.fi"),
        ({"sv": "x" * 1001}, "rewards.sv"),
        ({"fi": 10}, "rewards.fi"),
        (["fi", "text"], "rewards"),
    ],
)
def test_bad_reward_texts_are_refused_and_nothing_is_added(session, rewards, field):
    with pytest.raises(ValidationError) as error:
        create_programme(session, "Friends", "https://example.com/join", rewards=rewards)
    assert field in error.value.fields
    assert session.scalar(select(func.count()).select_from(ReferralProgramme)) == 0
