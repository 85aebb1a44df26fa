"""Security wiring of the app: the rate limiter's storage, proxy headers, session protection.

Called once from the app factory. The limiter uses Redis (``REDIS_URL``) when it answers at
start, so every web process shares the counts, and this process's memory otherwise (the demo).
"""

from flask import Flask
from kombu.utils.url import maybe_sanitize_url
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import limiter, login_manager
from app.probes import redis_answers


def rate_limit_storage(config: dict) -> str:
    """The limiter's storage URI: ``RATELIMIT_STORAGE_URI`` if set, else ``REDIS_URL`` when a
    Redis server answers there now, else ``memory://``."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return config["RATELIMIT_STORAGE_URI"]
    redis_url = config["REDIS_URL"]
    return redis_url if redis_answers(redis_url) else "memory://"


def init_security(app: Flask) -> None:
    """Initialise the limiter on its storage, trust ``PROXY_COUNT`` proxies, and end a session
    whose address or browser changes (Flask-Login's "strong" protection)."""
    app.config["RATELIMIT_STORAGE_URI"] = rate_limit_storage(app.config)
    limiter.init_app(app)
    storage = app.config["RATELIMIT_STORAGE_URI"]
    if storage == "memory://" and not app.testing:
        app.logger.warning(
            "Sign-in rate limits are counted in this process only: Redis does not answer at %s.",
            maybe_sanitize_url(app.config["REDIS_URL"]),
        )
    login_manager.session_protection = "strong"
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
