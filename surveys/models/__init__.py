"""Every model, importable from one place (Alembic and the services need them all loaded)."""

from surveys.models.base import Base, UTCDateTime
from surveys.models.catalog import KINDS, Survey
from surveys.models.customers import LOCALES, STAGES, Customer
from surveys.models.invitations import INVITATION_STATUSES, Invitation
from surveys.models.outbox import OUTBOX_STATUSES, OutboxEmail
from surveys.models.referrals import Referral, ReferralProgramme
from surveys.models.rescue import PRIORITIES, RESCUE_STATUSES, RescueTask
from surveys.models.responses import Response, ResponseTheme
from surveys.models.staff import ROLES, ApiKey, StaffUser

__all__ = [
    "INVITATION_STATUSES",
    "KINDS",
    "LOCALES",
    "OUTBOX_STATUSES",
    "PRIORITIES",
    "RESCUE_STATUSES",
    "ROLES",
    "STAGES",
    "ApiKey",
    "Base",
    "Customer",
    "Invitation",
    "OutboxEmail",
    "Referral",
    "ReferralProgramme",
    "RescueTask",
    "Response",
    "ResponseTheme",
    "StaffUser",
    "Survey",
    "UTCDateTime",
]
