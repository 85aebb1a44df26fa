"""The house rules for staff accounts, one row admins change on the staff page: for now whether
every staff member must sign in with a second factor."""

from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import StaffPolicy

POLICY_ID = 1


def staff_policy(session: Session) -> StaffPolicy | None:
    """The policy row, None while no admin has changed anything (everything off)."""
    return session.get(StaffPolicy, POLICY_ID)


def totp_required(session: Session) -> bool:
    """Whether every staff member must have a second factor (``set_totp_required``)."""
    policy = staff_policy(session)
    return bool(policy and policy.require_totp)


def set_totp_required(session: Session, required: bool) -> None:
    """Require a second factor of every staff member, or stop requiring it. Members without one
    are sent to set it up at their next request. Flushes; the caller commits."""
    policy = staff_policy(session)
    if policy is None:
        policy = StaffPolicy(id=POLICY_ID)
        session.add(policy)
    policy.require_totp = bool(required)
    policy.updated_at = clock.now()
    session.flush()
