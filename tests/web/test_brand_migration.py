"""The brand migration goes up and down on SQLite, the embedded default."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.schema import MIGRATIONS, app_on


def test_the_brand_table_comes_and_goes_with_its_migration(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'brand.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="a6c2e9f4b1d7")
        assert "brands" in sa.inspect(db.engine).get_table_names()
        db.session.execute(
            sa.text("INSERT INTO brands (company_name, updated_at) VALUES ('Acme', '2026-12-01')")
        )
        db.session.commit()

        downgrade(directory=str(MIGRATIONS), revision="a6c2e9d4b817")
        assert "brands" not in sa.inspect(db.engine).get_table_names()

        upgrade(directory=str(MIGRATIONS), revision="a6c2e9f4b1d7")
        assert "brands" in sa.inspect(db.engine).get_table_names()
