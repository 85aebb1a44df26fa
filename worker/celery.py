"""Entry module for ``celery -A worker worker`` and ``celery -A worker beat``: builds the Flask
app (from the environment, like wsgi.py) and exposes its bound Celery app as ``celery``; the
worker imports the task modules itself (``include``, see ``worker.app.TASK_MODULES``)."""

from app import create_app
from config import config_from_env

flask_app = create_app(config_from_env())
celery = flask_app.extensions["celery"]
