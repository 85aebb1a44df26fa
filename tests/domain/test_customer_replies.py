"""Replies and follow-ups through surveys.rescue: one greeting in the sent email whoever wrote
it, the reply's draft by the answer's category and language, its record on the customer's
timeline, and the rules a reply keeps (roles, unsubscribes, bounces)."""

import pytest
from sqlalchemy import select

from surveys.customers.records import BouncedError, UnsubscribedError
from surveys.customers.timeline import customer_timeline
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ForbiddenError
from surveys.models import OutboxEmail
from surveys.rescue.actions import send_follow_up
from surveys.rescue.emails import opens_with_greeting
from surveys.rescue.replies import reply_draft, send_reply
from tests.factories.explorer import make_response
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff
from tests.factories.surveys import make_customer, make_survey


@pytest.fixture
def agent(session):
    user = make_staff(session, "agent", email="ann@kaiku.example", name="Ann Agent")
    session.commit()
    return user


@pytest.mark.parametrize(
    ("body", "language", "own"),
    [
        ("Hi Harry,\n\nSorry about the invoice.", "en", True),
        ("Hello!\n\nThanks.", "en", True),
        ("Dear Mr Davies,\nThanks.", "en", True),
        ("Hei Matti!\n\nSoitan huomenna.", "fi", True),
        ("Hej Anna,\n\nTack.", "sv", True),
        ("Hei, soitan huomenna.", "fi", False),  # a sentence, not a greeting line
        ("Thanks for the answer.", "en", False),
        ("Hi, I will call you tomorrow about it", "en", False),
        ("Highly appreciated.", "en", False),
    ],
)
def test_a_greeting_of_the_agents_own_is_recognised(body, language, own):
    assert opens_with_greeting(body, language) is own


def test_a_follow_up_that_opens_with_its_own_greeting_has_only_that_one(session, settings, agent):
    task = make_task(session, settings, name="Harry Davies", email="harry@example.co.uk")
    sent = send_follow_up(
        session,
        task,
        actor=Actor.of_staff(agent),
        subject="About your invoice",
        body="Hi Harry,\n\nSorry about the invoice: it is fixed.",
        settings=settings,
    )

    assert sent.text_body.startswith("Hi Harry,\n\nSorry about the invoice")
    assert "Harry Davies" not in sent.text_body and "Harry Davies" not in sent.html_body
    assert sent.html_body.count("Hi Harry") == 1


def test_a_follow_up_without_a_greeting_gets_kaikus_one(session, settings, agent):
    task = make_task(session, settings, name="Harry Davies", email="harry@example.co.uk")
    sent = send_follow_up(
        session,
        task,
        actor=Actor.of_staff(agent),
        subject="About your invoice",
        body="Sorry about the invoice: it is fixed.",
        settings=settings,
    )

    assert sent.text_body.startswith("Hi Harry Davies,\n\nSorry about the invoice")
    assert sent.html_body.count("Hi Harry Davies,") == 1


@pytest.mark.parametrize(
    ("kind", "score", "category", "tone", "language", "subject"),
    [
        ("nps", 10, "promoter", "thanks", "en", "Thank you for your feedback"),
        ("nps", 7, "passive", "question", "en", "A question about your feedback"),
        ("nps", 2, "detractor", "apology", "en", "We are sorry"),
        ("csat", 5, "satisfied", "thanks", "sv", "Tack för din feedback"),
        ("ces", 2, "high_effort", "apology", "fi", "Olemme pahoillamme"),
    ],
)
def test_the_draft_follows_the_answers_category_in_the_customers_language(
    session, settings, kind, score, category, tone, language, subject
):
    survey = make_survey(session, kind, name="Support")
    response = make_response(
        session, settings, survey, score=score, category=category, customer={"locale": language}
    )

    draft = reply_draft(response.customer, response)

    assert (draft.tone, draft.subject) == (tone, subject)
    assert "Support" in draft.body and not draft.body.lower().startswith(("hi", "hei", "hej"))


def test_a_reply_is_queued_and_recorded_on_the_timeline(session, settings, agent):
    response = make_response(
        session, settings, score=9, category="promoter", customer={"name": "Harry Davies"}
    )
    reply = send_reply(
        session,
        response.customer,
        actor=Actor.of_staff(agent),
        subject="Thank you!",
        body="It was great to hear.",
        settings=settings,
        response_id=response.id,
    )
    session.commit()

    email = session.scalars(select(OutboxEmail)).one()
    assert reply.outbox_id == email.id and email.kind == "reply"
    assert email.text_body.startswith("Hi Harry Davies,\n\nIt was great to hear.")
    entry = next(e for e in customer_timeline(session, response.customer) if e.kind == "reply")
    assert entry.title == "Reply from Ann Agent: Thank you!"
    assert entry.facts == {
        "sender": "Ann Agent",
        "subject": "Thank you!",
        "response_id": response.id,
    }


def test_a_reply_honours_roles_unsubscribes_and_bounces(session, settings, agent):
    analyst = make_staff(session, "analyst", email="ana@kaiku.example")
    gone = make_customer(session, unsubscribed=True)
    bounced = make_customer(session, bounced_at=clock.now())
    fine = make_customer(session)
    args = {"subject": "Hi", "body": "Thanks", "settings": settings}

    with pytest.raises(ForbiddenError):
        send_reply(session, fine, actor=Actor.of_staff(analyst), **args)
    with pytest.raises(UnsubscribedError):
        send_reply(session, gone, actor=Actor.of_staff(agent), **args)
    with pytest.raises(BouncedError):
        send_reply(session, bounced, actor=Actor.of_staff(agent), **args)
    assert session.scalars(select(OutboxEmail)).all() == []
