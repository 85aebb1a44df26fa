"""Customer import task: runs a CSV import in batches, committing progress after each one."""

import logging

from celery import shared_task
from sqlalchemy.exc import OperationalError

from app.extensions import db
from surveys.customers import imports
from surveys.customers.imports import IMPORT_TASK
from surveys.kernel.errors import ConflictError, KaikuError, NotFoundError

log = logging.getLogger(__name__)


@shared_task(
    name=IMPORT_TASK,
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def import_customers(self, import_id: int) -> str:
    """Run import ``import_id`` to the end; returns its final status.

    Idempotent: a done (or failed) import is not run again, and a redelivered task resumes after
    the rows already committed. Each batch commits, so the admin page and the console see the
    progress. A lost database connection retries with backoff and resumes where it stopped.
    """
    try:
        customer_import = imports.get_import(db.session, import_id)
    except NotFoundError:
        log.warning("import %s does not exist; nothing to do", import_id)
        return "missing"
    if not imports.start(db.session, customer_import):
        db.session.rollback()
        return customer_import.status
    db.session.commit()
    try:
        for _ in imports.run_batches(db.session, customer_import):
            db.session.commit()
    except ConflictError:
        db.session.rollback()  # another run of the same import is ahead of this one
        log.info("import %s is being run by another worker", import_id)
        return "running"
    except OperationalError:
        db.session.rollback()
        raise
    except KaikuError as exc:  # the stored file no longer parses: nothing more can be done
        db.session.rollback()
        imports.fail(db.session, customer_import, exc.message)
        db.session.commit()
    return customer_import.status
