"""The brand in customer emails: From, Reply-To, company name, logo, postal footer; a survey's
overrides win over the house brand; MAIL_FROM when nothing is set."""

import io

import pytest
from PIL import Image

from surveys.brand import clean_logo, save_brand, set_logo
from surveys.delivery.emails import queue_invitation_email
from surveys.kernel.actor import Actor
from surveys.mail import build_message
from surveys.rescue.actions import send_follow_up
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff
from tests.factories.surveys import make_invitation, make_survey

HOUSE = {
    "company_name": "Acme Oy",
    "sender_name": "Acme Support",
    "sender_address": "hello@acme.example",
    "reply_to": "care@acme.example",
    "postal_address": "Acme Oy\r\nMannerheimintie 1\r\n00100 Helsinki",
    "primary_color": "#0b5cad",
}


def logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 20), (11, 92, 173)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def house(session):
    save_brand(session, HOUSE)
    brand = set_logo(session, clean_logo(logo()))
    session.commit()
    return brand


def test_without_a_brand_the_invitation_comes_from_mail_from(session, settings):
    email = queue_invitation_email(session, make_invitation(session, settings), settings)

    assert email.from_address == settings.mail_from
    assert "Reply-To" not in email.headers
    assert "because you're a customer of ours." in email.text_body
    assert "<img" not in email.html_body


def test_the_invitation_speaks_as_the_company(session, settings, house):
    email = queue_invitation_email(session, make_invitation(session, settings), settings)

    message = build_message(email)
    assert message["From"] == "Acme Support <hello@acme.example>"
    assert message["Reply-To"] == "care@acme.example"
    for body in (email.text_body, email.html_body):
        assert "because you're a customer of Acme Oy." in body
        assert "Mannerheimintie 1" in body and "00100 Helsinki" in body
        assert "customer of ours" not in body
    logo_url = f"{settings.base_url}/brand/logo/{house.logo_hash}.png"
    assert f'<img src="{logo_url}" alt="Acme Oy"' in email.html_body
    assert "background-color:#0b5cad" in email.html_body
    assert "Mannerheimintie 1<br>00100 Helsinki" in email.html_body


def test_the_finnish_invitation_names_the_company_in_finnish(session, settings, house):
    new = make_invitation(session, settings, locale="fi")
    email = queue_invitation_email(session, new, settings)

    assert "koska olet yrityksen Acme Oy asiakas." in email.text_body


def test_a_sender_name_alone_speaks_for_mail_froms_address(session, settings):
    save_brand(session, {"company_name": "Acme Oy"})
    email = queue_invitation_email(session, make_invitation(session, settings), settings)

    assert email.from_address == "Acme Oy <feedback@localhost>"


def test_a_survey_override_wins_over_the_house(session, settings, house):
    survey = make_survey(session)
    save_brand(
        session,
        {"sender_name": "Acme Onboarding", "sender_address": "welcome@acme.example",
         "reply_to": "onboarding@acme.example", "primary_color": "#6b21a8"},
        survey_id=survey.id,
    )  # fmt: skip
    other = make_invitation(session, settings)
    email = queue_invitation_email(session, make_invitation(session, settings, survey), settings)
    plain = queue_invitation_email(session, other, settings)

    assert email.from_address == "Acme Onboarding <welcome@acme.example>"
    assert email.headers["Reply-To"] == "onboarding@acme.example"
    assert "background-color:#6b21a8" in email.html_body
    assert "customer of Acme Oy." in email.text_body  # the company stays the house's
    assert plain.from_address == "Acme Support <hello@acme.example>"


def test_a_colour_too_light_for_white_text_falls_back_in_the_email(session, settings):
    save_brand(session, {"primary_color": "#ffdd00"})
    email = queue_invitation_email(session, make_invitation(session, settings), settings)

    assert "#ffdd00" not in email.html_body
    assert "background-color:#22617a" in email.html_body


def test_the_follow_up_comes_from_the_brand_with_reply_to_the_agent(session, settings, house):
    agent = make_staff(session, "agent", email="ann@kaiku.example", name="Ann Agent")
    at(T0)
    task = task_of(session, answer(session, settings, score=2, locale="en", name="Harry"))

    outbox = send_follow_up(
        session, task, actor=Actor.of_staff(agent), subject="Sorry",
        body="We are on it.", settings=settings,
    )  # fmt: skip

    assert outbox.from_address == "Acme Support <hello@acme.example>"
    assert outbox.headers["Reply-To"] == "Ann Agent <ann@kaiku.example>"
    assert "Mannerheimintie 1" in outbox.text_body and "Mannerheimintie 1" in outbox.html_body
    assert f"/brand/logo/{house.logo_hash}.png" in outbox.html_body
