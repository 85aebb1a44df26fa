"""Every route of the API, one module per resource; importing them registers them on ``bp``."""

from app.api import (  # noqa: F401
    auth,
    bounces,
    bp,
    customers,
    embeds,
    events,
    invitations,
    openapi,
    privacy,
    referrals,
    reports,
    rescue,
    responses,
    surveys,
    themes,
    webhooks,
)
