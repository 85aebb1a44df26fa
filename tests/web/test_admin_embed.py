"""A survey's Embed tab: settings saved with every error at once, the snippet and signing code,
secrets shown once, the preview frame, and the refusals an admin reads before enforcing."""

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.admin.embed_snippets import EXAMPLES
from surveys.embed.policy import embed_of
from surveys.embed.signing import sign
from surveys.models import EmbedRefusal, EmbedSecret, SurveyEmbed
from tests.factories.clock import T0, Clock
from tests.factories.embeds import HOST, make_embed
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey

SECRET = "kes_test-secret"


@pytest.fixture
def admin(client, session):
    user = make_staff(session, "admin")
    session.commit()
    return sign_in(client, user)


@pytest.fixture
def survey(session):
    survey = make_survey(session, name="Checkout NPS")
    session.commit()
    return survey


def settings_form(**changes) -> dict:
    return {
        "allowed_origins": "https://app.example.com\nhttp://localhost:8080",
        "mode": "report_only",
        "dismiss_days": "14",
        "on_load": "y",
        "delay_seconds": "",
        "visit_count": "",
        "events": "",
        "url_patterns": "",
    } | changes


def saved(session, survey) -> SurveyEmbed:
    """The saved settings (the defaults when a refused change left none)."""
    session.expire_all()
    return embed_of(session, survey)


