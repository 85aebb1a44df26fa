"""Admin survey pages: create and edit a survey and its rules, preview in both languages,
pause and resume; admins only."""

import re

import pytest
from sqlalchemy import func, select

from surveys.catalog.rules import create_rule
from surveys.models import Invitation, Response, Survey, TriggerRule
from surveys.staff.accounts import create_staff
from tests.factories.surveys import make_survey

PASSWORD = "admin pages password"


@pytest.fixture
def admin(client, session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()
    client.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    return client


def survey_form(**changes) -> dict:
    return {
        "name": "Onboarding NPS",
        "kind": "nps",
        "question_en": "Would you recommend us?",
        "question_fi": "Suosittelisitko meitä?",
        "comment_prompt_en": "Why?",
        "comment_prompt_fi": "Miksi?",
        "recontact_days": "60",
        "reminder_days": "",
        "expire_days": "10",
        "quiet_weekends": "y",
        "active": "y",
    } | changes


def test_create_a_survey_with_texts_in_both_languages_and_its_policy(admin, session):
    response = admin.post("/admin/surveys/new", data=survey_form())

    assert response.status_code == 303
    survey = session.scalars(select(Survey)).one()
    assert response.headers["Location"].endswith(f"/admin/surveys/{survey.id}")
    assert (survey.name, survey.kind, survey.active) == ("Onboarding NPS", "nps", True)
    assert (survey.question("en"), survey.question("fi")) == (
        "Would you recommend us?",
        "Suosittelisitko meitä?",
    )
    assert (survey.comment_prompt("en"), survey.comment_prompt("fi")) == ("Why?", "Miksi?")
    assert (survey.recontact_days, survey.reminder_days, survey.expire_days) == (60, None, 10)
    assert survey.quiet_weekends is True
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "created" in page and "Suosittelisitko meitä?" in page


def test_empty_texts_take_the_defaults_of_the_kind(admin, session):
    data = survey_form(kind="ces", question_en="", question_fi="", reminder_days="3")
    assert admin.post("/admin/surveys/new", data=data).status_code == 303
    survey = session.scalars(select(Survey)).one()
    assert survey.question("en").startswith("How easy") and survey.question("fi").startswith(
        "Kuinka"
    )
    assert survey.reminder_days == 3


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"kind": "xyz"}, "kind", "Not a valid choice"),
        ({"expire_days": "0"}, "expire_days", "between 1 and 365"),
        ({"recontact_days": "many"}, "recontact_days", "Not a valid integer"),
        ({"reminder_days": "12", "expire_days": "10"}, "reminder_days", "before the link expires"),
    ],
)
def test_bad_survey_input_is_shown_next_to_the_field(admin, session, changes, field, words):
    response = admin.post("/admin/surveys/new", data=survey_form(**changes))

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', body)
    assert error and words in error.group(1), body
    assert f'aria-describedby="{field}-hint {field}-error"' in body or (
        f'aria-describedby="{field}-error"' in body
    )
    assert session.scalar(select(func.count(Survey.id))) == 0


def test_edit_a_survey_keeps_its_kind(admin, session):
    survey = make_survey(session, "csat", name="Support")
    session.commit()
    page = admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert 'name="kind"' not in page and "CSAT" in page

    data = survey_form(name="Support CSAT", kind="nps", question_fi="Miten onnistuimme?")
    response = admin.post(f"/admin/surveys/{survey.id}", data=data)

    assert response.status_code == 303
    session.refresh(survey)
    assert (survey.name, survey.kind, survey.question("fi")) == (
        "Support CSAT",
        "csat",
        "Miten onnistuimme?",
    )
    assert (survey.recontact_days, survey.reminder_days, survey.quiet_weekends) == (60, None, True)


def test_edit_refuses_an_emptied_english_text(admin, session):
    survey = make_survey(session, name="Support")
    session.commit()
    response = admin.post(f"/admin/surveys/{survey.id}", data=survey_form(question_en=" "))
    assert response.status_code == 422
    assert 'id="question_en-error"' in response.get_data(as_text=True)
    session.refresh(survey)
    assert survey.name == "Support"


def test_an_emptied_other_language_falls_back_to_english(admin, session):
    survey = make_survey(session, name="Support", question_sv="Skulle du tipsa oss?")
    session.commit()
    page = admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "<legend>Svenska (Swedish)</legend>" in page and "Skulle du tipsa oss?" in page

    response = admin.post(f"/admin/surveys/{survey.id}", data=survey_form(question_sv=""))
    assert response.status_code == 303
    session.refresh(survey)
    assert survey.question("sv") == "Would you recommend us?" == survey.question("en")


