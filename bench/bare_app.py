"""The baseline for the answer-capture benchmark: a bare Flask endpoint doing one INSERT.

Served by gunicorn exactly like Kaiku (``gunicorn -w 2 bench.bare_app:app``), on the same
database, so the two figures differ only by what Kaiku does per answer.
"""

import os

import sqlalchemy as sa
from flask import Flask, request

engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
app = Flask(__name__)
INSERT = sa.text("INSERT INTO bare_answers (token, score, created_at) VALUES (:t, :s, now())")


@app.post("/answer")
def answer():
    with engine.begin() as conn:
        conn.execute(INSERT, {"t": request.form["token"], "s": int(request.form["score"])})
    return "", 204
