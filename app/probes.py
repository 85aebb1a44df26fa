"""Probes of the services around the app: does Redis answer now?

Here rather than in ``worker``, because the web app asks too (the rate limiter's storage, the
CLI's choice between a worker and in-process runs) and must not reach into the worker's
internals to do so; the worker's binding (``CELERY_EAGER=auto``) may import it, as it is no
blueprint.
"""

import redis


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    """Whether a Redis server answers PING at ``url`` within ``timeout`` seconds."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
