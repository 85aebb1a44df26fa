"""Composing the survey invitation email and putting it in the outbox.

The templates live in the repo's ``templates/email/``, rendered with ``surveys.mail.render.env``.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session, object_session

from surveys.brand import BrandView, brand_for, from_header
from surveys.catalog.scoring import SCALES
from surveys.delivery.invitations import NewInvitation, answer_url
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.kernel.languages import served_language, translations
from surveys.kernel.settings import Settings
from surveys.mail.outbox import deliver_after_commit
from surveys.mail.render import email_env, greeting, new_message_id, valid_address
from surveys.models import Invitation, OutboxEmail


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def unsubscribe_url(settings: Settings, token: str) -> str:
    """The one-click unsubscribe link (``/u/<token>``), also sent as ``List-Unsubscribe``."""
    return f"{settings.base_url}/u/{token}"


def render_invitation(
    invitation: Invitation,
    token: str,
    settings: Settings,
    *,
    reminder: bool = False,
    brand: BrandView | None = None,
) -> RenderedEmail:
    """Subject, plain text and HTML of the invitation, in the language the customer's locale is
    served in (surveys.kernel.languages), its words from that language's catalog.

    One link per score of the survey's scale, each ``answer_url(settings, token, score)``.
    With ``reminder``, the same email with the reminder's subject and opening words. ``brand``
    (surveys.brand) puts the company's name, logo and postal address in it; none: Kaiku's.
    """
    brand = brand or BrandView()
    customer, survey = invitation.customer, invitation.survey
    lang = served_language(customer.locale)
    _ = translations(lang).gettext
    if reminder:
        subject = _("Reminder: how did we do?")
        intro = _(
            "A quick reminder: we'd still love to hear how we're doing. It takes less than a "
            "minute: just pick a number below."
        )
    else:
        subject = _("Quick question: how did we do?")
        intro = _(
            "We'd love to hear how we're doing. It takes less than a minute: just pick a "
            "number below."
        )
    low_label, high_label = (_(end) for end in SCALES[survey.kind].ends)
    context = {
        "lang": lang,
        "subject": subject,
        "intro": intro,
        "greeting": greeting(lang, customer.name),
        "question": survey.question(lang),
        "links": [
            (score, answer_url(settings, token, score)) for score in SCALES[survey.kind].scores
        ],
        "low_label": low_label,
        "high_label": high_label,
        "unsubscribe_url": unsubscribe_url(settings, token),
        **brand.email_context(settings),
    }
    templates = email_env(lang)
    return RenderedEmail(
        subject=subject,
        text=templates.get_template("email/invitation.txt").render(context),
        html=templates.get_template("email/invitation.html").render(context),
    )


def queue_invitation_email(
    session: Session, new_invitation: NewInvitation, settings: Settings
) -> OutboxEmail:
    """Render the invitation email and add it to the outbox; the invitation becomes "queued".

    The email must be composed now: its links carry the raw token, which exists only in
    ``new_invitation``. Flushes, does not commit; its delivery is registered for after the
    caller's commit.

    :raises ValidationError: the customer unsubscribed, or has no (valid) email address.
    :raises ConflictError: the invitation was already queued, sent, answered or expired.
    """
    invitation = new_invitation.invitation
    _check_can_email(invitation)
    if invitation.status not in ("pending", "scheduled"):
        raise ConflictError(
            f"This invitation is already {invitation.status}.", fields={"status": "not pending"}
        )
    outbox = outbox_email(invitation, new_invitation.token, settings)
    session.add(outbox)
    invitation.status = "queued"
    session.flush()
    deliver_after_commit(session, [outbox.id])
    return outbox


def _check_can_email(invitation: Invitation) -> None:
    if invitation.customer.unsubscribed:
        raise ValidationError(
            "This customer has unsubscribed from survey emails.",
            fields={"customer": "unsubscribed"},
        )
    valid_address(invitation.customer.email)


def outbox_email(
    invitation: Invitation,
    token: str,
    settings: Settings,
    *,
    kind: str = "invitation",
    brands: dict[int, BrandView] | None = None,
) -> OutboxEmail:
    """The outbox row (not yet added to a session) of the invitation or reminder email: the
    rendered message, the RFC 8058 unsubscribe headers, a fresh Message-ID. The dispatcher
    builds many and flushes them at once; the callers above check eligibility first.

    The survey's brand (surveys.brand) gives the From, the Reply-To and what the email shows;
    a caller building many passes ``brands``, a dict it keeps, to read each survey's once.

    :raises ValidationError: the customer's email address is missing or not valid.
    """
    to_address = valid_address(invitation.customer.email)
    brands = {} if brands is None else brands
    if invitation.survey_id not in brands:
        brands[invitation.survey_id] = brand_for(object_session(invitation), invitation.survey_id)
    brand = brands[invitation.survey_id]
    rendered = render_invitation(
        invitation, token, settings, reminder=kind == "reminder", brand=brand
    )
    headers = {
        # RFC 8058 one-click unsubscribe, which large mailbox providers expect.
        "List-Unsubscribe": f"<{unsubscribe_url(settings, token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if brand.reply_to:
        headers["Reply-To"] = brand.reply_to
    outbox = OutboxEmail(
        kind=kind,
        invitation_id=invitation.id,
        to_address=to_address,
        from_address=from_header(brand, settings),
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        headers=headers,
        message_id=new_message_id(settings),
        status="queued",
    )
    return outbox
