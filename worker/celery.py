"""Entry module for ``celery -A worker worker`` and ``celery -A worker beat``: builds the Flask
app (from the environment, like wsgi.py) and exposes its bound Celery app as ``celery``."""

from app import create_app
from config import config_from_env

flask_app = create_app(config_from_env())
celery = flask_app.extensions["celery"]

import worker.tasks  # noqa: E402,F401  (registers the tasks with this app)
