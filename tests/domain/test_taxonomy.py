"""The taxonomy in the database: seeded, loaded for tagging, edited by the roles that may, and
discovery's candidates with accept, rename, merge and dismiss."""

import pytest
from sqlalchemy import func, select

from surveys.answers import discovery, taxonomy
from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel.actor import SYSTEM, Actor
from surveys.kernel.errors import ConflictError, ForbiddenError, ValidationError
from surveys.models import DismissedThemeTerm, Response, ResponseTheme, Theme
from tests.factories.surveys import make_invitation

ANALYST = Actor("staff", 1, "analyst", "Ann Analyst")
AGENT = Actor("staff", 2, "agent", "Aku Agent")


def answer(session, settings, comment, locale="en"):
    new = make_invitation(session, settings, locale=locale)
    response_id = record_answer(session, new.invitation, 9, channel="email")
    add_comment(session, new.invitation, comment)
    session.commit()
    process_response(session, response_id, settings)
    session.commit()
    return response_id


def themes_of(session, response_id):
    return sorted(
        session.scalars(select(ResponseTheme.theme).where(ResponseTheme.response_id == response_id))
    )


def test_a_fresh_schema_holds_the_default_themes_and_seeding_again_adds_nothing(session):
    assert session.scalar(select(func.count()).select_from(Theme)) == 14
    assert taxonomy.seed_default_themes(session) == 0
    assert set(taxonomy.load_taxonomy(session).keys) >= {"price", "feature_requests", "account"}


def test_load_taxonomy_reuses_what_it_built_until_a_theme_changes(session):
    first = taxonomy.load_taxonomy(session)
    assert taxonomy.load_taxonomy(session) is first
    theme = taxonomy.get_theme(session, "price")
    taxonomy.update_theme(session, ANALYST, theme, terms={"en": ["price", "tariff"]})
    session.commit()
    changed = taxonomy.load_taxonomy(session)
    assert changed is not first and changed.fingerprint != first.fingerprint


def test_processing_tags_with_the_houses_taxonomy(session, settings):
    taxonomy.create_theme(
        session, ANALYST, key="vouchers", names={"en": "Vouchers"}, terms={"en": ["voucher"]}
    )
    price = taxonomy.get_theme(session, "price")
    taxonomy.update_theme(session, ANALYST, price, active=False)
    session.commit()

    response_id = answer(session, settings, "The voucher did not cover the price.")

    assert themes_of(session, response_id) == ["vouchers"]


def test_an_agent_may_not_change_themes_and_nothing_changes(session):
    with pytest.raises(ForbiddenError):
        taxonomy.create_theme(session, AGENT, key="x_y", names={"en": "X"}, terms={"en": ["x"]})
    with pytest.raises(ForbiddenError):
        taxonomy.delete_theme(session, AGENT, taxonomy.get_theme(session, "price"))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Theme)) == 14


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"key": "Bad Key"}, "key"),
        ({"key": "ok_key", "names": {"en": ""}}, "names.en"),
        ({"key": "ok_key", "terms": {}}, "terms"),
        ({"key": "ok_key", "terms": {"de": ["preis"]}}, "terms.de"),
        ({"key": "ok_key", "terms": {"en": ["a*b"]}}, "terms.en"),
        ({"key": "ok_key", "terms": {"en": ["x" * 81]}}, "terms.en"),
        ({"key": "ok_key", "terms": {"en": ["one two three four five six seven"]}}, "terms.en"),
        ({"key": "ok_key", "exclusions": {"fi": ["!!!"]}}, "exclusions.fi"),
    ],
)
def test_invalid_themes_are_refused_naming_the_field(session, values, field):
    full = {"names": {"en": "Name"}, "terms": {"en": ["term"]}} | values
    with pytest.raises(ValidationError) as refused:
        taxonomy.create_theme(session, ANALYST, **full)
    assert field in refused.value.fields


def test_a_taken_key_is_a_conflict(session):
    with pytest.raises(ConflictError):
        taxonomy.create_theme(session, ANALYST, key="price", names={"en": "P"}, terms={"en": ["p"]})


def test_terms_are_cleaned_and_an_empty_language_is_cleared(session):
    theme = taxonomy.create_theme(
        session, SYSTEM, key="vouchers", names={"en": "Vouchers"},
        terms={"en": ["  Voucher ", "voucher", "gift  card"], "fi": ["lahjakortti"]},
    )  # fmt: skip
    taxonomy.update_theme(session, SYSTEM, theme, terms={"fi": []})
    assert theme.terms == {"en": ["voucher", "gift card"]}


def _comments(session, settings, texts, locale="en"):
    return [answer(session, settings, text, locale) for text in texts]


def test_discovery_offers_uncovered_terms_and_each_action_works(session, settings):
    _comments(
        session, settings,
        ["The gift card never works.", "My gift card was refused.", "Gift card balance is wrong",
         "The price is high", "Great!"],
    )  # fmt: skip
    found = discovery.theme_candidates(session, "en", min_count=3)
    terms = {t.term: t for t in found.terms}
    assert "gift card" in terms and terms["gift card"].count == 3
    assert len(terms["gift card"].examples) == 3 and "price" not in terms

    discovery.merge_candidate(session, ANALYST, "en", "gift card", "billing")
    assert "gift card" in taxonomy.get_theme(session, "billing").terms["en"]
    session.commit()
    assert "gift card" not in {t.term for t in discovery.theme_candidates(session, "en").terms}


def test_accept_and_rename_make_a_theme_with_the_term(session):
    accepted = discovery.accept_candidate(session, ANALYST, "fi", "lahjakortti")
    renamed = discovery.accept_candidate(
        session, ANALYST, "en", "gift card", key="gift_cards", name="Gift cards"
    )
    assert accepted.key == "lahjakortti" and accepted.terms == {"fi": ["lahjakortti"]}
    assert renamed.key == "gift_cards" and renamed.names == {"en": "Gift cards"}


def test_a_dismissed_candidate_is_stored_once_and_not_offered_again(session, settings):
    _comments(session, settings, ["Gift card refused", "gift card again", "the gift card"])
    discovery.dismiss_candidate(session, ANALYST, "en", "gift card")
    discovery.dismiss_candidate(session, ANALYST, "en", "Gift  Card")
    session.commit()
    assert session.scalar(select(func.count()).select_from(DismissedThemeTerm)) == 1
    offered = {t.term for t in discovery.theme_candidates(session, "en").terms}
    assert "gift card" not in offered


def test_discovery_reads_only_its_language(session, settings):
    _comments(
        session, settings, ["Lahjakortti ei toimi", "lahjakortti hukassa", "lahjakortti"], "fi"
    )
    assert discovery.theme_candidates(session, "en").comments == 0
    with pytest.raises(ValidationError):
        discovery.theme_candidates(session, "de")


def test_deleting_a_theme_keeps_the_tags_history_holds(session, settings):
    response_id = answer(session, settings, "The price is too high.")
    taxonomy.delete_theme(session, ANALYST, taxonomy.get_theme(session, "price"))
    session.commit()
    assert themes_of(session, response_id) == ["price"]
    assert session.get(Response, response_id) is not None
