"""What the embedded widget costs the company's page: bytes of ``/embed.js`` (the loader, on
every page; the budget is 10 KB gzipped) and of the widget page with its assets (loaded only
when the widget opens), raw and gzipped, as the app serves them.

    .venv/bin/python -m bench.embed_size

Runs the app in-process on a throw-away SQLite database with one survey; needs no server.
Prints figures; asserts nothing (tests/web/test_embed_pages.py checks the loader's budget).
"""

import gzip
import re
import tempfile
from pathlib import Path

from app import create_app
from app.extensions import db
from config import TestConfig
from surveys.catalog.definitions import create_survey

LOADER_BUDGET = 10 * 1024


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def row(name: str, data: bytes) -> tuple[int, int]:
    print(f"{name:<40} {len(data):>8,} B raw {gzipped(data):>8,} B gzipped")
    return len(data), gzipped(data)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:

        class SizeConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(folder) / 'size.db'}"

        app = create_app(SizeConfig)
        with app.app_context():
            db.create_all()
            survey = create_survey(db.session, "Size", "nps")
            db.session.commit()
            key = survey.key
        client = app.test_client()
        loader = client.get("/embed.js").get_data()
        page = client.get(f"/embed/{key}").get_data()
        _, loader_gz = row("/embed.js (loader)", loader)
        print(f"{'':<40} budget {LOADER_BUDGET:,} B gzipped: {loader_gz / LOADER_BUDGET:.0%} used")
        total_raw, total_gz = row(f"/embed/{key} (widget page)", page)
        for asset in re.findall(rb'(?:href|src)="(/static/[^"]+)"', page):
            raw, packed = row(asset.decode(), client.get(asset.decode()).get_data())
            total_raw, total_gz = total_raw + raw, total_gz + packed
        print(f"{'widget page with its assets':<40} {total_raw:>8,} B raw {total_gz:>8,} B gzipped")


if __name__ == "__main__":
    main()
