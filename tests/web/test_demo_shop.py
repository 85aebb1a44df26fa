"""The demo's sample company page: the widget's script tag with a server-signed identity."""

import html
import re

import pytest

from app import create_app
from config import TestConfig
from surveys.embed.signing import Claim, verify
from surveys.kernel import clock
from tests.conftest import use_celery_of
from tests.factories.embeds import make_embed


@pytest.fixture
def shop_app(app, engine):
    shop = create_app(TestConfig)
    use_celery_of(app)
    return shop


def test_the_shop_signs_a_fresh_visitor_and_embeds_the_survey(shop_app, session):
    survey, secret = make_embed(session)
    session.commit()
    shop_app.config["DEMO_SHOP_SURVEY"] = survey.key  # as flask run-demo sets it
    client = shop_app.test_client()
    first = client.get("/demo/shop?lang=sv")
    assert first.status_code == 302 and "visitor=demo-visitor-" in first.headers["Location"]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    tag = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', page))
    assert tag["survey"] == survey.key and tag["language"] == "sv"
    assert 'src="/embed.js"' in page
    claim = Claim(
        tag["customer"], tag["signature"], tag["key-id"], int(tag["expires"]),
        html.unescape(tag["attributes"]),
    )  # fmt: skip
    assert verify(claim, [(tag["key-id"], secret)], now=clock.now()).ok


def test_the_app_itself_has_no_shop(shop_app):
    assert shop_app.test_client().get("/demo/shop").status_code == 404  # run-demo not involved
