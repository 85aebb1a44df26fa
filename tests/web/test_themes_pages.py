"""The themes pages: the list with counts, create, edit, delete, discovery; roles and CSRF."""

import re

import pytest
from sqlalchemy import select

from app import create_app
from config import TestConfig
from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.models import DismissedThemeTerm, Theme
from tests.conftest import use_celery_of
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_invitation


@pytest.fixture
def analyst(client, session):
    make_staff(session, "analyst", email="ann@example.com")
    session.commit()
    return sign_in(client, "ann@example.com")


def form_data(**changes) -> dict:
    data = {
        "key": "vouchers", "active": "y", "name_en": "Vouchers", "name_fi": "", "name_sv": "",
        "terms_en": "voucher\ngift card\n", "terms_fi": "lahjakortti", "terms_sv": "",
        "exclusions_en": "", "exclusions_fi": "", "exclusions_sv": "",
    }  # fmt: skip
    return data | changes


def theme(session, key):
    session.expire_all()
    return session.scalar(select(Theme).where(Theme.key == key))


def answered(session, settings, comment):
    new = make_invitation(session, settings)
    response_id = record_answer(session, new.invitation, 4, channel="email")
    add_comment(session, new.invitation, comment)
    session.commit()
    process_response(session, response_id, settings)
    session.commit()


def test_the_list_shows_every_theme_with_its_count_of_recent_answers(analyst, session, settings):
    answered(session, settings, "Way too expensive.")
    page = analyst.get("/themes").get_data(as_text=True)
    row = re.search(r'<tr[^>]*data-theme="price".*?</tr>', page, re.S).group(0)
    assert "Price" in row and re.search(r'data-label="Answers, 90 days">1<', row)
    assert page.count("data-theme=") == 14 and "New theme" in page


def test_an_agent_reads_the_list_without_edit_actions_and_may_not_edit(client, session):
    make_staff(session, "agent", email="aku@example.com")
    session.commit()
    agent = sign_in(client, "aku@example.com")
    page = agent.get("/themes").get_data(as_text=True)
    assert 'data-theme="price"' in page and "New theme" not in page and "/edit" not in page
    assert agent.get("/themes/price/edit").status_code == 403
    assert agent.post("/themes/new", data=form_data()).status_code == 403
    assert theme(session, "vouchers") is None


def test_a_new_theme_is_created_and_the_page_says_history_is_not_re_tagged(analyst, session):
    created = analyst.post("/themes/new", data=form_data())
    assert created.status_code == 302 and "changed=vouchers" in created.location
    saved = theme(session, "vouchers")
    assert saved.terms == {"en": ["voucher", "gift card"], "fi": ["lahjakortti"]}
    page = analyst.get(created.location).get_data(as_text=True)
    assert "keep the" in page and "until they are re-tagged" in page
    # The re-tagging page is an admin's: an analyst is told who can re-tag, not sent to a 403.
    assert "flask reprocess" in page and 'href="/admin/reanalysis"' not in page


def test_after_a_change_an_admin_is_linked_to_the_re_tagging_page(client, session):
    make_staff(session, "admin", email="ada@example.com")
    session.commit()
    admin = sign_in(client, "ada@example.com")
    page = admin.get("/themes?changed=price").get_data(as_text=True)
    assert page.count('href="/admin/reanalysis"') == 2  # the button and the notice
    assert admin.get("/themes").get_data(as_text=True).count('href="/admin/reanalysis"') == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"key": "Bad key"}, "key", "lower-case letters"),
        ({"name_en": ""}, "name_en", "English name"),
        ({"terms_en": "", "terms_fi": ""}, "terms_en", "at least one term"),
        ({"terms_fi": "a*b"}, "terms_fi", "may only end"),
        ({"exclusions_sv": "x" * 81}, "exclusions_sv", "longer than 80"),
    ],
)
def test_invalid_input_shows_the_error_next_to_its_field(analyst, session, changes, field, message):
    answer = analyst.post("/themes/new", data=form_data(**changes))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', page), page
    assert theme(session, "vouchers") is None


def test_a_taken_key_is_refused(analyst, session):
    page = analyst.post("/themes/new", data=form_data(key="price")).get_data(as_text=True)
    assert "exists" in page and theme(session, "price").names["en"] == "Price"


