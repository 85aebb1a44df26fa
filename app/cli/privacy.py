"""``flask retention [--dry-run]``: apply the retention of comments now, or say what would go.

The worker's beat applies it daily; this is for a database without a worker, or to check a
new RETENTION_MONTHS or a survey's retention before it takes effect.
"""

import click
from flask import Flask, current_app

from app.extensions import db
from surveys.kernel import clock
from surveys.privacy.retention import SurveyRetention, apply_retention, plan


def describe(item: SurveyRetention, *, dry_run: bool) -> str:
    """One survey's line: what (would) go, older than which day."""
    verb = "would delete" if dry_run else "deleted"
    return (
        f"{item.survey_name} (survey {item.survey_id}, {item.months} months): {verb} "
        f"{item.comments} comments, {item.notes} rescue notes and {item.emails} emails "
        f"older than {item.cutoff:%Y-%m-%d %H:%M} UTC"
    )


def register(app: Flask) -> None:
    @app.cli.command("retention")
    @click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
    def retention_command(dry_run: bool) -> None:
        """Delete comments older than the retention (per survey, or RETENTION_MONTHS)."""
        global_months = current_app.extensions["kaiku_settings"].retention_months
        if dry_run:
            items = plan(db.session, clock.now(), global_months)
        else:
            items = apply_retention(db.session, clock.now(), global_months)
            db.session.commit()
        if not items:
            click.echo("No survey has a retention set: nothing is deleted.")
        for item in items:
            click.echo(describe(item, dry_run=dry_run))
        if not dry_run:
            click.echo(f"Deleted {sum(item.total for item in items)} rows.")