def test_add_edit_and_delete_a_trigger_rule(admin, session):
    survey = make_survey(session, name="Onboarding")
    session.commit()
    assert "No trigger rules yet" in admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    data = {
        "event_name": "onboarding_completed",
        "delay": "3",
        "delay_unit": "days",
        "channel": "email",
        "active": "y",
        "filters-0-field": "stage",
        "filters-0-op": "one_of",
        "filters-0-value": "onboarding, active",
        "filters-1-field": "mrr",
        "filters-1-op": "gte",
        "filters-1-value": "100",
        "filters-2-field": "account_owner",
        "filters-2-op": "not_exists",
        "filters-2-value": "",
        "filters-3-field": "",
        "filters-3-op": "equals",
        "filters-3-value": "",
    }
    response = admin.post(f"/admin/surveys/{survey.id}/rules/new", data=data)

    assert response.status_code == 303, response.get_data(as_text=True)
    rule = session.scalars(select(TriggerRule)).one()
    assert (rule.event_name, rule.delay_minutes, rule.channel) == (
        "onboarding_completed",
        4320,
        "email",
    )
    assert rule.filters == [
        {"field": "stage", "op": "one_of", "value": ["onboarding", "active"]},
        {"field": "attributes.mrr", "op": "gte", "value": 100},
        {"field": "attributes.account_owner", "op": "exists", "value": False},
    ]
    page = admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "onboarding_completed" in page and "after 3 days" in page
    assert "stage one of onboarding, active" in page and "attributes.mrr ≥ 100" in page

    form = admin.get(f"/admin/surveys/{survey.id}/rules/{rule.id}").get_data(as_text=True)
    assert 'value="onboarding_completed"' in form and 'value="3"' in form
    assert 'value="onboarding, active"' in form

    edit = data | {"delay": "90", "delay_unit": "minutes", "channel": "link", "filters-1-field": ""}
    assert admin.post(f"/admin/surveys/{survey.id}/rules/{rule.id}", data=edit).status_code == 303
    session.refresh(rule)
    assert (rule.delay_minutes, rule.channel, len(rule.filters)) == (90, "link", 2)

    deleted = admin.post(f"/admin/surveys/{survey.id}/rules/{rule.id}/delete")
    assert deleted.status_code == 303
    assert session.scalar(select(func.count(TriggerRule.id))) == 0


def test_bad_rule_input_is_shown_next_to_the_field_and_nothing_is_saved(admin, session):
    survey = make_survey(session)
    session.commit()
    base = {"event_name": "renewed", "delay": "1", "delay_unit": "days", "channel": "email"}
    cases = [
        ({"event_name": "two\twords"}, "event_name", "printable characters"),
        ({"delay": "-1"}, "delay", "at least 0"),
        ({"delay": "400"}, "delay", "At most 365 days"),
        ({"channel": "sms"}, "channel", "Not a valid choice"),
        ({"filters-0-field": "stage", "filters-0-op": "equals", "filters-0-value": "happy"},
         "filters-0-value", "lifecycle stage"),
        ({"filters-0-field": "mrr", "filters-0-op": "gt", "filters-0-value": "lots"},
         "filters-0-value", "a number"),
    ]  # fmt: skip
    for changes, field, words in cases:
        response = admin.post(f"/admin/surveys/{survey.id}/rules/new", data=base | changes)
        assert response.status_code == 422, changes
        body = response.get_data(as_text=True)
        error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', body)
        assert error and words in error.group(1), (changes, body)
    assert session.scalar(select(func.count(TriggerRule.id))) == 0


