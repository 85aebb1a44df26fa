"""The respondent pages through the app: question, score links, comment, thanks, referrals.

Celery is eager here, so processing (rescue task, referral) has run when a POST returns.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from surveys.answers.recording import record_answer
from surveys.catalog.scoring import SCALES
from surveys.kernel import clock
from surveys.models import Invitation, Referral, RescueTask, Response
from tests.factories.surveys import make_invitation, make_programme, make_survey


@pytest.fixture
def invite(session, settings):
    """Make a committed invitation; returns its raw token."""

    def make(kind: str = "nps", **customer_fields) -> str:
        survey = make_survey(session, kind)
        new = make_invitation(session, settings, survey, **customer_fields)
        session.commit()
        return new.token

    return make


def responses(session) -> list[Response]:
    return list(
        session.scalars(
            select(Response).order_by(Response.id).execution_options(populate_existing=True)
        )
    )


def answer(client, token: str, score, comment: str | None = None):
    """Answer through the pages, as a browser would; returns the last response."""
    resp = client.post(f"/s/{token}", data={"score": str(score)})
    assert resp.status_code == 303, resp.text
    if comment is not None:
        resp = client.post(f"/s/{token}/why", data={"comment": comment})
        assert resp.status_code == 303, resp.text
    return resp


def selected_scores(html: str) -> list[str]:
    return re.findall(r'value="(\d+)"\s+class="score is-selected"', html)


# ---------- The question and the score links ----------


def test_plain_get_records_nothing(client, session, invite):
    token = invite()
    for url in (f"/s/{token}", f"/s/{token}?score=9", f"/s/{token}?score=0"):
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    assert responses(session) == []
    status = session.scalar(select(Invitation.status).execution_options(populate_existing=True))
    assert status != "answered"


def test_question_page_has_a_button_per_score_in_a_labelled_fieldset(client, invite):
    html = client.get(f"/s/{invite()}").text
    assert 'lang="en"' in html
    assert "How likely are you to recommend us" in html
    assert re.search(r"<fieldset[^>]*>\s*<legend><h1", html)
    buttons = re.findall(r'<button type="submit" name="score" value="(\d+)"', html)
    assert buttons == [str(n) for n in range(11)]
    assert 'method="post"' in html
    assert "0 = Not at all likely" in html and "10 = Extremely likely" in html
    assert "data-autosubmit" not in html
    assert selected_scores(html) == []


@pytest.mark.parametrize(
    ("kind", "low", "high", "ends"),
    [("csat", 1, 5, SCALES["csat"].ends), ("ces", 1, 7, SCALES["ces"].ends)],
)
def test_other_kinds_show_their_own_scale(client, invite, kind, low, high, ends):
    html = client.get(f"/s/{invite(kind)}").text
    buttons = re.findall(r'name="score" value="(\d+)"', html)
    assert buttons == [str(n) for n in range(low, high + 1)]
    assert f"{low} = {ends[0]}" in html and f"{high} = {ends[1]}" in html


def test_score_link_preselects_the_score_and_submits_it_by_script_or_button(client, invite):
    token = invite()
    html = client.get(f"/s/{token}?score=9").text
    assert selected_scores(html) == ["9"]
    send = re.search(
        r'<button type="submit" name="score" value="9"[^>]*data-autosubmit>([^<]+)<', html
    )
    assert send, "the pre-selected score needs a visible submit button the script presses"
    assert send.group(1).strip() == "Send"
    assert f'action="/s/{token}"' in html
    assert '<script src="/static/respond.js"' in html


@pytest.mark.parametrize("score", ["11", "-1", "abc", "9.0", "", "1e1", "٩"])
def test_invalid_score_in_link_shows_the_normal_page(client, session, invite, score):
    resp = client.get(f"/s/{invite()}?score={score}")
    assert resp.status_code == 200
    assert "data-autosubmit" not in resp.text
    assert selected_scores(resp.text) == []
    assert responses(session) == []


# ---------- Answering ----------


def test_post_records_the_score_and_goes_on_to_the_comment_step(client, session, invite):
    token = invite()
    resp = client.post(f"/s/{token}", data={"score": "7"})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/s/{token}/why")
    [response] = responses(session)
    assert (response.score, response.channel) == (7, "email")
    assert session.get(Invitation, response.invitation_id).status == "answered"


def test_answering_again_replaces_the_score(client, session, invite):
    token = invite()
    answer(client, token, 3)
    answer(client, token, 9)
    [response] = responses(session)
    assert response.score == 9
    html = client.get(f"/s/{token}").text
    assert selected_scores(html) == ["9"]
    assert "Your current answer is 9" in html


# int() reads the fullwidth and Arabic-Indic digits, a sign, spaces and underscores: no score.
@pytest.mark.parametrize("score", ["11", "-1", "abc", "", "５", "٥", "+5", " 5", "0_5", "05 "])
def test_bad_score_is_rejected_with_a_clear_message_and_nothing_stored(
    client, session, invite, score
):
    token = invite()
    resp = client.post(f"/s/{token}", data={"score": score})
    assert resp.status_code == 422
    assert "Please choose a number from 0 to 10." in resp.text
    assert 'role="alert"' in resp.text
    assert responses(session) == []


def test_bad_score_keeps_the_previous_answer(client, session, invite):
    token = invite("csat")
    answer(client, token, 4)
    resp = client.post(f"/s/{token}", data={"score": "6"})
    assert resp.status_code == 422
    assert "Please choose a number from 1 to 5." in resp.text
    assert [r.score for r in responses(session)] == [4]


# ---------- The comment ----------


def test_comment_step_shows_the_score_a_way_to_change_it_and_a_labelled_textarea(client, invite):
    token = invite()
    answer(client, token, 6)
    html = client.get(f"/s/{token}/why").text
    assert re.search(r'class="score-badge">6<', html)
    assert f'href="/s/{token}"' in html  # change the score
    assert '<label for="comment">What is the main reason for your score?</label>' in html
    assert re.search(r'<textarea id="comment" name="comment"[^>]*maxlength="5000"', html)
    assert f'href="/s/{token}/thanks"' in html  # skip


def test_comment_is_saved_and_escaped_wherever_it_is_shown(client, session, invite):
    token = invite()
    comment = '<script>alert("x")</script> Great & friendly'
    resp = answer(client, token, 8, comment=comment)
    assert resp.headers["Location"].endswith(f"/s/{token}/thanks")
    assert responses(session)[0].comment == comment
    for page in (f"/s/{token}/thanks", f"/s/{token}/why"):
        html = client.get(page).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Great &amp; friendly" in html


def test_comment_can_be_skipped(client, session, invite):
    token = invite()
    answer(client, token, 8)
    resp = client.get(f"/s/{token}/thanks")
    assert resp.status_code == 200
    assert "Thank you!" in resp.text
    assert responses(session)[0].comment is None


def test_too_long_comment_is_rejected_and_the_text_kept_in_the_form(client, session, invite):
    token = invite()
    answer(client, token, 8, comment="short and sweet")
    resp = client.post(f"/s/{token}/why", data={"comment": "a" * 5001})
    assert resp.status_code == 422
    assert "Please keep your comment under 5,000 characters." in resp.text
    assert 'aria-invalid="true"' in resp.text
    assert "a" * 5001 in resp.text
    assert responses(session)[0].comment == "short and sweet"


def test_comment_of_5000_characters_with_browser_line_breaks_fits(client, session, invite):
    token = invite()
    answer(client, token, 8)
    text = "\r\n".join(["x" * 99] * 50)  # 5,000 characters as typed, 5,049 as posted
    resp = client.post(f"/s/{token}/why", data={"comment": text})
    assert resp.status_code == 303
    assert responses(session)[0].comment == text.replace("\r\n", "\n")


def test_comment_and_thanks_steps_without_an_answer_go_back_to_the_question(client, invite):
    token = invite()
    for resp in (
        client.get(f"/s/{token}/why"),
        client.post(f"/s/{token}/why", data={"comment": "hi"}),
        client.get(f"/s/{token}/thanks"),
    ):
        assert resp.status_code == 303
        assert resp.headers["Location"].endswith(f"/s/{token}")


# ---------- What processing makes of the answer ----------


def test_detractor_answer_opens_rescue_task(client, session, invite):
    token = invite()
    answer(client, token, 2, comment="Support never answered my emails.")
    [response] = responses(session)
    task = session.scalars(select(RescueTask)).one()
    assert task.response_id == response.id
    assert response.processed_at is not None


def test_promoter_sees_referral_link_and_reward_on_thanks(client, session, settings, invite):
    make_programme(session, reward="One month free")
    session.commit()
    token = invite()
    answer(client, token, 10, comment="Great service, love it")
    referral = session.scalars(select(Referral)).one()
    link = f"{settings.base_url}/r/{referral.code}"

    html = client.get(f"/s/{token}/thanks").text
    assert f'href="{link}"' in html
    assert "One month free" in html
    assert "data-referral-poll" not in html

    status = client.get(f"/s/{token}/referral")
    assert status.json == {"status": "ready", "url": link, "reward": "One month free"}


def test_passive_sees_no_referral(client, session, invite):
    make_programme(session)
    session.commit()
    token = invite()
    answer(client, token, 8, comment="Fine")
    html = client.get(f"/s/{token}/thanks").text
    assert "/r/" not in html
    assert "Recommend us to a friend" not in html
    assert client.get(f"/s/{token}/referral").json["status"] == "none"
    assert session.scalars(select(Referral)).all() == []


def test_promoter_who_lowers_the_score_no_longer_sees_the_referral(client, session, invite):
    make_programme(session)
    session.commit()
    token = invite()
    answer(client, token, 10)
    assert session.scalars(select(Referral)).one()
    answer(client, token, 5)
    html = client.get(f"/s/{token}/thanks").text
    assert "/r/" not in html
    assert client.get(f"/s/{token}/referral").json == {
        "status": "none",
        "url": None,
        "reward": None,
    }


def test_promoter_waiting_for_processing_gets_a_poll_and_a_refresh_link(
    app, client, session, settings
):
    make_programme(session)
    new = make_invitation(session, settings)
    record_answer(session, new.invitation, 10, channel="email")  # committed, not processed
    session.commit()

    html = client.get(f"/s/{new.token}/thanks").text
    assert f'data-referral-poll="/s/{new.token}/referral"' in html
    assert "Preparing your personal referral link" in html
    assert f'href="/s/{new.token}/thanks">Refresh the page</a>' in html
    assert client.get(f"/s/{new.token}/referral").json["status"] == "pending"


# ---------- Closed and unknown links, headers ----------


def test_unknown_token_gets_a_friendly_404(client):
    resp = client.get("/s/no-such-token")
    assert resp.status_code == 404
    assert "We could not find this survey" in resp.text
    assert "Traceback" not in resp.text
    assert client.post("/s/no-such-token", data={"score": "5"}).status_code == 404


def test_expired_invitation_gets_a_friendly_410_and_records_nothing(client, session, invite):
    token = invite()
    session.execute(update(Invitation).values(expires_at=clock.now() - timedelta(minutes=1)))
    session.commit()
    for resp in (
        client.get(f"/s/{token}?score=10"),
        client.post(f"/s/{token}", data={"score": "10"}),
        client.get(f"/s/{token}/thanks"),
    ):
        assert resp.status_code == 410
        assert "This survey has closed" in resp.text
    assert responses(session) == []


def test_finnish_customer_gets_finnish_pages(client, session, invite):
    token = invite(locale="fi")
    html = client.get(f"/s/{token}?score=9").text
    assert '<html lang="fi">' in html
    assert "Kuinka todennäköisesti suosittelisit meitä" in html
    assert "0 = En lainkaan todennäköisesti" in html
    assert ">Lähetä<" in html
    assert "Siirry sisältöön" in html

    answer(client, token, 9)
    assert "Mikä on tärkein syy antamaasi arvosanaan?" in client.get(f"/s/{token}/why").text
    assert "Kiitos!" in client.get(f"/s/{token}/thanks").text


def test_finnish_customer_gets_the_closed_page_in_finnish(client, session, invite):
    token = invite(locale="fi")
    session.execute(update(Invitation).values(status="expired"))
    session.commit()
    resp = client.get(f"/s/{token}")
    assert resp.status_code == 410
    assert '<html lang="fi">' in resp.text
    assert "Tämä kysely on päättynyt" in resp.text


def test_token_pages_are_not_cached_framed_or_leaked_in_referers(client, invite):
    token = invite()
    for url in (f"/s/{token}", f"/s/{token}/referral", "/s/unknown"):
        headers = client.get(url).headers
        assert headers["Cache-Control"] == "no-store"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_answering_needs_no_session_cookie_even_with_csrf_on(app, session, invite, monkeypatch):
    """The link token is the secret; respondents with cookies blocked can still answer."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = invite()
    browser = app.test_client(use_cookies=False)

    page = browser.get(f"/s/{token}?score=9")
    resp = browser.post(f"/s/{token}", data={"score": "9"})
    why = browser.post(f"/s/{token}/why", data={"comment": "Great"})

    assert "Set-Cookie" not in page.headers and "csrf_token" not in page.text
    assert resp.status_code == 303 and why.status_code == 303
    assert [(r.score, r.comment) for r in responses(session)] == [(9, "Great")]


