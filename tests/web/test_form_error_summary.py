"""Staff forms report every problem of a submission at once, in a summary at the top that
links to each field (and takes the focus: static/forms.js), each field marked invalid."""

import re

import pytest
from sqlalchemy import func, select

from surveys.catalog import definitions as catalog
from surveys.kernel.errors import ValidationError
from surveys.models import Survey, TriggerRule
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey


@pytest.fixture
def admin(client, session):
    make_staff(session, "admin", email="ada@example.com")
    session.commit()
    return sign_in(client, "ada@example.com")


def summary_of(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The summary's heading and its (link target, text) items; asserts there is one."""
    box = re.search(r'<div class="error-summary" role="alert" tabindex="-1" data-error-summary'
                    r'.*?</div>', html, re.S)  # fmt: skip
    assert box, html
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", box.group(0), re.S).group(1).strip()
    items = re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', box.group(0))
    assert 'src="/static/forms.js"' in html  # the script that focuses it
    return heading, items


def invalid(html: str, field_id: str) -> bool:
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    return bool(
        tag and 'aria-invalid="true"' in tag.group(0) and f"{field_id}-error" in tag.group(0)
    )


def test_the_rule_form_reports_its_own_and_the_services_errors_in_one_round(admin, session):
    survey = make_survey(session)
    session.commit()
    data = {
        "event_name": "",  # the form's check: required
        "delay": "",  # the form's check: required
        "delay_unit": "days",
        "channel": "email",
        "filters-0-field": "stage",  # the service's check: a stage is no number
        "filters-0-op": "gt",
        "filters-0-value": "5",
        "filters-1-field": "plan",  # the service's check: one_of needs values
        "filters-1-op": "one_of",
        "filters-1-value": "",
    }

    response = admin.post(f"/admin/surveys/{survey.id}/rules/new", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    heading, items = summary_of(html)
    assert heading == "There are 4 problems"
    assert [target for target, _ in items] == [
        "event_name",
        "delay",
        "filters-0-value",
        "filters-1-value",
    ]
    assert items[2][1].startswith("Filter 1: Value: a stage is not a number")
    assert all(invalid(html, target) for target, _ in items)
    assert html.index("error-summary") < html.index('id="when-title"')  # at the top
    assert session.scalar(select(func.count(TriggerRule.id))) == 0


def test_a_valid_rule_form_still_saves(admin, session):
    survey = make_survey(session)
    session.commit()
    data = {"event_name": "renewed", "delay": "2", "delay_unit": "days", "channel": "email",
            "filters-0-field": "plan", "filters-0-op": "equals",
            "filters-0-value": "pro"}  # fmt: skip

    response = admin.post(f"/admin/surveys/{survey.id}/rules/new", data=data)

    assert response.status_code == 303
    rule = session.scalars(select(TriggerRule)).one()
    assert (rule.delay_minutes, rule.filters[0]["value"]) == (2880, "pro")


def test_the_survey_form_reports_form_and_policy_errors_together(admin, session):
    data = {"name": "", "kind": "nps", "question_en": "", "comment_prompt_en": "",
            "recontact_days": "90", "reminder_days": "20", "expire_days": "14"}  # fmt: skip

    response = admin.post("/admin/surveys/new", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    heading, items = summary_of(html)
    assert heading == "There are 2 problems"
    assert [target for target, _ in items] == ["name", "reminder_days"]
    assert "before the link expires" in items[1][1]
    assert invalid(html, "name") and invalid(html, "reminder_days")
    assert session.scalar(select(func.count(Survey.id))) == 0


def test_the_survey_service_names_every_bad_field_at_once(session):
    with pytest.raises(ValidationError) as caught:
        catalog.create_survey(
            session, "", "nps", texts={"fi": {"question": "x" * 5000}}, expire_days=0
        )
    assert set(caught.value.fields) == {"name", "texts.fi.question", "expire_days"}


def test_the_staff_form_lists_every_problem_on_top(admin, session):
    response = admin.post(
        "/admin/staff/new", data={"email": "not-an-email", "role": "owner", "password": "short"}
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    heading, items = summary_of(html)
    assert heading == "There are 3 problems"
    assert [target for target, _ in items] == ["email", "role", "password"]
    assert all(invalid(html, target) for target, _ in items)


def test_the_segments_form_has_the_summary_too(admin, session):
    response = admin.post("/admin/segments", data={"names": "x" * 5000})

    assert response.status_code == 422
    heading, items = summary_of(response.get_data(as_text=True))
    assert heading == "There is 1 problem" and items[0][0] == "names"


def test_the_task_page_sums_up_a_refused_resolution_on_top(client, session, settings):
    agent = make_staff(session, "agent", email="aino@example.com")
    task = make_task(session, settings, assignee=agent)
    session.commit()
    sign_in(client, agent)

    response = client.post(f"/rescue/{task.id}/status", data={"status-status": "resolved"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    heading, items = summary_of(html)
    assert heading == "There are 2 problems"
    assert [target for target, _ in items] == ["status-outcome", "status-note"]
    assert invalid(html, "status-outcome") and invalid(html, "status-note")
    assert html.index("error-summary") < html.index('id="answer-title"')


def test_a_page_without_errors_has_no_summary_and_no_script(admin, session):
    html = admin.get("/admin/surveys/new").get_data(as_text=True)
    assert "data-error-summary" not in html and "forms.js" not in html
