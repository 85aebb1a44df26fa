"""Full-text search of comments: PostgreSQL's text search in the comment's own language, and a
word-by-word LIKE on SQLite.

On PostgreSQL each analysed language has its snowball configuration (``finnish``, ``swedish``,
``english``) and every other comment (unrecognised, not processed yet) ``simple``: lower-cased
words, no stemming. The query is parsed by ``websearch_to_tsquery`` in the same configuration
as the comments it is matched against, so "crashes" finds "crashing" in English. Each
configuration has a partial GIN expression index holding only its language's rows
(``surveys.models.responses``); the four-way OR below repeats each index's expression and
predicate literally, so the planner can combine four index scans (BitmapOr) rather than read
every comment. Expression indexes rather than a generated tsvector column: nothing to store
twice, nothing for the pipeline to keep current, and a fifth language is one more index.
"""

import re

from sqlalchemy import ColumnElement, and_, func, literal_column, not_, or_

from surveys.models import Response
from surveys.models.responses import FULLTEXT_CONFIGURATIONS, FULLTEXT_OTHER
from surveys.models.responses import comment_tsvector as tsvector


def fulltext_where(query: str) -> ColumnElement[bool]:
    """PostgreSQL: the comment matches ``query`` (websearch syntax) in its language's config."""
    codes = [literal_column(f"'{code}'") for code in FULLTEXT_CONFIGURATIONS]
    branches = [
        (Response.language == code, config)
        for code, config in zip(codes, FULLTEXT_CONFIGURATIONS.values(), strict=True)
    ]
    other = or_(Response.language.is_(None), Response.language.not_in(codes))
    branches.append((other, FULLTEXT_OTHER))
    return or_(
        *(
            and_(where, tsvector(config, Response.comment).op("@@")(_tsquery(config, query)))
            for where, config in branches
        )
    )


def _tsquery(config: str, query: str) -> ColumnElement:
    return func.websearch_to_tsquery(literal_column(f"'{config}'::regconfig"), query)


# "quoted phrase", -excluded, or a bare word, as websearch_to_tsquery reads them (OR aside).
_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def like_where(query: str) -> ColumnElement[bool]:
    """SQLite: every word (or "phrase") of ``query`` is in the comment, a ``-word`` is not.

    Case-insensitive: SQLite's LIKE folds ASCII only, so the lower-, upper- and capitalised
    forms of a word are tried too (ä, å, ö). No stemming: "crash" finds "crashes", but
    "crashes" does not find "crashing".
    """
    conditions = []
    for quoted_minus, phrase, minus, word in _TERM.findall(query):
        term = (phrase or word).strip()
        if not term or term.lower() == "or":
            continue
        found = or_(*(_contains(form) for form in {term.lower(), term.upper(), term.capitalize()}))
        conditions.append(not_(found) if (quoted_minus or minus) else found)
    return and_(Response.comment.is_not(None), *conditions)


def _contains(text_: str) -> ColumnElement[bool]:
    escaped = text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Response.comment.like(f"%{escaped}%", escape="\\")
