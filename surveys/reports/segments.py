"""Which customer attributes the dashboard slices by: the segments an admin marks.

A slice ``attribute:<name>`` is accepted only for a segment, so the picker, the page and the
API offer the same short list, not every key an import ever wrote. The rollups keep a slice
per segment; changing the segments marks every cell for a recount (reports read the raw rows
of a cell until it is recounted, so the new slice is right at once).
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surveys.kernel.errors import ValidationError
from surveys.models import SegmentAttribute
from surveys.models.rollups import mark_all_stale

MAX_NAME_LENGTH = 64
MAX_SEGMENTS = 20


def segment_names(session: Session) -> list[str]:
    """The segment attributes, alphabetically."""
    return list(session.scalars(select(SegmentAttribute.name).order_by(SegmentAttribute.name)))


def is_segment(session: Session, name: str) -> bool:
    return (
        session.scalar(select(SegmentAttribute.id).where(SegmentAttribute.name == name)) is not None
    )


def set_segments(session: Session, names: list[str]) -> list[str]:
    """Make ``names`` (stripped; blanks and repeats dropped) the segments; does not commit.

    :raises ValidationError: a name too long or with control characters, or too many names.
    """
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    for name in wanted:
        if len(name) > MAX_NAME_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise ValidationError(
                f"An attribute name has at most {MAX_NAME_LENGTH} characters and no control "
                "characters.",
                fields={"names": name[:MAX_NAME_LENGTH]},
            )
    if len(wanted) > MAX_SEGMENTS:
        raise ValidationError(
            f"At most {MAX_SEGMENTS} segments.", fields={"names": f"{len(wanted)} given"}
        )
    have = set(segment_names(session))
    session.execute(delete(SegmentAttribute).where(SegmentAttribute.name.not_in(wanted)))
    session.add_all(SegmentAttribute(name=name) for name in wanted if name not in have)
    session.flush()
    if set(wanted) != have:  # the rollups count every segment: recount them all
        mark_all_stale(session)
    return sorted(wanted)