def test_add_a_filter_row_without_script(admin, session):
    survey = make_survey(session)
    session.commit()
    data = {"event_name": "renewed", "delay": "0", "delay_unit": "days", "channel": "email",
            "filters-0-field": "plan", "filters-0-op": "equals", "filters-0-value": "pro",
            "add_filter": "Add a filter row"}  # fmt: skip
    response = admin.post(f"/admin/surveys/{survey.id}/rules/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="filters-1-field"' in body and 'value="plan"' in body
    assert session.scalar(select(func.count(TriggerRule.id))) == 0


def test_pause_and_resume(admin, session):
    survey = make_survey(session, name="Renewal")
    session.commit()
    listing = admin.get("/admin/surveys").get_data(as_text=True)
    assert "Renewal" in listing and "Active" in listing
    assert f'action="/admin/surveys/{survey.id}/pause"' in listing

    assert admin.post(f"/admin/surveys/{survey.id}/pause").status_code == 303
    session.refresh(survey)
    assert survey.active is False
    listing = admin.get("/admin/surveys").get_data(as_text=True)
    assert "Paused" in listing and f'action="/admin/surveys/{survey.id}/resume"' in listing
    assert "scheduled invitations and reminders wait until you resume it" in listing

    assert admin.post(f"/admin/surveys/{survey.id}/resume").status_code == 303
    session.refresh(survey)
    assert survey.active is True


def test_pausing_holds_scheduled_invitations_and_resuming_sends_them(admin, session, settings):
    from surveys.delivery.scheduling import schedule_invitation
    from tests.factories.clock import Clock, utc
    from tests.factories.surveys import make_customer
    from worker.delivery_tasks import dispatch_due_invitations

    clock = Clock(utc(2026, 3, 2, 12, 0))
    survey = make_survey(session, name="Renewal")
    customer = make_customer(session, timezone="UTC")
    invitation = schedule_invitation(session, survey, customer, settings, at=clock.now)
    session.commit()

    admin.post(f"/admin/surveys/{survey.id}/pause")
    clock.advance(hours=1)
    assert dispatch_due_invitations.apply().get() == 0
    session.refresh(invitation)
    assert (invitation.status, invitation.reason) == ("scheduled", "held: survey paused")

    admin.post(f"/admin/surveys/{survey.id}/resume")
    assert dispatch_due_invitations.apply().get() == 1
    session.refresh(invitation)
    assert invitation.status == "sent" and invitation.reason is None


def test_list_shows_the_number_of_rules(admin, session):
    survey = make_survey(session, name="With rules")
    create_rule(session, survey, event_name="a")
    create_rule(session, survey, event_name="b", active=False)
    session.commit()
    listing = admin.get("/admin/surveys").get_data(as_text=True)
    rules = r'<td class="num" data-label="Rules">2<span class="cell-sub muted">1 active</span>'
    assert re.search(rules, listing)


@pytest.mark.parametrize(
    ("lang", "subject", "question"),
    [
        ("en", "Quick question: how did we do?", "Would you recommend us?"),
        ("fi", "Lyhyt kysymys: miten onnistuimme?", "Suosittelisitko meitä?"),
    ],
)
def test_preview_email_and_answer_page_in_both_languages(admin, session, lang, subject, question):
    survey = make_survey(
        session, question_en="Would you recommend us?", question_fi="Suosittelisitko meitä?"
    )
    session.commit()

    page = admin.get(f"/admin/surveys/{survey.id}/preview?lang={lang}").get_data(as_text=True)
    assert subject in page
    assert question in page  # the plain text
    assert "sandbox" in page and f"/admin/surveys/{survey.id}/preview/email?lang={lang}" in page

    email = admin.get(f"/admin/surveys/{survey.id}/preview/email?lang={lang}")
    assert email.status_code == 200 and email.mimetype == "text/html"
    assert "sandbox" in email.headers["Content-Security-Policy"]
    assert question in email.get_data(as_text=True)
    assert "/s/preview?score=10" in email.get_data(as_text=True)

    answer = admin.get(f"/admin/surveys/{survey.id}/preview/answer?lang={lang}")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and question in body
    assert f'<html lang="{lang}">' in body
    assert 'type="submit"' not in body  # the score buttons do not submit
    assert body.count('type="button" name="score"') == 11

    reminder = admin.get(f"/admin/surveys/{survey.id}/preview?lang={lang}&email=reminder")
    assert reminder.status_code == 200
    assert session.scalar(select(func.count(Invitation.id))) == 0
    assert session.scalar(select(func.count(Response.id))) == 0


ADMIN_PAGES = [
    ("GET", "/admin/surveys"),
    ("GET", "/admin/surveys/new"),
    ("POST", "/admin/surveys/new"),
    ("GET", "/admin/surveys/{id}"),
    ("POST", "/admin/surveys/{id}"),
    ("POST", "/admin/surveys/{id}/pause"),
    ("POST", "/admin/surveys/{id}/resume"),
    ("GET", "/admin/surveys/{id}/rules/new"),
    ("POST", "/admin/surveys/{id}/rules/new"),
    ("GET", "/admin/surveys/{id}/rules/{rule}"),
    ("POST", "/admin/surveys/{id}/rules/{rule}"),
    ("POST", "/admin/surveys/{id}/rules/{rule}/delete"),
    ("GET", "/admin/surveys/{id}/preview"),
    ("GET", "/admin/surveys/{id}/preview/email"),
    ("GET", "/admin/surveys/{id}/preview/answer"),
]


def test_other_roles_get_403_and_anonymous_visitors_the_sign_in_page(client, session):
    for role in ("agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    survey = make_survey(session)
    rule = create_rule(session, survey, event_name="x")
    session.commit()
    paths = [(m, p.format(id=survey.id, rule=rule.id)) for m, p in ADMIN_PAGES]

    for method, path in paths:
        response = client.open(path, method=method, data=survey_form())
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for role in ("agent", "analyst"):
        client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
        for method, path in paths:
            assert client.open(path, method=method, data=survey_form()).status_code == 403, path
        client.post("/logout")
    session.refresh(survey)
    assert survey.active is True and survey.name != "Onboarding NPS"
    assert session.scalar(select(func.count(TriggerRule.id))) == 1


def test_unknown_survey_or_rule_is_404(admin, session):
    survey = make_survey(session)
    session.commit()
    assert admin.get("/admin/surveys/999999").status_code == 404
    assert admin.get(f"/admin/surveys/{survey.id}/rules/999999").status_code == 404
    assert admin.post("/admin/surveys/999999/pause").status_code == 404


def test_forms_carry_a_csrf_token_and_refuse_a_post_without_one(admin, app, session):
    survey = make_survey(session)
    session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        assert admin.post(f"/admin/surveys/{survey.id}/pause").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    session.refresh(survey)
    assert survey.active is True
