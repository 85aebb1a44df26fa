"""``celery -A tests.integration.queue_worker worker``: Kaiku's worker (``worker.celery``) whose
tasks, and every task they enqueue, go to the queue named by ``KAIKU_TEST_QUEUE``, so a test's
own workers and a session-wide ``live_worker`` never take each other's messages."""

import os

from worker.celery import celery, flask_app  # noqa: F401  (the app ``celery -A`` finds)

celery.conf.task_default_queue = os.environ["KAIKU_TEST_QUEUE"]
# One message in hand per child: the dispatch runs spread over both workers instead of one
# worker reserving them all (this worker runs no batched task, which would need more).
celery.conf.worker_prefetch_multiplier = 1
