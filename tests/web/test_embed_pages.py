"""The loader script and the widget page: served as a script, framed only by the allowed origins."""

import gzip
import html
from pathlib import Path

import pytest

from app.csp import allow_framing_by
from surveys.brand.storage import save_brand
from tests.factories.embeds import HOST, identity, make_embed
from tests.factories.surveys import make_survey

LOADER = Path(__file__).resolve().parents[2] / "static" / "embed" / "loader.js"
BUDGET = 10 * 1024  # bytes, gzipped


@pytest.fixture
def embedded(session):
    survey, secret = make_embed(session, allowed_origins=[HOST, "https://www.example.org"])
    session.commit()
    return survey


def test_loader_is_served_as_a_cacheable_script(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.cache_control.public and response.cache_control.max_age == 300
    assert response.get_data() == LOADER.read_bytes()
    again = client.get("/embed.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_loader_fits_the_budget():
    assert len(gzip.compress(LOADER.read_bytes(), compresslevel=9)) <= BUDGET


def test_loader_sets_no_cookie_and_talks_only_to_its_own_origin():
    source = LOADER.read_text()
    assert "document.cookie" not in source and "d.cookie" not in source
    assert "http://" not in source.split("*/", 1)[1] and "https://" not in source


def test_widget_may_be_framed_by_the_allowed_origins_and_self_only(client, embedded):
    page = client.get(f"/embed/{embedded.key}")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors https://app.example.com https://www.example.org 'self'" in policy
    assert policy.rstrip(";").endswith("'self'")  # frame-ancestors is the last directive
    assert "X-Frame-Options" not in page.headers
    assert page.headers["Cache-Control"] == "no-store"


def test_widget_of_a_survey_without_origins_is_framed_by_self_alone(client, session):
    survey = make_survey(session)
    session.commit()
    page = client.get(f"/embed/{survey.key}")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def test_widget_shows_the_score_buttons_in_the_asked_language(client, embedded):
    page = client.get(f"/embed/{embedded.key}?lang=fi")
    html = page.get_data(as_text=True)
    assert '<html lang="fi"' in html
    assert html.count('data-score="') == 11
    assert "Sulje kysely" in html  # the close button's label
    assert "Lähetä" in html and "Ohita" in html


def test_widget_language_falls_back_to_the_browser(client, embedded):
    page = client.get(f"/embed/{embedded.key}", headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    assert '<html lang="sv"' in page.get_data(as_text=True)
    unknown = client.get(f"/embed/{embedded.key}?lang=de")
    assert '<html lang="en"' in unknown.get_data(as_text=True)


def test_widget_wears_the_brand_colour_and_thanks(client, session, embedded):
    save_brand(
        session,
        {"primary_color": "#1d4ed8", "thanks": {"promoter": {"en": "You made our day!"}}},
    )
    session.commit()
    html = client.get(f"/embed/{embedded.key}").get_data(as_text=True)
    assert "--accent: #1d4ed8" in html
    assert 'data-thanks="promoter" hidden>You made our day!' in html


def test_widget_names_no_identity_and_knows_its_framers(client, embedded):
    html = client.get(f"/embed/{embedded.key}?customer=x").get_data(as_text=True)
    assert "https://www.example.org" in html  # the origins it accepts messages from
    assert f"/api/v1/embed/{embedded.key}" in html


def test_unknown_widget_key_is_a_404_page(client):
    page = client.get("/embed/no-such-key?lang=sv")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "Enkäten hittades inte" in page.get_data(as_text=True)


def test_paused_survey_shows_a_closed_state(client, session, embedded):
    embedded.active = False
    session.commit()
    html = client.get(f"/embed/{embedded.key}").get_data(as_text=True)
    assert "This survey has closed" in html
    assert 'data-score="' not in html


def test_preview_renders_the_same_widget(client, embedded):
    page = client.get(f"/embed/{embedded.key}?preview=1")
    assert page.status_code == 200
    assert '"preview": true' in html.unescape(page.get_data(as_text=True))
    assert "'self'" in page.headers["Content-Security-Policy"]


def test_visit_answer_names_the_frame_in_the_customers_language(client, session, embedded):
    secret = make_embed(session, embedded)[1]
    session.commit()
    seen = client.post(
        f"/api/v1/embed/{embedded.key}/visits",
        json=identity(secret, "c-1") | {"language": "fi"},
        headers={"Origin": HOST},
    )
    assert seen.status_code == 200, seen.json
    assert seen.json["title"] == "Palautekysely"


def test_a_frame_ancestor_that_would_change_the_policy_is_refused(app):
    with app.test_request_context():
        for bad in ("https://a.example; script-src *", "https://a.example https://b", ""):
            with pytest.raises(ValueError):
                allow_framing_by(bad)
