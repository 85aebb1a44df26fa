"""Staff and API keys from the command line: ``flask create-admin``, ``flask create-api-key``."""

import click
from flask import Flask

from app.cli import or_fail
from app.extensions import db
from surveys.models import ROLES


def register(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="The password (at least 10 characters); asked for twice, hidden, when left out.",
    )
    @click.option("--name", default=None, help="The person's name, shown to colleagues.")
    def create_admin(email: str, password: str, name: str | None) -> None:
        """Create an admin staff user who can sign in at /login."""
        from surveys.staff.accounts import create_staff

        user = or_fail(lambda: create_staff(db.session, email, password, role="admin", name=name))
        db.session.commit()
        click.echo(f"Created admin {user.email} (id {user.id}); sign in at /login.")

    @app.cli.command("create-api-key")
    @click.argument("name")
    @click.option(
        "--role",
        type=click.Choice(ROLES),
        default="admin",
        show_default=True,
        help="admin: everything; agent: reads and rescue-task changes; analyst: reads only.",
    )
    def create_api_key_command(name: str, role: str) -> None:
        """Create an API key for an integration; the key is printed once and never again."""
        from surveys.staff.apikeys import create_api_key

        key, raw = or_fail(lambda: create_api_key(db.session, name, role=role))
        db.session.commit()
        click.echo(f"Created {key.role} API key {key.name!r} ({key.prefix}):")
        click.echo(f"\n    {raw}\n")
        click.echo(
            "Copy it now: it is not shown again (only its hash is stored). "
            "Send it as 'Authorization: Bearer <key>'."
        )