def test_editing_a_theme_shows_its_terms_and_saves_the_changes(analyst, session):
    page = analyst.get("/themes/price/edit").get_data(as_text=True)
    assert "kuukausimaksu" in page and 'name="terms_sv"' in page
    saved = analyst.post(
        "/themes/price/edit",
        data=form_data(key="", name_en="Pricing", terms_en="price\ntariff", active=""),
    )
    assert saved.status_code == 302
    price = theme(session, "price")
    assert price.names["en"] == "Pricing" and price.terms["en"] == ["price", "tariff"]
    assert price.active is False and price.terms["fi"] == ["lahjakortti"]


def test_an_unknown_theme_is_404(analyst):
    assert analyst.get("/themes/nope/edit").status_code == 404
    assert analyst.post("/themes/nope/delete").status_code == 404


def test_delete_asks_first_then_deletes(analyst, session):
    assert "Delete theme price?" in analyst.get("/themes/price/delete").get_data(as_text=True)
    assert theme(session, "price") is not None
    assert analyst.post("/themes/price/delete").status_code == 302
    assert theme(session, "price") is None


def test_discovery_lists_candidates_and_dismiss_and_accept_work(analyst, session, settings):
    for text in ("The gift card was refused", "gift card again!", "Where is my gift card"):
        answered(session, settings, text)
    page = analyst.get("/themes/discover?language=en").get_data(as_text=True)
    assert 'data-term="gift card"' in page and "in 3 comments" in page
    assert "Where is my gift card" in page

    dismissed = analyst.post(
        "/themes/discover", data={"language": "en", "term": "gift card", "action": "dismiss"}
    )
    assert dismissed.status_code == 302
    assert session.scalar(select(DismissedThemeTerm.term)) == "gift card"
    assert 'data-term="gift card"' not in analyst.get("/themes/discover").get_data(as_text=True)

    renamed = analyst.post(
        "/themes/discover",
        data={"language": "en", "term": "refuse", "action": "rename", "key": "refusals",
              "name": "Refusals"},
    )  # fmt: skip
    assert renamed.status_code == 302 and theme(session, "refusals").terms == {"en": ["refuse"]}
    merged = analyst.post(
        "/themes/discover",
        data={"language": "en", "term": "gift card", "action": "merge", "theme": "billing"},
    )
    assert merged.status_code == 302 and "gift card" in theme(session, "billing").terms["en"]


def test_a_bad_candidate_action_changes_nothing(analyst, session):
    answer = analyst.post(
        "/themes/discover", data={"language": "en", "term": "x", "action": "merge", "theme": "no"}
    )
    assert answer.status_code == 302
    assert "No theme" in analyst.get(answer.location).get_data(as_text=True)
    bad = analyst.post("/themes/discover", data={"language": "en", "term": "", "action": "x"})
    assert bad.status_code == 302 and "did not work" in analyst.get(bad.location).get_data(
        as_text=True
    )


@pytest.fixture(scope="module")
def csrf_app(app):
    class CsrfConfig(TestConfig):
        WTF_CSRF_ENABLED = True

    csrf_app = create_app(CsrfConfig)
    use_celery_of(app)
    return csrf_app


def test_theme_forms_without_a_csrf_token_are_refused(csrf_app, engine, session):
    make_staff(session, "analyst", email="ann@example.com")
    session.commit()
    client = csrf_app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post(
        "/login",
        data={"email": "ann@example.com", "password": "correct horse battery", "csrf_token": token},
    )
    assert client.get("/themes").status_code == 200

    forged = client.post("/themes/new", data=form_data())
    assert forged.status_code == 400 and theme(session, "vouchers") is None
    assert client.post("/themes/price/delete").status_code == 400
    assert theme(session, "price") is not None
    dismiss = {"language": "en", "term": "x", "action": "dismiss"}
    assert client.post("/themes/discover", data=dismiss).status_code == 400
    assert session.scalar(select(DismissedThemeTerm.id)) is None

    page = client.get("/themes/price/edit").get_data(as_text=True)
    assert 'name="csrf_token"' in page
