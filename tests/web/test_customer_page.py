"""The staff customer page (GET /customers/<id>): who may read it, what it shows of a customer
(stage and its history, attributes, answers, invitations, rescue tasks, referral codes, the
timeline), and the links to it from the explorer, the rescue task page and the overview; the
explorer's ``customer`` filter that its "All answers in the explorer" link uses."""

import re
from datetime import timedelta

import pytest

from surveys.kernel import clock
from surveys.models import Referral, StageChange
from tests.factories.explorer import make_response
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_programme, make_survey


def body_of(response) -> str:
    return response.get_data(as_text=True)


def section(html: str, title_id: str) -> str:
    """The HTML of the page's section headed by ``id=title_id``, up to its end."""
    return html.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def story(session, settings):
    """A customer with attributes, a promoter answer, a detractor answer (processed: a rescue
    task and a move to at risk), an earlier stage change and a referral code; committed."""
    agent = make_staff(session, "agent", email="aino@example.com", name="Aino Agent")
    survey = make_survey(session, "nps", name="Product NPS")
    task = make_task(
        session,
        settings,
        survey=make_survey(session, "csat", name="Support CSAT"),
        score=1,
        comment="The invoice was wrong <again>.",
        assignee=agent,
        name="Maija Meikäläinen",
        email="maija@example.com",
        external_id="crm-1001",
        locale="fi",
        attributes={"plan": "pro", "mrr": 490, "segment": "smb", "trial": False},
    )
    customer = task.customer
    earlier = make_response(session, settings, survey, score=10, comment="Love it")
    earlier.customer_id = customer.id  # the factory's own customer is left without answers
    earlier.category, earlier.answered_at = "promoter", clock.now() - timedelta(days=30)
    session.add(
        StageChange(
            customer_id=customer.id,
            from_stage="onboarding",
            to_stage="active",
            cause="event",
            detail="onboarding_completed",
            changed_at=clock.now() - timedelta(days=60),
        )
    )
    session.add(
        Referral(
            programme_id=make_programme(session).id,
            customer_id=customer.id,
            code="MAIJA-42",
            clicks=3,
            conversions=1,
        )
    )
    session.commit()
    return {"task": task, "customer": customer, "earlier": earlier, "agent": agent}


@pytest.mark.parametrize("role", ["admin", "agent", "analyst"])
def test_every_staff_role_reads_the_customer_page(client, session, story, role):
    reader = make_staff(session, role, email=f"reader-{role}@example.com")
    session.commit()
    sign_in(client, reader)

    page = client.get(f"/customers/{story['customer'].id}")

    assert page.status_code == 200
    assert "Maija Meikäläinen" in body_of(page)


def test_anonymous_visitors_are_sent_to_sign_in(client, story):
    page = client.get(f"/customers/{story['customer'].id}")

    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]


def test_an_unknown_customer_is_a_404_page(client, session):
    analyst = make_staff(session, "analyst")
    session.commit()
    sign_in(client, analyst)

    page = client.get("/customers/987654")

    assert page.status_code == 404
    assert "There is no such customer." in body_of(page)


def test_the_page_shows_record_stage_history_attributes_answers_tasks_and_referrals(
    client, session, story
):
    sign_in(client, story["agent"])
    task, customer = story["task"], story["customer"]

    html = body_of(client.get(f"/customers/{customer.id}"))

    facts = section(html, "customer-title")
    assert "maija@example.com" in facts and "crm-1001" in facts and "fi" in facts
    assert "Subscribed" in facts and "Last surveyed" in facts
    assert re.search(r'id="stage-now">At risk<', html)
    stages = section(html, "stages-title")
    assert stages.index("Active → At risk") < stages.index("Onboarding → Active")  # newest first
    assert "by feedback" in stages and "by event: onboarding_completed" in stages
    attributes = section(html, "attributes-title")
    for name, value in [("mrr", "490"), ("plan", "pro"), ("segment", "smb"), ("trial", "false")]:
        assert f"<dt>{name}</dt><dd>{value}</dd>" in attributes
    answers = section(html, "answers-title")
    assert re.findall(r'data-response-id="(\d+)"', answers) == [
        str(task.response_id),
        str(story["earlier"].id),
    ]
    assert "The invoice was wrong &lt;again&gt;." in answers  # escaped
    assert "Support CSAT" in answers and "dissatisfied" in answers and "promoter" in answers
    assert f'href="/rescue/{task.id}"' in answers
    assert "All answers in the explorer" in answers
    assert "/insights/responses?customer=crm-1001" in answers
    tasks = section(html, "tasks-title")
    assert f'href="/rescue/{task.id}"' in tasks and "Aino Agent" in tasks and "Open" in tasks
    invitations = section(html, "invitations-title")
    assert "Support CSAT" in invitations and "answered" in invitations
    referrals = section(html, "referrals-title")
    assert "MAIJA-42" in referrals and "3 clicks" in referrals and "1 conversion" in referrals
    timeline = section(html, "timeline-title")
    assert "Answered 1 to Support CSAT" in timeline and "Stage active → at risk" in timeline


def test_analysts_see_the_tasks_without_links_to_the_task_pages(client, session, story):
    analyst = make_staff(session, "analyst")
    session.commit()
    sign_in(client, analyst)

    html = body_of(client.get(f"/customers/{story['customer'].id}"))

    assert f"Task #{story['task'].id}" in html
    assert f"/rescue/{story['task'].id}" not in html


def test_an_unsubscribed_customer_is_shown_so(client, session, story):
    story["customer"].unsubscribed = True
    session.commit()
    sign_in(client, story["agent"])

    facts = section(body_of(client.get(f"/customers/{story['customer'].id}")), "customer-title")

    assert "Unsubscribed" in facts


def test_explorer_cards_and_the_task_page_link_the_customer_page(client, session, story):
    sign_in(client, story["agent"])
    customer_link = f'href="/customers/{story["customer"].id}"'

    explorer = body_of(client.get("/insights/responses"))
    card = explorer.split(f'data-response-id="{story["task"].response_id}"')[1].split("</li>")[0]
    assert customer_link in card and "Maija Meikäläinen</a>" in card
    task_page = body_of(client.get(f"/rescue/{story['task'].id}"))
    assert customer_link in task_page.split("</h1>")[0]  # the customer's name in the heading
    overview = body_of(client.get("/"))
    assert customer_link in overview


def test_the_explorer_filters_by_customer_id(client, session, settings, story):
    make_response(session, settings, score=3, comment="Someone else")
    session.commit()
    sign_in(client, story["agent"])

    html = body_of(client.get("/insights/responses?customer=crm-1001"))

    assert sorted(re.findall(r'data-response-id="(\d+)"', html)) == sorted(
        [str(story["task"].response_id), str(story["earlier"].id)]
    )
    assert 'name="customer" type="text" value="crm-1001"' in html
    unknown = client.get("/insights/responses?customer=nobody")
    assert unknown.status_code == 404 and "no such customer" in body_of(unknown)


def test_the_api_filters_responses_by_customer_id(api_client, story):
    listed = api_client.get("/responses", customer="crm-1001")

    assert listed.status_code == 200
    assert {r["customer"] for r in listed.get_json()["items"]} == {"crm-1001"}
    assert len(listed.get_json()["items"]) == 2
    assert api_client.get("/responses", customer="nobody").status_code == 404