# ---------- The referral redirect ----------


def test_referral_link_counts_a_click_and_redirects_only_to_the_landing_url(
    client, session, invite
):
    make_programme(session, landing_url="https://example.com/join?utm=kaiku&ref=someone-else")
    session.commit()
    token = invite()
    answer(client, token, 10)
    referral = session.scalars(select(Referral)).one()

    resp = client.get(f"/r/{referral.code}")
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"https://example.com/join?utm=kaiku&ref={referral.code}"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/r/{referral.code}").status_code == 302
    session.refresh(referral)
    assert referral.clicks == 1  # once per browser and window: test_referral_clicks.py


def test_link_checker_head_request_does_not_count_a_click(client, session, invite):
    make_programme(session)
    session.commit()
    answer(client, invite(), 10)
    referral = session.scalars(select(Referral)).one()

    resp = client.head(f"/r/{referral.code}")

    assert resp.status_code == 302
    session.refresh(referral)
    assert referral.clicks == 0


def test_unknown_referral_code_is_404(client):
    resp = client.get("/r/nosuchcode")
    assert resp.status_code == 404
    assert "This referral link is not valid" in resp.text
    assert "Location" not in resp.headers


# ---------- The words ----------


def test_app_wide_error_page_is_a_clean_page(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert "<h1>Page not found</h1>" in resp.text
    assert "kaiku.css" in resp.text


@pytest.mark.parametrize(
    ("locale", "reward_label", "reward"),
    [
        ("fi", "Etu:", "Kuukausi ilmaiseksi sinulle ja ystävällesi"),
        ("sv-FI", "Förmån:", "En månad gratis för dig och din vän"),
        ("en", "Reward:", "One month free for you and your friend"),
    ],
)
def test_thanks_page_shows_the_reward_in_the_customers_language(
    client, session, invite, locale, reward_label, reward
):
    make_programme(
        session,
        reward="One month free for you and your friend",
        rewards={
            "fi": "Kuukausi ilmaiseksi sinulle ja ystävällesi",
            "sv": "En månad gratis för dig och din vän",
        },
    )
    session.commit()
    token = invite(locale=locale)
    answer(client, token, 10)

    html = client.get(f"/s/{token}/thanks").text
    assert reward_label in html and reward in html
    if locale != "en":
        assert "One month free" not in html
    assert client.get(f"/s/{token}/referral").json["reward"] == reward


@pytest.mark.parametrize(
    ("locale", "generic"),
    [
        ("fi", "Lisätiedot löydät linkin takaa."),
        ("sv", "Mer information finns på sidan bakom länken."),
    ],
)
def test_reward_without_a_text_in_the_language_shows_the_translated_generic_line(
    client, session, invite, locale, generic
):
    make_programme(session, reward="One month free for you and your friend")
    session.commit()
    token = invite(locale=locale)
    answer(client, token, 10)

    html = client.get(f"/s/{token}/thanks").text
    assert generic in html
    assert "One month free" not in html
    assert client.get(f"/s/{token}/referral").json["reward"] == generic
