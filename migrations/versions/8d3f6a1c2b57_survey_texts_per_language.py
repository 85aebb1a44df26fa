"""survey texts per language: one JSON column texts replaces question_en/_fi, comment_prompt_en/_fi

Revision ID: 8d3f6a1c2b57
Revises: 5b1c7e2a9d40
Create Date: 2026-11-26 09:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "8d3f6a1c2b57"
down_revision = "5b1c7e2a9d40"
branch_labels = None
depends_on = None

OLD_COLUMNS = ("question_en", "question_fi", "comment_prompt_en", "comment_prompt_fi")


def _surveys(*columns):
    return sa.table("surveys", sa.column("id", sa.Integer), *columns)


def upgrade():
    with op.batch_alter_table("surveys") as batch_op:
        batch_op.add_column(sa.Column("texts", sa.JSON(), nullable=True))
    old = _surveys(*(sa.column(name, sa.Text) for name in OLD_COLUMNS), sa.column("texts", sa.JSON))
    bind = op.get_bind()
    for row in bind.execute(sa.select(old)).mappings().all():
        texts = {
            lang: {"question": row[f"question_{lang}"], "comment_prompt": row[f"comment_prompt_{lang}"]}
            for lang in ("en", "fi")
        }
        bind.execute(old.update().where(old.c.id == row["id"]).values(texts=texts))
    with op.batch_alter_table("surveys") as batch_op:
        batch_op.alter_column("texts", existing_type=sa.JSON(), nullable=False)
        for name in OLD_COLUMNS:
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table("surveys") as batch_op:
        for name in OLD_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    new = _surveys(*(sa.column(name, sa.Text) for name in OLD_COLUMNS), sa.column("texts", sa.JSON))
    bind = op.get_bind()
    for row in bind.execute(sa.select(new.c.id, new.c.texts)).mappings().all():
        english = row["texts"]["en"]
        values = {}
        for lang in ("en", "fi"):
            # A language the survey has no text in was shown in English: keep that.
            texts = english | row["texts"].get(lang, {})
            values[f"question_{lang}"] = texts["question"]
            values[f"comment_prompt_{lang}"] = texts["comment_prompt"]
        bind.execute(new.update().where(new.c.id == row["id"]).values(**values))
    with op.batch_alter_table("surveys") as batch_op:
        for name in OLD_COLUMNS:
            batch_op.alter_column(name, existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("texts")
