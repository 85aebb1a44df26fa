"""The embedded widget on the company's own site: ``/embed.js`` (the loader), ``/embed/<key>``
(the widget, in an iframe) and the public JSON API under ``/api/v1/embed/<key>/`` it calls.

No API key and no cookie: the caller is a customer's browser on an allowed origin, and who the
customer is comes from the identity the company's backend signed (``surveys.embed.identity``).
"""

from flask import Blueprint

bp = Blueprint("embed", __name__)

from app.embed import api, pages  # noqa: E402,F401
