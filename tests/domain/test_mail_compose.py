"""Composing the invitation email: language, question, one link per score, escaping, refusals."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from surveys.delivery.emails import queue_invitation_email
from surveys.delivery.invitations import answer_url, find_invitation
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.models import OutboxEmail
from tests.factories.surveys import make_invitation, make_survey


class Links(HTMLParser):
    """Every ``<a href>`` of an HTML document, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def answer_links(html: str, token: str) -> list[str]:
    return [href for href in Links(html).hrefs if f"/s/{token}" in href]


def test_english_invitation_asks_the_survey_question_with_a_button_per_score(session, settings):
    new = make_invitation(session, settings, name="Ann Smith", locale="en")

    email = queue_invitation_email(session, new, settings)

    expected = [answer_url(settings, new.token, score) for score in range(0, 11)]
    assert answer_links(email.html_body, new.token) == expected
    assert email.subject == "Quick question: how did we do?"
    for body in (email.html_body, email.text_body):
        assert "Hi Ann Smith," in body
        assert "How likely are you to recommend us to a friend or colleague?" in body
        assert "It takes less than a minute" in body
        assert "0 = Not at all likely" in body
        assert "10 = Extremely likely" in body
        assert f"{settings.base_url}/u/{new.token}" in body  # the unsubscribe link
    assert '<html lang="en"' in email.html_body
    assert re.findall(r"https?://\S+/s/\S+", email.text_body) == expected


def test_finnish_customer_gets_the_email_in_finnish(session, settings):
    new = make_invitation(session, settings, name="Matti", locale="fi")

    email = queue_invitation_email(session, new, settings)

    assert email.subject == "Lyhyt kysymys: miten onnistuimme?"
    for body in (email.html_body, email.text_body):
        assert "Hei Matti," in body
        assert "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?" in body
        assert "Vastaaminen vie alle minuutin" in body
        assert "0 = En lainkaan todennäköisesti" in body
        assert "Peru tilaus" in body
        assert "recommend" not in body and "Unsubscribe" not in body
    assert '<html lang="fi"' in email.html_body


@pytest.mark.parametrize(
    ("kind", "scores", "high_label"),
    [("nps", range(0, 11), "Extremely likely"), ("csat", range(1, 6), "Very satisfied"),
     ("ces", range(1, 8), "Very easy")],
)  # fmt: skip
def test_links_follow_the_scale_of_the_survey(session, settings, kind, scores, high_label):
    new = make_invitation(session, settings, survey=make_survey(session, kind))

    email = queue_invitation_email(session, new, settings)

    expected = [f"{settings.base_url}/s/{new.token}?score={score}" for score in scores]
    assert answer_links(email.html_body, new.token) == expected
    assert re.findall(r"https?://\S+/s/\S+", email.text_body) == expected
    assert f"{scores[-1]} = {high_label}" in email.text_body


def test_answer_links_carry_the_token_of_this_invitation(session, settings):
    new = make_invitation(session, settings)

    email = queue_invitation_email(session, new, settings)

    token = re.search(r"/s/([^?]+)\?score=", email.text_body).group(1)
    assert find_invitation(session, token).id == new.invitation.id


def test_html_escapes_the_customer_name(session, settings):
    new = make_invitation(session, settings, name='<b>Bold</b> & "Co"')

    email = queue_invitation_email(session, new, settings)

    assert "<b>Bold" not in email.html_body
    assert "Hi &lt;b&gt;Bold&lt;/b&gt; &amp; &#34;Co&#34;," in email.html_body
    assert 'Hi <b>Bold</b> & "Co",' in email.text_body  # plain text shows it as written


def test_html_escapes_the_survey_question(session, settings):
    survey = make_survey(session, question_en="Was it <script>alert(1)</script> good?")
    new = make_invitation(session, settings, survey=survey)

    email = queue_invitation_email(session, new, settings)

    assert "<script>" not in email.html_body
    assert "Was it &lt;script&gt;alert(1)&lt;/script&gt; good?" in email.html_body


def test_customer_without_a_name_is_greeted_plainly(session, settings):
    new = make_invitation(session, settings, name=None, locale="fi")

    email = queue_invitation_email(session, new, settings)

    assert email.text_body.startswith("Hei,\n")


def test_queued_email_is_in_the_outbox_and_the_invitation_is_queued(session, settings):
    new = make_invitation(session, settings, email="ann@example.com")
    other = make_invitation(session, settings)

    email = queue_invitation_email(session, new, settings)
    other_email = queue_invitation_email(session, other, settings)

    stored = session.get(OutboxEmail, email.id)
    assert stored.kind == "invitation"
    assert stored.invitation_id == new.invitation.id
    assert stored.to_address == "ann@example.com"
    assert stored.from_address == settings.mail_from
    assert stored.status == "queued"
    assert re.fullmatch(r"<[0-9a-f]{32}@kaiku\.test>", stored.message_id)
    assert stored.message_id != other_email.message_id
    assert stored.headers["List-Unsubscribe"] == f"<{settings.base_url}/u/{new.token}>"
    assert new.invitation.status == "queued"


def test_unsubscribed_customer_gets_no_email(session, settings):
    new = make_invitation(session, settings, unsubscribed=True)

    with pytest.raises(ValidationError) as raised:
        queue_invitation_email(session, new, settings)

    assert raised.value.fields == {"customer": "unsubscribed"}
    assert session.scalar(select(func.count(OutboxEmail.id))) == 0
    assert new.invitation.status == "pending"


@pytest.mark.parametrize("address", [None, "", "   "])
def test_customer_without_an_address_gets_no_email(session, settings, address):
    new = make_invitation(session, settings, email=address)

    with pytest.raises(ValidationError) as raised:
        queue_invitation_email(session, new, settings)

    assert raised.value.fields == {"email": "required"}
    assert session.scalar(select(func.count(OutboxEmail.id))) == 0


@pytest.mark.parametrize("address", ["not-an-address", "ann@", "ann@example.com\nBcc: x@y.z"])
def test_an_address_that_cannot_be_mailed_is_refused(session, settings, address):
    new = make_invitation(session, settings, email=address)

    with pytest.raises(ValidationError) as raised:
        queue_invitation_email(session, new, settings)

    assert raised.value.fields == {"email": "invalid"}


def test_an_invitation_is_emailed_only_once(session, settings):
    new = make_invitation(session, settings)
    queue_invitation_email(session, new, settings)

    with pytest.raises(ConflictError):
        queue_invitation_email(session, new, settings)

    assert session.scalar(select(func.count(OutboxEmail.id))) == 1
