"""Every model, importable from one place (Alembic and the services need them all loaded)."""

from surveys.models.base import Base, UTCDateTime
from surveys.models.brand import Brand
from surveys.models.catalog import KINDS, Survey
from surveys.models.customers import STAGES, Customer, StageChange
from surveys.models.embeds import (
    EMBED_MODES,
    REFUSAL_REASONS,
    TRIGGER_TYPES,
    EmbedRefusal,
    EmbedSecret,
    EmbedVisitor,
    SurveyEmbed,
)
from surveys.models.events import CHANNELS, FILTER_OPS, Event, TriggerRule
from surveys.models.imports import IMPORT_STATUSES, CustomerImport
from surveys.models.invitations import INVITATION_STATUSES, OPEN_STATUSES, Invitation
from surveys.models.outbox import OUTBOX_STATUSES, OutboxEmail
from surveys.models.privacy import Erasure
from surveys.models.reanalysis import REANALYSIS_STATUSES, ReanalysisRun
from surveys.models.referrals import Referral, ReferralProgramme
from surveys.models.replies import CustomerReply
from surveys.models.rescue import (
    OUTCOME_ALIASES,
    OUTCOMES,
    PRIORITIES,
    RESCUE_STATUSES,
    WINBACK_STATES,
    RescueNote,
    RescueTask,
    RescueTaskEvent,
)
from surveys.models.responses import IDENTITIES, Response, ResponseTheme
from surveys.models.rollups import AnswerRollup, DeliveryRollup, RollupCell, ThemeRollup
from surveys.models.segments import SegmentAttribute
from surveys.models.staff import ROLES, ApiKey, StaffSession, StaffUser, WeeklyDigest
from surveys.models.staff_security import (
    PasswordResetToken,
    RecoveryCode,
    StaffPolicy,
    StaffTotp,
)
from surveys.models.themes import DismissedThemeTerm, Theme
from surveys.models.webhooks import (
    DELIVERY_STATUSES,
    WEBHOOK_KINDS,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "DELIVERY_STATUSES",
    "WEBHOOK_KINDS",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "CHANNELS",
    "EMBED_MODES",
    "IDENTITIES",
    "REFUSAL_REASONS",
    "TRIGGER_TYPES",
    "FILTER_OPS",
    "IMPORT_STATUSES",
    "INVITATION_STATUSES",
    "KINDS",
    "OPEN_STATUSES",
    "OUTBOX_STATUSES",
    "OUTCOME_ALIASES",
    "OUTCOMES",
    "REANALYSIS_STATUSES",
    "PRIORITIES",
    "RESCUE_STATUSES",
    "ROLES",
    "STAGES",
    "WINBACK_STATES",
    "AnswerRollup",
    "ApiKey",
    "Base",
    "Brand",
    "Customer",
    "CustomerImport",
    "CustomerReply",
    "DeliveryRollup",
    "DismissedThemeTerm",
    "EmbedRefusal",
    "EmbedSecret",
    "EmbedVisitor",
    "Erasure",
    "Event",
    "Invitation",
    "OutboxEmail",
    "PasswordResetToken",
    "ReanalysisRun",
    "RecoveryCode",
    "Referral",
    "ReferralProgramme",
    "RescueNote",
    "RescueTask",
    "RescueTaskEvent",
    "Response",
    "RollupCell",
    "ResponseTheme",
    "SegmentAttribute",
    "StageChange",
    "SurveyEmbed",
    "StaffPolicy",
    "StaffSession",
    "StaffTotp",
    "StaffUser",
    "Survey",
    "Theme",
    "ThemeRollup",
    "WeeklyDigest",
    "TriggerRule",
    "UTCDateTime",
]
