from app.insights import bp  # noqa: F401
