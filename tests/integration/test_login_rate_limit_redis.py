"""Sign-in rate limits on Redis: the storage chosen when Redis answers, shared by every process."""

import pytest
import redis

from tests.factories.staff import PASSWORD, make_staff
from tests.live import limited_on_redis


@pytest.fixture
def redis_limited_app(app, engine, redis_url):
    with limited_on_redis(
        app,
        redis_url,
        LOGIN_RATE_LIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="2 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="50 per minute",
    ) as limited:
        yield limited


def test_failed_sign_ins_are_counted_in_redis(redis_limited_app, session, redis_url):
    assert redis_limited_app.config["RATELIMIT_STORAGE_URI"] == redis_url
    make_staff(session, "agent")
    session.commit()
    data = {"email": "agent@example.com", "password": "wrong password"}
    first, second = redis_limited_app.test_client(), redis_limited_app.test_client()

    assert first.post("/login", data=data).status_code == 200
    assert second.post("/login", data=data).status_code == 200
    keys = redis.Redis.from_url(redis_url).keys("*kaiku-limits*")
    assert keys, "no rate-limit counters in Redis"

    # The count lives in Redis, where every web process reads it: a third attempt is refused.
    blocked = first.post("/login", data=data | {"password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
