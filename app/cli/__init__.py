"""Flask CLI commands, one module by concern: staff and API keys (``accounts``), the demo data
and the one-command demo server (``demo``), customer imports (``imports``), re-tagging history
(``analysis``), the rollups' recount (``rollups``), retention (``privacy``)."""

from collections.abc import Callable

import click
from flask import Flask

from app.extensions import db
from surveys.kernel.errors import KaikuError


def register(app: Flask) -> None:
    from app.cli import accounts, analysis, demo, imports, privacy, rollups

    for module in (accounts, analysis, demo, imports, privacy, rollups):
        module.register(app)


def or_fail(call: Callable):
    """Run a service call; a KaikuError becomes a clean CLI error (exit status 1)."""
    try:
        return call()
    except KaikuError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
