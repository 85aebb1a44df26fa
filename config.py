"""Kaiku configuration: one class per deployment, every value read from the environment.

This is the only module that reads the environment. Defaults are the embedded set-up: SQLite
under ``instance/`` and a local Redis that may or may not be there (see ``worker/``).
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


class Config:
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kaiku.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = _env("REDIS_URL", "redis://127.0.0.1:6379/0")
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USER = _env("SMTP_USER")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env("SMTP_STARTTLS", "0") == "1"
    MAIL_FROM = _env("MAIL_FROM", "Kaiku <feedback@localhost>")

    # Request bodies past this answer 413 before any view runs (JSON under /api/, Kaiku's error
    # page elsewhere); the CSV upload raises it for its own request (app/admin/imports.py). The
    # request line and headers are gunicorn's to limit (gunicorn.conf.py).
    MAX_CONTENT_LENGTH = 64 * 1024
    # Multipart forms (the upload): one text field at most this big, at most this many fields.
    # Kaiku's longest text field, a rescue email's body, is 10,000 characters; its largest form,
    # a trigger rule with 20 filter rows, has under 70 fields.
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    MAX_FORM_PARTS = 100
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A staff session ends this many hours after sign-in, checked on the server (its row in
    # staff_sessions), or when the browser closes (the cookie is a browser-session cookie, so
    # Flask-Login's "strong" protection applies to it).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("SESSION_HOURS", 12))

    INVITATION_TTL_DAYS = _env_int("INVITATION_TTL_DAYS", 30)
    # The sweepers are the backstop for a message that was never sent (a broker down at the
    # commit, a worker killed between its commit and its publish) or never recorded as held (a
    # worker killed between Redis' BRPOP and kombu's unacked record): 40 + 10 keeps that within
    # a minute too. A killed worker's messages come back sooner, by redelivery (below).
    SWEEP_AFTER_SECONDS = _env_int("SWEEP_AFTER_SECONDS", 40)
    SWEEP_EVERY_SECONDS = _env_int("SWEEP_EVERY_SECONDS", 10)
    # A message a worker held and stopped refreshing (worker.redelivery) is redelivered this long
    # after its last refresh: kill -9 to redone in about this plus REDELIVER_AFTER_SECONDS / 6.
    REDELIVER_AFTER_SECONDS = _env_int("REDELIVER_AFTER_SECONDS", 30)

    # Lifecycle delivery (see README: Delivery). A customer is asked at most once in this many
    # days across all surveys; no email goes out in quiet hours of the customer's own time zone.
    GLOBAL_RECONTACT_DAYS = _env_int("GLOBAL_RECONTACT_DAYS", 90)
    QUIET_HOURS = _env("QUIET_HOURS", "21:00-08:00")
    DISPATCH_EVERY_SECONDS = _env_int("DISPATCH_EVERY_SECONDS", 15)
    DISPATCH_BATCH_SIZE = _env_int("DISPATCH_BATCH_SIZE", 500)
    # Which events move a customer to which lifecycle stage: "event=stage,event=stage".
    STAGE_EVENTS = _env(
        "STAGE_EVENTS",
        "signed_up=onboarding,onboarding_completed=active,renewed=loyal,cancelled=churned",
    )
    IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    # Privacy (see README: Privacy): comments older than this many months are deleted daily;
    # 0 (the default) keeps them; a survey's own retention_months overrides it.
    RETENTION_MONTHS = _env_int("RETENTION_MONTHS", 0)

    # Rescue work (see README: Rescue). Due times by priority; a task is high priority for a very
    # negative comment or a customer whose value attribute reaches the threshold.
    RESCUE_DUE_HOURS = _env_int("RESCUE_DUE_HOURS", 24)
    RESCUE_HIGH_DUE_HOURS = _env_int("RESCUE_HIGH_DUE_HOURS", 4)
    RESCUE_VALUE_ATTRIBUTE = _env("RESCUE_VALUE_ATTRIBUTE", "mrr")
    RESCUE_HIGH_VALUE = _env_int("RESCUE_HIGH_VALUE", 1000)
    RESCUE_OWNER_ATTRIBUTE = _env("RESCUE_OWNER_ATTRIBUTE", "account_owner")
    ESCALATE_EVERY_SECONDS = _env_int("ESCALATE_EVERY_SECONDS", 300)
    # The weekly digest goes out on Mondays at this hour, UTC (worker/report_tasks.py).
    DIGEST_HOUR = _env_int("DIGEST_HOUR", 7)
    # Flask-Limiter: failed sign-in attempts per client address and per account email (see
    # app/auth/security.py). Storage: RATELIMIT_STORAGE_URI, else REDIS_URL when it answers at
    # start, else this process's memory; if Redis goes away later, memory stands in.
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    LOGIN_ACCOUNT_RATE_LIMIT = _env("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 10 minutes")
    LOGIN_RATE_LIMIT_ENABLED = True
    # The same switch and storage: "forgot your password" requests (every one counts) per client
    # address and per address asked for, and wrong second-factor codes per address and account.
    FORGOT_RATE_LIMIT = _env("FORGOT_RATE_LIMIT", "5 per 10 minutes;20 per day")
    FORGOT_ACCOUNT_RATE_LIMIT = _env("FORGOT_ACCOUNT_RATE_LIMIT", "3 per hour")
    TOTP_RATE_LIMIT = _env("TOTP_RATE_LIMIT", "10 per minute;50 per hour")
    TOTP_ACCOUNT_RATE_LIMIT = _env("TOTP_ACCOUNT_RATE_LIMIT", "5 per 5 minutes")
    # The embedded widget's API (app/embed/api.py), in the same storage: every call per client
    # address; answers per survey and customer; anonymous answers per client address.
    EMBED_RATE_LIMIT = _env("EMBED_RATE_LIMIT", "120 per minute;2000 per hour")
    EMBED_CUSTOMER_RATE_LIMIT = _env("EMBED_CUSTOMER_RATE_LIMIT", "20 per minute;200 per day")
    EMBED_ANONYMOUS_RATE_LIMIT = _env("EMBED_ANONYMOUS_RATE_LIMIT", "20 per hour;100 per day")
    EMBED_RATE_LIMIT_ENABLED = True
    # Unknown respondent links (/s/, /u/, /r/) per client address, in the same storage; links
    # that exist are never counted nor refused (app/respond/guessing.py).
    TOKEN_GUESS_RATE_LIMIT = _env("TOKEN_GUESS_RATE_LIMIT", "30 per minute;300 per hour")
    TOKEN_GUESS_RATE_LIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "kaiku-limits"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # A browser's clicks on one referral link count once in this many hours (a signed cookie).
    REFERRAL_CLICK_WINDOW_HOURS = _env_int("REFERRAL_CLICK_WINDOW_HOURS", 24)
    # Proxies in front of Kaiku whose X-Forwarded-For/-Proto/-Host to trust (0: none). Behind
    # one TLS-terminating proxy set 1, or every client shares the proxy's address and rate limit.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    # Webhooks (see README: Webhooks). Hosts let past the SSRF guard ("host[:port]", commas);
    # endpoints failing for this many days are disabled and admins told.
    WEBHOOK_ALLOWED_HOSTS = _env("WEBHOOK_ALLOWED_HOSTS", "")
    WEBHOOK_DISABLE_AFTER_DAYS = _env_int("WEBHOOK_DISABLE_AFTER_DAYS", 5)
    WEBHOOK_TIMEOUT_SECONDS = _env_int("WEBHOOK_TIMEOUT_SECONDS", 15)
    WEBHOOK_ROTATION_GRACE_HOURS = _env_int("WEBHOOK_ROTATION_GRACE_HOURS", 24)
    WEBHOOK_SWEEP_EVERY_SECONDS = _env_int("WEBHOOK_SWEEP_EVERY_SECONDS", 5)
    WEBHOOK_LOG_DAYS = _env_int("WEBHOOK_LOG_DAYS", 30)

    # "auto": eager when REDIS_URL does not answer (the demo); "1": always eager; "0": never.
    CELERY_EAGER = _env("CELERY_EAGER", "0")
    CELERY = {
        "broker_url": REDIS_URL,
        "result_backend": None,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # Batched tasks need more messages in hand than one batch (see worker/tasks.py).
        "worker_prefetch_multiplier": 64,
        "task_serializer": "json",
        "accept_content": ["json"],
        "broker_connection_retry_on_startup": True,
        # A request must not hang on a dead broker: the answer is committed and the sweeper
        # re-enqueues it, so publishing gives up fast.
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        "broker_transport_options": {
            "socket_connect_timeout": 1,
            # Living workers refresh what they hold (worker.redelivery), so the timeout only
            # measures how long a dead worker's messages wait, not how long a task may run.
            "visibility_timeout": REDELIVER_AFTER_SECONDS,
            # kombu's scan for expired messages: every few seconds, not every 100 s (its
            # default 10 s x throttle 10); the scan is one ZRANGE under a mutex.
            "unacked_restore_interval": max(REDELIVER_AFTER_SECONDS // 6, 1),
            "unacked_restore_throttle": 1,
            # The scan's mutex outlives a worker killed mid-scan by this much, not 5 minutes.
            "unacked_mutex_expire": max(REDELIVER_AFTER_SECONDS // 3, 2),
        },
        "timezone": "UTC",
    }


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        if not _env("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production (see README: Production).")
        self.SECRET_KEY = _env("SECRET_KEY")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    # Unset: tests/conftest.py gives each run a SQLite file of its own (a file, not :memory:, so
    # that every connection, threads and a worker, sees the same data).
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL")
    REDIS_URL = _env("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    BASE_URL = "http://kaiku.test"
    SMTP_HOST = None
    WTF_CSRF_ENABLED = False
    # Tests sign in and open unknown links many times a minute from one address; the rate-limit
    # tests turn these on.
    LOGIN_RATE_LIMIT_ENABLED = False
    EMBED_RATE_LIMIT_ENABLED = False
    TOKEN_GUESS_RATE_LIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    CELERY_EAGER = "1"
    CELERY = {**Config.CELERY, "broker_url": REDIS_URL}


def config_from_env() -> type[Config] | Config:
    """The configuration named by KAIKU_ENV: ``production`` or the embedded default."""
    if _env("KAIKU_ENV") == "production":
        return ProductionConfig()
    return Config
