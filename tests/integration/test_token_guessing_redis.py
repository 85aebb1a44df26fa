"""Unknown-link limits on Redis: the storage chosen when Redis answers, shared by every process."""

import pytest
import redis

from tests.factories.surveys import make_invitation
from tests.live import limited_on_redis


@pytest.fixture
def redis_limited_app(app, engine, redis_url):
    with limited_on_redis(
        app,
        redis_url,
        TOKEN_GUESS_RATE_LIMIT_ENABLED=True,
        TOKEN_GUESS_RATE_LIMIT="2 per minute",
    ) as limited:
        yield limited


def test_unknown_links_are_counted_in_redis(redis_limited_app, session, settings, redis_url):
    assert redis_limited_app.config["RATELIMIT_STORAGE_URI"] == redis_url
    new = make_invitation(session, settings)
    session.commit()
    first, second = redis_limited_app.test_client(), redis_limited_app.test_client()

    assert first.get("/s/guess-1").status_code == 404
    assert second.get("/r/guess-2").status_code == 404
    keys = redis.Redis.from_url(redis_url).keys("*kaiku-limits*token-guess*")
    assert keys, "no unknown-link counters in Redis"

    # The count lives in Redis, where every web process reads it: a third guess is refused,
    # and the address's real link still answers.
    blocked = first.get("/u/guess-3")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert first.get(f"/s/{new.token}").status_code == 200
