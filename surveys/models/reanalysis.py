"""Re-tagging runs: history re-analysed after a taxonomy or method change, batch by batch."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, column
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow

# running → done. A run is "running" from the moment it is started until its last batch.
REANALYSIS_STATUSES = ("running", "done")
# The partial unique index's condition; its migration spells the same status out.
RUNNING_WHERE = column("status") == "running"


class ReanalysisRun(Base):
    __tablename__ = "reanalysis_runs"
    __table_args__ = (
        # At most one running run, whoever starts one and however many race: a second insert
        # conflicts (surveys/answers/reanalysis.py returns the running one instead).
        Index(
            "uq_reanalysis_runs_running",
            "status",
            unique=True,
            postgresql_where=RUNNING_WHERE,
            sqlite_where=RUNNING_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    # The analysis version responses are brought to (method + taxonomy fingerprint).
    target_version: Mapped[str] = mapped_column(String(40))
    # True: every processed response, whatever its version (``flask reprocess --all``).
    all_responses: Mapped[bool] = mapped_column(default=False)
    batch_size: Mapped[int] = mapped_column(default=1000)
    # The responses of the run: ids up to ``last_id`` (the newest when it started; later ones
    # are tagged by the pipeline with the current version anyway) that were stale then.
    last_id: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # The cursor: every response with an id up to here has been looked at. A batch starts
    # after it, so a redelivered or restarted batch resumes where the last commit left off.
    cursor: Mapped[int] = mapped_column(default=0)
    # Responses looked at (the progress), and of those re-tagged (the others had changed
    # meanwhile and are left to the pipeline).
    done: Mapped[int] = mapped_column(default=0)
    retagged: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last batch's commit: a running run that has not moved for a while lost its message.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ReanalysisRun {self.id} {self.status} {self.done}/{self.total}>"
