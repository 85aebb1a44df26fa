"""Replying to any respondent from the customer page (POST /customers/<id>/replies): the form
prefilled by the answer's category, the follow-up email queued in the outbox after the commit,
the reply on the customer's timeline; roles, CSRF, unsubscribed and bounced customers (409),
bad input (4xx, nothing queued), the per-member rate limit; and the customer's attributes on
the rescue task page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from config import TestConfig
from surveys.kernel import clock
from surveys.models import CustomerReply, OutboxEmail
from surveys.rescue.replies import MAX_REPLIES_PER_HOUR
from tests.conftest import use_celery_of
from tests.factories.explorer import make_response
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey


def body_of(response) -> str:
    return response.get_data(as_text=True)


def counts(session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count(OutboxEmail.id))),
        session.scalar(select(func.count(CustomerReply.id))),
    )


@pytest.fixture
def promoter(session, settings):
    """Harry, who answered 10 with a comment; committed."""
    response = make_response(
        session,
        settings,
        make_survey(session, "nps", name="Product NPS"),
        score=10,
        comment="Brilliant support.",
        category="promoter",
        customer={"name": "Harry Davies", "email": "harry@example.co.uk", "external_id": "h-1"},
    )
    session.commit()
    return response


@pytest.fixture
def agent(session):
    user = make_staff(session, "agent", email="aino@example.com", name="Aino Agent")
    session.commit()
    return user


def test_an_agent_replies_to_a_promoter_and_the_email_is_queued_and_on_the_timeline(
    client, session, promoter, agent
):
    sign_in(client, agent)
    customer_id = promoter.customer_id

    page = body_of(client.get(f"/customers/{customer_id}?reply={promoter.id}"))
    form = page.split('id="reply"', 1)[1].split("</section>", 1)[0]
    assert 'value="Thank you for your feedback"' in form  # a thank-you to a promoter
    assert "Thank you for your kind words about Product NPS" in form
    assert "<strong>Hi Harry Davies,</strong>" in form  # the greeting Kaiku adds, shown
    assert f'name="response_id" type="hidden" value="{promoter.id}"' in form
    assert f'href="/customers/{customer_id}?reply={promoter.id}#reply"' in page  # on the answer

    sent = client.post(
        f"/customers/{customer_id}/replies",
        data={
            "response_id": str(promoter.id),
            "subject": "Thank you, Harry",
            "body": "Thank you for the kind words.\n\nAino",
        },
    )

    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/customers/{customer_id}#timeline")
    email = session.scalars(select(OutboxEmail)).one()
    assert email.kind == "reply" and email.rescue_task_id is None
    assert email.to_address == "harry@example.co.uk"
    assert email.subject == "Thank you, Harry"
    assert email.headers == {"Reply-To": "Aino Agent <aino@example.com>"}
    assert email.text_body.startswith("Hi Harry Davies,\n\nThank you for the kind words.\n\nAino")
    assert email.text_body.count("Hi ") == 1
    assert email.status != "failed"  # handed to delivery after the commit
    reply = session.scalars(select(CustomerReply)).one()
    assert (reply.customer_id, reply.response_id, reply.sender_id) == (
        customer_id,
        promoter.id,
        agent.id,
    )
    assert reply.outbox_id == email.id
    timeline = body_of(client.get(f"/customers/{customer_id}")).split('id="timeline"', 1)[1]
    assert "Reply from Aino Agent: Thank you, Harry" in timeline
    assert "to harry@example.co.uk" in timeline


@pytest.mark.parametrize(
    ("score", "category", "subject"),
    [(8, "passive", "A question about your feedback"), (3, "detractor", "We are sorry")],
)
def test_the_form_is_prefilled_by_the_answers_category(
    client, session, settings, agent, score, category, subject
):
    response = make_response(session, settings, score=score, category=category)
    session.commit()
    sign_in(client, agent)

    page = body_of(client.get(f"/customers/{response.customer_id}?reply={response.id}"))

    assert f'value="{subject}"' in page.split('id="reply"', 1)[1]


def test_a_finnish_customer_gets_the_form_in_finnish(client, session, settings, agent):
    response = make_response(
        session, settings, score=10, category="promoter", customer={"locale": "fi", "name": "Aino"}
    )
    session.commit()
    sign_in(client, agent)

    page = body_of(client.get(f"/customers/{response.customer_id}"))

    form = page.split('id="reply"', 1)[1]
    assert 'value="Kiitos palautteestasi"' in form and "<strong>Hei Aino,</strong>" in form


def test_an_admin_may_reply_and_an_analyst_may_not(client, session, promoter):
    admin = make_staff(session, "admin", email="boss@example.com")
    analyst = make_staff(session, "analyst", email="ana@example.com")
    session.commit()
    data = {"subject": "Hello", "body": "Thanks!"}

    sign_in(client, analyst)
    page = body_of(client.get(f"/customers/{promoter.customer_id}"))
    refused = client.post(f"/customers/{promoter.customer_id}/replies", data=data)

    assert 'id="reply"' not in page and ">Reply</a>" not in page
    assert refused.status_code == 403 and counts(session) == (0, 0)

    client.post("/logout")
    sign_in(client, admin)
    assert client.post(f"/customers/{promoter.customer_id}/replies", data=data).status_code == 303
    assert counts(session) == (1, 1)


@pytest.mark.parametrize(
    ("field", "value"), [("unsubscribed", True), ("bounced_at", "now")]
)  # fmt: skip
def test_an_unsubscribed_or_bounced_customer_is_refused_with_409(
    client, session, promoter, agent, field, value
):
    customer = promoter.customer
    setattr(customer, field, clock.now() if value == "now" else value)
    session.commit()
    sign_in(client, agent)

    page = body_of(client.get(f"/customers/{customer.id}"))
    refused = client.post(
        f"/customers/{customer.id}/replies", data={"subject": "Hello", "body": "Thanks!"}
    )

    assert (
        'id="reply-unavailable"' in page
        and 'action="/customers/' not in page.split('id="reply"', 1)[1].split("</section>", 1)[0]
    )
    assert refused.status_code == 409
    assert re.search(r'id="reply-error">[^<]*(unsubscribed|bounced)', body_of(refused))
    assert counts(session) == (0, 0)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"subject": "", "body": "Thanks"}, 422, "Write a subject."),
        ({"subject": "Hi", "body": "   "}, 422, "Write the message."),
        ({"subject": "x" * 201, "body": "Thanks"}, 422, "At most 200 characters."),
        ({"subject": "Two\nlines", "body": "Thanks"}, 422, "The subject must be one line."),
        ({"subject": "Hi", "body": "x", "response_id": "abc"}, 422, "Not an answer&#39;s id."),
        ({"subject": "Hi", "body": "x", "response_id": "987654"}, 404, "no such answer"),
    ],
)
def test_bad_input_is_a_4xx_with_its_message_and_queues_nothing(
    client, session, promoter, agent, data, status, message
):
    sign_in(client, agent)

    refused = client.post(f"/customers/{promoter.customer_id}/replies", data=data)

    assert refused.status_code == status
    assert message in body_of(refused)
    assert counts(session) == (0, 0)


def test_an_answer_of_another_customer_is_refused(client, session, settings, promoter, agent):
    other = make_response(session, settings, score=9, category="promoter")
    session.commit()
    sign_in(client, agent)

    refused = client.post(
        f"/customers/{promoter.customer_id}/replies",
        data={"subject": "Hi", "body": "x", "response_id": str(other.id)},
    )

    assert refused.status_code == 404 and counts(session) == (0, 0)


def test_a_member_who_sent_the_hourly_most_is_refused_with_429(client, session, promoter, agent):
    for n in range(MAX_REPLIES_PER_HOUR):
        session.add(
            CustomerReply(
                customer_id=promoter.customer_id,
                sender_id=agent.id,
                sender_label="Aino Agent",
                subject=f"Earlier {n}",
                to_address="harry@example.co.uk",
                created_at=clock.now() - timedelta(minutes=50),
            )
        )
    session.commit()
    sign_in(client, agent)

    refused = client.post(
        f"/customers/{promoter.customer_id}/replies", data={"subject": "Hi", "body": "x"}
    )

    assert refused.status_code == 429
    assert "try again later" in body_of(refused)
    assert counts(session) == (0, MAX_REPLIES_PER_HOUR)


@pytest.fixture(scope="module")
def csrf_app(app):
    class CsrfConfig(TestConfig):
        WTF_CSRF_ENABLED = True

    csrf_app = create_app(CsrfConfig)
    use_celery_of(app)
    return csrf_app


def test_a_reply_without_csrf_token_is_refused(csrf_app, engine, session, promoter, agent):
    client = csrf_app.test_client()
    login_page = body_of(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": agent.email, "password": "correct horse battery", "csrf_token": token},
    )

    forged = client.post(
        f"/customers/{promoter.customer_id}/replies", data={"subject": "Hi", "body": "x"}
    )

    assert forged.status_code == 400 and counts(session) == (0, 0)
    page = body_of(client.get(f"/customers/{promoter.customer_id}"))
    assert 'name="csrf_token"' in page.split('id="reply"', 1)[1].split("</form>", 1)[0]


def test_the_task_page_shows_the_customers_attributes_and_the_follow_up_greeting(
    client, session, settings, agent
):
    task = make_task(
        session,
        settings,
        name="Harry Davies",
        attributes={"plan": "pro", "mrr": 490, "segment": "smb"},
    )
    session.commit()
    sign_in(client, agent)

    html = body_of(client.get(f"/rescue/{task.id}"))

    attributes = html.split('id="attributes-title"', 1)[1].split("</section>", 1)[0]
    for name, value in [("mrr", "490"), ("plan", "pro"), ("segment", "smb")]:
        assert f"<dt>{name}</dt><dd>{value}</dd>" in attributes
    assert f'href="/customers/{task.customer_id}#attributes"' in attributes
    assert "The email opens with <strong>Hi Harry Davies,</strong>" in html
