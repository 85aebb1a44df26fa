"""``flask rollups refresh``: recount the dashboard's rollups in this process, now.

The worker recounts stale cells by itself after every change and on its sweep; this is for a
database without a worker (SQLite), after an upgrade, or to rebuild every cell (``--all``).
"""

import click
from flask import Flask

from app.extensions import db


def register(app: Flask) -> None:
    @app.cli.group("rollups")
    def rollups_group() -> None:
        """The dashboard's rollups (counts per survey and day)."""

    @rollups_group.command("refresh")
    @click.option("--all", "every_cell", is_flag=True, help="Recount every cell, not only stale.")
    def refresh_command(every_cell: bool) -> None:
        """Recount the stale rollup cells (every cell with --all), committing as it goes."""
        from surveys.models.rollups import mark_all_stale
        from surveys.reports.rollups import refresh_all

        if every_cell:
            mark_all_stale(db.session)
            db.session.commit()
        click.echo(f"Recounted {refresh_all(db.session)} cells.")
