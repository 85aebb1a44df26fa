"""The loader script ``/embed.js`` and the widget page ``/embed/<key>`` (filled in below)."""

from app.embed import bp  # noqa: F401
