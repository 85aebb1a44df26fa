"""Kaiku's Celery side: the app binding (``worker.app``), the thin tasks (``worker.tasks``) and
the entry module ``worker.celery`` that ``celery -A worker worker|beat`` finds by itself.

Nothing is created at import, so views can import tasks without building a second app.
"""
