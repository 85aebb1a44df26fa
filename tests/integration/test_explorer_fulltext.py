"""Full-text search of comments on PostgreSQL: each comment stemmed in its own language."""

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from surveys.reports.explorer import filtered_responses, parse_filters
from tests.factories.explorer import make_response


@pytest.fixture
def comments(pg_url, session, settings):
    rows = {
        "hinta": ("fi", "Hinta on liian kova"),
        "hinnan": ("fi", "En ymmärrä hinnan perusteita"),
        "hintoja": ("fi", "Vertailin hintoja"),
        "crashing": ("en", "It keeps crashing when I upload"),
        "crashed": ("en", "The app crashed twice"),
        "priserna": ("sv", "Priserna är för höga"),
        "simple": ("et", "Hinnad on kõrged, crashes"),
        "unprocessed": (None, "crashing all day"),
    }
    made = {
        key: make_response(session, settings, comment=comment, language=language).id
        for key, (language, comment) in rows.items()
    }
    session.commit()
    return made


def found(session, q: str) -> set[int]:
    stmt = filtered_responses(session, parse_filters({"q": q}))
    return {r.id for r in session.scalars(stmt)}


def test_finnish_inflections_find_each_other(session, comments):
    # The snowball stemmer cuts "hinnat", "hinta" and "hinnan" to "hin"; "hintoja" to "hinto"
    # (a partitive it does not fold), so that one is not found.
    assert found(session, "hinnat") == {comments["hinta"], comments["hinnan"]}


def test_english_is_stemmed_and_other_languages_are_matched_as_words(session, comments):
    # "crashes" in an Estonian (unanalysed) comment matches as a plain word in the 'simple'
    # configuration; "crashing" without a language is not stemmed there.
    assert found(session, "crashes") == {
        comments["crashing"], comments["crashed"], comments["simple"]
    }  # fmt: skip
    assert found(session, "crashing -upload") == {comments["crashed"], comments["unprocessed"]}


def test_swedish_is_stemmed(session, comments):
    assert found(session, "priser") == {comments["priserna"]}


def test_each_language_reads_its_own_partial_index(session, comments):
    """The query repeats each index's expression and predicate, so the planner can use them."""
    stmt = filtered_responses(session, parse_filters({"q": "hinnat"})).order_by(None)
    sql = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(session.scalars(text(f"EXPLAIN {sql}")))
    session.rollback()
    for config in ("finnish", "swedish", "english", "simple"):
        assert f"ix_responses_comment_fts_{config}" in plan, plan