def page_of(admin, survey, **query) -> str:
    response = admin.get(f"/admin/surveys/{survey.id}/embed", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_embed_tab_is_reached_from_the_survey_and_the_list(admin, survey):
    link = f'href="/admin/surveys/{survey.id}/embed"'
    assert link in admin.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert link in admin.get("/admin/surveys").get_data(as_text=True)


def test_first_visit_shows_the_defaults(admin, session, survey):
    page = page_of(admin, survey)
    assert "Embed Checkout NPS" in page
    assert re.search(r'<input checked id="on_load"', page)
    assert re.search(r'<input checked id="mode-1" name="mode" type="radio" value="enforce">', page)
    assert "No secret yet" in page and "Create the first secret" in page
    assert "No origin is allowed, so no page can show the widget." in page
    assert "no customer id can be verified and every one is refused" in page
    assert saved(session, survey).allowed_origins == []


def test_a_ready_embed_shows_no_setup_warning(admin, session):
    survey, _ = make_embed(session)
    session.commit()
    assert "Not ready to show yet" not in page_of(admin, survey)


def test_save_origins_identity_and_every_trigger(admin, session, survey):
    data = settings_form(
        allowed_origins="https://App.Example.com:443\n\nhttp://localhost:8080\n",
        anonymous="y",
        delay_seconds="20",
        visit_count="3",
        events="upgraded\ninvoice.paid",
        url_patterns="/billing/*",
    )
    response = admin.post(f"/admin/surveys/{survey.id}/embed", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    embed = saved(session, survey)
    assert embed.allowed_origins == [HOST, "http://localhost:8080"]
    assert (embed.anonymous, embed.mode, embed.dismiss_days) == (True, "report_only", 14)
    assert embed.triggers == [
        {"type": "load"},
        {"type": "delay", "seconds": 20},
        {"type": "visits", "count": 3},
        {"type": "event", "name": "upgraded"},
        {"type": "event", "name": "invoice.paid"},
        {"type": "url", "pattern": "/billing/*"},
    ]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Embed settings saved." in page
    assert "https://app.example.com\nhttp://localhost:8080</textarea>" in page
    assert "upgraded\ninvoice.paid</textarea>" in page and 'value="20"' in page


def test_every_bad_value_is_named_at_once_and_nothing_is_saved(admin, session, survey):
    data = settings_form(
        allowed_origins="https://app.example.com\nhttps://*.example.com\nhttps://x.example/path",
        events="ok\nnot ok",
        url_patterns="billing",
        dismiss_days="400",
        delay_seconds="-5",
    )
    response = admin.post(f"/admin/surveys/{survey.id}/embed", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There are 6 problems" in page
    assert "Line 2 “https://*.example.com”: wildcards are not allowed" in page
    assert "Line 3 “https://x.example/path”: an origin has no path" in page
    assert "Line 2 “not ok”: 1 to 100 letters, digits or _ . : -" in page
    assert "Line 1 “billing”: a path starting with /" in page
    assert 'href="#dismiss_days"' in page and 'href="#delay_seconds"' in page
    assert 'aria-invalid="true"' in page
    assert saved(session, survey).allowed_origins == []


def test_at_least_one_trigger(admin, session, survey):
    response = admin.post(
        f"/admin/surveys/{survey.id}/embed", data=settings_form(on_load="", events="\n  \n")
    )
    assert response.status_code == 422
    assert "Choose at least one way for the survey to open." in response.get_data(as_text=True)
    assert saved(session, survey).mode == "enforce"


def test_the_snippet_carries_the_survey_key_and_base_url(admin, app, survey):
    page = page_of(admin, survey)
    base = app.config["BASE_URL"].rstrip("/")
    assert f"&lt;script async src=&#34;{base}/embed.js&#34;" in page
    assert f"data-survey=&#34;{survey.key}&#34;" in page
    assert f"Kaiku.init({{ survey: &#34;{survey.key}&#34;, customer: " in page
    assert 'data-copy="snippet-tag"' in page
    assert re.search(r'<script src="/static/copy\.js[^"]*" defer></script>', page)
    assert "<script>" not in page  # nothing inline: the CSP allows only nonced scripts


def test_the_preview_frames_the_widget_page_in_the_chosen_language(admin, survey):
    page = page_of(admin, survey, lang="fi")
    assert f'src="/embed/{survey.key}?preview=1&amp;lang=fi"' in page
    assert f'src="/embed/{survey.key}?preview=1&amp;lang=en"' in page_of(admin, survey, lang="xx")


def test_first_secret_then_rotation_shows_each_secret_once(admin, session, survey):
    first = admin.post(f"/admin/surveys/{survey.id}/embed/secrets", data={})
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    (key,) = session.scalars(select(EmbedSecret)).all()
    assert key.secret in first.get_data(as_text=True)
    page = page_of(admin, survey)
    assert key.key_id in page and "Current" in page
    assert key.secret not in page and "kes_" not in page

    again = admin.post(f"/admin/surveys/{survey.id}/embed/secrets", data={"grace_hours": "24"})
    text = again.get_data(as_text=True)
    new = session.scalars(select(EmbedSecret).where(EmbedSecret.id != key.id)).one()
    assert new.secret in text and key.secret not in text
    assert key.key_id in text  # retiring, with its date
    session.refresh(key)
    assert key.retires_at == new.created_at + timedelta(hours=24)
    page = page_of(admin, survey)
    assert "Until " in page and new.secret not in page and "kes_" not in page


def test_a_grace_not_offered_is_refused(admin, session, survey):
    response = admin.post(f"/admin/surveys/{survey.id}/embed/secrets", data={"grace_hours": "5"})
    assert response.status_code == 303
    assert session.scalars(select(EmbedSecret)).all() == []


def test_refusals_and_embed_answers_are_counted(admin, client, session):
    clock = Clock(T0)
    survey, secret = make_embed(session, mode="report_only", anonymous=True)
    session.commit()

    def answer(body):
        url = f"/api/v1/embed/{survey.key}/responses"
        return client.post(url, json=body | {"score": 9}, headers={"Origin": HOST})

    assert answer({"customer": "c-1", "signature": sign(secret, "c-1")}).status_code == 201
    assert answer({"customer": "c-2", "signature": "0" * 64}).status_code == 201
    assert answer({"customer": "c-3"}).status_code == 201
    assert answer({"idempotency_key": "a" * 20}).status_code == 201
    embed_of(session, survey).mode = "enforce"
    session.add(EmbedRefusal(survey_id=survey.id, at=T0 - timedelta(days=31), reason="expired"))
    session.commit()
    assert answer({"customer": "c-4", "signature": "0" * 64}).status_code == 403
    clock.advance(minutes=1)

    page = page_of(admin, survey)
    counts = re.findall(
        r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>'
        r'(?:<td class="num">(\d+)</td>)?',
        page,
    )
    table = {label: (int(a), int(b) if b else None) for label, a, b in counts}
    assert table["Wrong signature"] == (1, 1)
    assert table["No signature"] == (0, 1)
    assert table["Signature expired"] == (0, 0)  # older than 30 days
    assert table["Signed: a verified customer"] == (1, None)
    assert table["Unverified: let through in report-only mode"] == (2, None)
    assert table["Anonymous: no customer id"] == (1, None)
    assert "<code>c-4</code>" in page and HOST in page and "only logged" in page
    # Three answers of known customers opened (and answered) the widget's own invitations.
    assert table["Opened for a known customer"] == (3, None)
    assert table["Of those, dismissed unanswered"] == (0, None)


def test_dismissals_are_counted(admin, client, session):
    Clock(T0)
    survey, secret = make_embed(session)
    session.commit()
    for name in ("d-1", "d-2"):
        who = {"customer": name, "signature": sign(secret, name)}
        url = f"/api/v1/embed/{survey.key}/"
        display = client.post(url + "displays", json=who, headers={"Origin": HOST}).json["display"]
        if name == "d-1":
            client.post(
                url + "dismissals", json=who | {"display": display}, headers={"Origin": HOST}
            )
    page = page_of(admin, survey)
    assert re.search(r"Opened for a known customer</th><td class=\"num\">2<", page)
    assert re.search(r"Of those, dismissed unanswered</th><td class=\"num\">1<", page)


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_other_roles_get_403(app, session, survey, role):
    user = make_staff(session, role)
    session.commit()
    client = sign_in(app.test_client(), user)
    assert client.get(f"/admin/surveys/{survey.id}/embed").status_code == 403
    assert client.post(f"/admin/surveys/{survey.id}/embed", data=settings_form()).status_code == 403
    assert client.post(f"/admin/surveys/{survey.id}/embed/secrets").status_code == 403
    assert session.scalars(select(EmbedSecret)).all() == []


def test_forms_carry_a_csrf_token_and_a_post_without_one_is_refused(admin, app, session, survey):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = page_of(admin, survey)
        assert page.count('name="csrf_token"') == 3  # the settings, the secret, signing out
        assert admin.post(
            f"/admin/surveys/{survey.id}/embed", data=settings_form()
        ).status_code in (
            400,
            422,
        )
        assert admin.post(f"/admin/surveys/{survey.id}/embed/secrets").status_code in (303, 400)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert session.scalars(select(EmbedSecret)).all() == []
    assert saved(session, survey).allowed_origins == []


def test_unknown_survey_is_404(admin):
    assert admin.get("/admin/surveys/999999/embed").status_code == 404
    assert admin.post("/admin/surveys/999999/embed/secrets").status_code == 404


def _run(command: list[str], code: str, customer: str) -> dict[str, str]:
    """Run a signing example; it prints its variables, one ``name=value`` a line."""
    env = os.environ | {"KAIKU_EMBED_SECRET": SECRET}
    out = subprocess.run(
        [*command, code], env=env, capture_output=True, text=True, timeout=30, check=True
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def _example(language: str):
    return next(example for example in EXAMPLES if example.language == language)


def test_the_python_signing_examples_make_the_signatures_kaiku_verifies():
    python = _example("Python")
    customer = "cust-42 ÄÖ"
    head = f"customer_id = {customer!r}\n"
    alone = _run(
        [sys.executable, "-c"], head + python.id_only + "\nprint('sig=' + signature)", customer
    )
    assert alone["sig"] == sign(SECRET, customer)
    full = _run(
        [sys.executable, "-c"],
        head
        + python.full
        + "\nprint('sig=' + signature)\nprint('exp=' + str(expires))\nprint('attr=' + attributes)",
        customer,
    )
    assert full["sig"] == sign(SECRET, customer, int(full["exp"]), full["attr"])
    assert full["sig"] != sign(SECRET, customer)


@pytest.mark.skipif(shutil.which("node") is None, reason="no node on this machine")
def test_the_node_signing_examples_make_the_signatures_kaiku_verifies():
    node = _example("Node")
    customer = "cust-42 ÄÖ"
    head = f"const customerId = {customer!r};\n".replace("'", '"')
    alone = _run(
        ["node", "-e"], head + node.id_only + "\nconsole.log('sig=' + signature);", customer
    )
    assert alone["sig"] == sign(SECRET, customer)
    tail = (
        "\nconsole.log('sig=' + signature); console.log('exp=' + expires);"
        " console.log('attr=' + attributes);"
    )
    full = _run(["node", "-e"], head + node.full + tail, customer)
    assert full["sig"] == sign(SECRET, customer, int(full["exp"]), full["attr"])
