from app.respond import bp  # noqa: F401
