"""Years of answered surveys, seeded fast with PostgreSQL COPY, for the report benchmarks.

``seed(engine, n)`` writes ``n`` processed responses (two surveys: NPS and CSAT) spread over two
years, with customers (one per four responses, plan and country attributes), an answered
invitation each (channel, the agent who handled the customer), stage at answer time, language,
sentiment and 0–2 themes per comment, as the pipeline would have left them. It uses COPY, not
ORM inserts, and no foreign-key or index work is skipped: the tables are Kaiku's own.
"""

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta

from bench.analysis_speed import comments

START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 730
STAGES = ("onboarding", "active", "loyal", "advocate", "at_risk")
CHANNELS = ("email", "email", "email", "widget", "link")
LANGUAGES = ("en", "fi", "sv")
PLANS = ("free", "pro", "business")
COUNTRIES = ("FI", "SE", "GB", "DE")
AGENTS = tuple(f"agent{i}@kaiku.example" for i in range(12)) + (None,) * 4
THEMES = ("price", "billing", "support", "speed", "reliability", "usability", "features")
CHUNK = 100_000


def seed(app, n: int, seed_value: int = 3) -> dict[str, int]:
    """Seed ``n`` responses into an empty, migrated database; returns the survey id per kind."""
    from app.extensions import db
    from tests.factories.surveys import make_survey

    rng = random.Random(seed_value)
    texts = [(t, "en") for t in comments("en", 500, seed=1)]
    texts += [(t, "fi") for t in comments("fi", 300, seed=2)]
    with app.app_context():
        surveys = {kind: make_survey(db.session, kind).id for kind in ("nps", "csat")}
        db.session.commit()
        engine = db.engine
        raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        customers = max(1, n // 4)
        with cur.copy(
            "COPY customers (id, external_id, email, locale, timezone, stage, attributes, "
            "unsubscribed, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(1, customers + 1):
                attributes = json.dumps(
                    {"plan": rng.choice(PLANS), "country": rng.choice(COUNTRIES)}
                )
                copy.write_row(
                    (i, f"c{i}", f"c{i}@example.com", rng.choice(LANGUAGES), "UTC",
                     rng.choice(STAGES), attributes, False, START, START)
                )  # fmt: skip
        for start in range(0, n, CHUNK):
            _copy_chunk(cur, rng, surveys, texts, customers, start, min(CHUNK, n - start))
        for table in ("customers", "invitations", "responses", "response_themes"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        raw.commit()
        raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
        cur.execute("VACUUM ANALYZE")
        raw.driver_connection.autocommit = False  # the connection goes back to the pool
    finally:
        raw.close()
    return surveys


def _copy_chunk(cur, rng, surveys, texts, customers, start, size) -> None:
    rows = []
    for k in range(start + 1, start + size + 1):
        kind = "nps" if rng.random() < 0.7 else "csat"
        score = _score(rng, kind)
        answered = START + timedelta(days=rng.random() * DAYS)
        comment, language = rng.choice(texts) if rng.random() < 0.6 else (None, None)
        rows.append((k, kind, score, answered, comment, language))
    with cur.copy(
        "COPY invitations (id, survey_id, customer_id, token_hash, status, channel, handled_by, "
        "created_at, sent_at, answered_at, expires_at) FROM STDIN"
    ) as copy:
        for k, kind, _points, answered, _comment, _language in rows:
            customer = (k - 1) % customers + 1
            token = hashlib.sha256(f"bench-{k}".encode()).hexdigest()
            sent = answered - timedelta(hours=2)
            copy.write_row(
                (k, surveys[kind], customer, token, "answered", rng.choice(CHANNELS),
                 rng.choice(AGENTS), sent, sent, answered, answered + timedelta(days=14))
            )  # fmt: skip
    themes = []
    with cur.copy(
        "COPY responses (id, invitation_id, survey_id, customer_id, score, comment, channel, "
        "stage, category, language, sentiment_polarity, sentiment_label, sentiment_mixed, "
        "analysis_version, revision, answered_at, updated_at, processed_at) FROM STDIN"
    ) as copy:
        for k, kind, score, answered, comment, language in rows:
            customer = (k - 1) % customers + 1
            label = polarity = None
            if comment:
                polarity = round(rng.uniform(-1, 1), 3)
                label = (
                    "positive" if polarity >= 0.1 else "negative" if polarity <= -0.1 else "neutral"
                )
                for theme in rng.sample(THEMES, rng.choice((0, 1, 1, 2))):
                    themes.append((k, theme))
            copy.write_row(
                (k, k, surveys[kind], customer, score, comment, rng.choice(CHANNELS),
                 rng.choice(STAGES), _category(kind, score), language, polarity, label,
                 bool(comment) and rng.random() < 0.1, "bench", 1, answered, answered, answered)
            )  # fmt: skip
    with cur.copy("COPY response_themes (response_id, theme) FROM STDIN") as copy:
        for row in themes:
            copy.write_row(row)


def _score(rng, kind: str) -> int:
    if kind == "nps":
        return rng.choices(range(11), weights=(2, 1, 1, 2, 2, 3, 5, 8, 14, 22, 30))[0]
    return rng.choices(range(1, 6), weights=(6, 8, 14, 32, 40))[0]


def _category(kind: str, score: int) -> str:
    if kind == "nps":
        return "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"
    return "dissatisfied" if score <= 2 else "neutral" if score == 3 else "satisfied"
