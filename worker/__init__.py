"""Kaiku's Celery side: the app binding (``worker.app``), the after-commit hook that sends tasks
by name (``worker.aftercommit``), the thin tasks (``worker.tasks`` and the other ``*_tasks``)
and the entry module ``worker.celery`` that ``celery -A worker worker|beat`` finds by itself.

Nothing is created at import; the web app imports no task module (it sends tasks by name).
"""
