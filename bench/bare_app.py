"""The baselines for the answer-capture benchmark: bare Flask endpoints doing one INSERT.

``/answer`` is one Core INSERT on a plain engine, the least a Flask endpoint can do per answer;
``/answer-orm`` is the same INSERT written as most Flask apps write it, an ORM object added and
committed through Flask-SQLAlchemy. Served by gunicorn exactly like Kaiku
(``gunicorn -w 2 bench.bare_app:app``), on the same database.
"""

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class BareAnswer(Base):
    __tablename__ = "bare_answers"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    token: Mapped[str]
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
db = SQLAlchemy(app, model_class=Base)
engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
INSERT = sa.text("INSERT INTO bare_answers (token, score, created_at) VALUES (:t, :s, now())")


@app.post("/answer")
def answer():
    with engine.begin() as conn:
        conn.execute(INSERT, {"t": request.form["token"], "s": int(request.form["score"])})
    return "", 204


@app.post("/answer-orm")
def answer_orm():
    db.session.add(
        BareAnswer(
            token=request.form["token"],
            score=int(request.form["score"]),
            created_at=datetime.now(UTC),
        )
    )
    db.session.commit()
    return "", 204
