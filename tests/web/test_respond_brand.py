"""The brand on the respondent pages: logo, company name, colour (in a nonced <style>), the
thank-you message of the answer's category and language, and the link back to the company."""

import io
import re

import pytest
from PIL import Image

from surveys.brand import clean_logo, save_brand, set_logo
from tests.factories.surveys import make_invitation, make_survey


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 20), (11, 92, 173)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def house(session):
    save_brand(
        session,
        {"company_name": "Acme Oy", "primary_color": "#0b5cad",
         "redirect_url": "https://acme.example/"},
    )  # fmt: skip
    brand = set_logo(session, clean_logo(png()))
    session.commit()
    return brand


def invite(session, settings, survey=None, **customer) -> str:
    new = make_invitation(session, settings, survey, **customer)
    session.commit()
    return new.token


def answered(client, token: str, score: int) -> str:
    assert client.post(f"/s/{token}", data={"score": str(score)}).status_code == 303
    return client.get(f"/s/{token}/thanks").get_data(as_text=True)


def test_the_answer_page_shows_the_logo_name_and_colour(client, session, settings, house):
    response = client.get(f"/s/{invite(session, settings)}")

    page = response.get_data(as_text=True)
    assert f'<img class="brand-logo" src="/brand/logo/{house.logo_hash}.png" alt="Acme Oy">' in page
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    style = re.search(rf'<style nonce="{nonce}">(.*?)</style>', page, re.S)
    assert style and "--accent: #0b5cad;" in style.group(1)


def test_without_a_brand_the_page_shows_no_logo_and_kaikus_colour(client, session, settings):
    page = client.get(f"/s/{invite(session, settings)}").get_data(as_text=True)
    assert "brand-logo" not in page and "--accent:" not in page


def test_a_light_colour_falls_back_on_the_page(client, session, settings):
    save_brand(session, {"company_name": "Acme Oy", "primary_color": "#ffdd00"})
    page = client.get(f"/s/{invite(session, settings)}").get_data(as_text=True)

    assert "#ffdd00" not in page and "--accent: #22617a;" in page
    assert '<span class="brand-name">Acme Oy</span>' in page


def test_the_thank_you_page_says_the_message_of_the_category(client, session, settings, house):
    survey = make_survey(session, "nps")
    save_brand(
        session,
        {"thanks": {"promoter": {"en": "Thanks, fan!", "fi": "Kiitos, fani!"},
                    "detractor": {"en": "Sorry. We will call you."}}},
        survey_id=survey.id,
    )  # fmt: skip

    assert "Thanks, fan!" in answered(client, invite(session, settings, survey), 10)
    assert "Kiitos, fani!" in answered(client, invite(session, settings, survey, locale="fi"), 9)
    detractor = answered(client, invite(session, settings, survey, locale="sv"), 3)
    assert "Sorry. We will call you." in detractor  # no Swedish words: the English ones
    passive = answered(client, invite(session, settings, survey), 7)
    assert "Your answer has been saved. We read every comment." in passive


def test_the_thank_you_page_links_back_to_the_company(client, session, settings, house):
    page = answered(client, invite(session, settings), 8)
    link = r'<a class="btn btn-primary" href="https://acme.example/"[^>]*>Back to Acme Oy</a>'
    assert re.search(link, page)
    finnish = answered(client, invite(session, settings, locale="fi"), 8)
    assert "Takaisin: Acme Oy" in finnish


def test_a_survey_override_wins_on_the_pages(client, session, settings, house):
    survey = make_survey(session)
    save_brand(
        session,
        {"primary_color": "#6b21a8", "redirect_url": "https://acme.example/onboarding"},
        survey_id=survey.id,
    )
    token = invite(session, settings, survey)

    assert "--accent: #6b21a8;" in client.get(f"/s/{token}").get_data(as_text=True)
    assert 'href="https://acme.example/onboarding"' in answered(client, token, 10)
    other = client.get(f"/s/{invite(session, settings)}").get_data(as_text=True)
    assert "--accent: #0b5cad;" in other
