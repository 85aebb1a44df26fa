"""Emails about rescue tasks: the follow-up to the customer, and the staff notices (a new urgent
task for its assignee, the overdue list for admins).

Rendered with the same Jinja environment as the invitation (HTML autoescaped, undefined
variables are errors) and added to the outbox with ``rescue_task_id``, each with its own
``deliver_email`` registered for after the caller's commit. The customer's follow-up is in their
language (greeting and footer, from the catalogs; the body is the agent's own words); staff
emails are in English.
"""

import re
from collections.abc import Sequence
from email.headerregistry import Address
from email.utils import formataddr

from sqlalchemy.orm import Session

from surveys.brand import BrandView, brand_for, from_header
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import DEFAULT_LANGUAGE, served_language
from surveys.kernel.settings import Settings
from surveys.mail.outbox import deliver_after_commit
from surveys.mail.render import email_env, greeting, new_message_id, valid_address
from surveys.models import Customer, OutboxEmail, RescueTask, StaffUser

# Escalation emails list at most this many tasks; the rest is a count and a link to the queue.
ESCALATION_LIST_LIMIT = 50


def task_url(settings: Settings, task_id: int) -> str:
    """The task's page in the staff's rescue queue."""
    return f"{settings.base_url}/rescue/{task_id}"


def queue_follow_up_email(
    session: Session,
    task: RescueTask,
    *,
    sender: StaffUser,
    subject: str,
    body: str,
    settings: Settings,
) -> OutboxEmail:
    """The agent's follow-up to the task's customer, into the outbox; Reply-To is the agent.
    It comes from the brand's sender of the answer's survey and shows its logo and footer.

    ``subject`` and ``body`` must be checked already (one line; non-empty). Flushes.

    :raises ValidationError: the customer's address cannot be mailed.
    """
    return queue_personal_email(
        session,
        task.customer,
        kind="follow_up",
        task_id=task.id,
        survey_id=task.response.survey_id,
        sender=sender,
        subject=subject,
        body=body,
        settings=settings,
    )


def queue_personal_email(
    session: Session,
    customer: Customer,
    *,
    kind: str,
    task_id: int | None,
    survey_id: int | None,
    sender: StaffUser,
    subject: str,
    body: str,
    settings: Settings,
) -> OutboxEmail:
    """A staff member's own words to ``customer`` (a follow-up, or a reply outside any task) in
    the follow-up email, into the outbox; Reply-To is the sender. It wears the brand of survey
    ``survey_id`` (the house's with None). Flushes.

    The email opens with ``follow_up_greeting`` unless ``body`` already opens with a greeting of
    its own (``opens_with_greeting``): one greeting, whoever wrote it.

    :raises ValidationError: the customer's address cannot be mailed.
    """
    to_address = valid_address(customer.email)
    lang = served_language(customer.locale)
    brand = brand_for(session, survey_id)
    own = opens_with_greeting(body, lang)
    context = {
        **brand.email_context(settings),
        "lang": lang,
        "greeting": None if own else follow_up_greeting(customer),
        "paragraphs": [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "sender_name": (sender.name or "").strip() or sender.email,
        "sender_email": sender.email,
    }
    return _add(
        session,
        kind=kind,
        task_id=task_id,
        to_address=to_address,
        subject=subject,
        template="rescue_follow_up",
        context=context,
        headers={"Reply-To": reply_to(sender)},
        settings=settings,
        language=lang,
        brand=brand,
    )


def follow_up_greeting(customer: Customer) -> str:
    """The line a follow-up opens with (``Hi Harry Davies,``) in the customer's language: the
    form shows it, so the agent need not write one."""
    return greeting(served_language(customer.locale), customer.name)


# Openings that make a message's first line its greeting, in every language Kaiku serves.
_GREETING_WORDS = re.compile(
    r"(hi|hello|hey|dear|good (morning|afternoon|evening)|hei|moi|terve|hyvä|"
    r"hej|hejsan|hallå|bästa|kära)\b",
    re.IGNORECASE,
)
# A greeting line is short and no sentence: "Hi Harry," yes, "Hi, I will call you." no.
_GREETING_MAX_WORDS = 4


def opens_with_greeting(body: str, language: str) -> bool:
    """Whether the message's first line is a greeting of its own ("Hi Harry,", "Hei Aino!").

    Also the word Kaiku's own greeting starts with in ``language`` (from the catalogs).
    """
    first = body.strip().split("\n", 1)[0].strip()
    if not first or len(first.split()) > _GREETING_MAX_WORDS or any(c in first for c in ".?"):
        return False
    own_word = greeting(language, None).rstrip(",").strip().lower()
    return bool(_GREETING_WORDS.match(first)) or first.lower().split()[0].rstrip(",!") == own_word


def queue_assigned_email(session: Session, task: RescueTask, settings: Settings) -> OutboxEmail:
    """Tell the task's assignee an urgent task is theirs. Flushes."""
    response = task.response
    context = {
        "task_id": task.id,
        "priority": task.priority,
        "due_at": task.due_at.strftime("%Y-%m-%d %H:%M UTC"),
        "customer": task.customer.name or task.customer.external_id,
        "score": response.score,
        "comment": response.comment or "",
        "survey": response.survey.name,
        "url": task_url(settings, task.id),
    }
    return _add(
        session,
        kind="task_assigned",
        task_id=task.id,
        to_address=task.assignee.email,
        subject=f"Urgent rescue task #{task.id} is yours: due {context['due_at']}",
        template="rescue_assigned",
        context=context,
        headers={},
        settings=settings,
    )


def queue_escalation_emails(
    session: Session,
    tasks: Sequence[RescueTask],
    admins: Sequence[StaffUser],
    settings: Settings,
) -> list[OutboxEmail]:
    """One email per admin listing the overdue ``tasks`` (at most ESCALATION_LIST_LIMIT). The
    rows carry ``rescue_task_id`` of the first task listed. Flushes."""
    listed = [
        {
            "id": task.id,
            "url": task_url(settings, task.id),
            "priority": task.priority,
            "due_at": task.due_at.strftime("%Y-%m-%d %H:%M UTC"),
            "customer": task.customer.name or task.customer.external_id,
            "assignee": task.assignee.email if task.assignee else "unassigned",
        }
        for task in tasks[:ESCALATION_LIST_LIMIT]
    ]
    context = {
        "tasks": listed,
        "more": max(0, len(tasks) - ESCALATION_LIST_LIMIT),
        "queue_url": f"{settings.base_url}/rescue/?overdue=y",
    }
    noun = "task is" if len(tasks) == 1 else "tasks are"
    return [
        _add(
            session,
            kind="escalation",
            task_id=tasks[0].id,
            to_address=admin.email,
            subject=f"{len(tasks)} rescue {noun} overdue",
            template="rescue_escalation",
            context=context,
            headers={},
            settings=settings,
        )
        for admin in admins
    ]


def reply_to(user: StaffUser) -> str:
    """``"Name" <email>`` of a staff user, for a Reply-To header."""
    address = Address(addr_spec=user.email)
    return formataddr(((user.name or "").strip(), address.addr_spec))


def _add(
    session: Session,
    *,
    kind: str,
    task_id: int | None,
    to_address: str,
    subject: str,
    template: str,
    context: dict,
    headers: dict[str, str],
    settings: Settings,
    language: str = DEFAULT_LANGUAGE,
    brand: BrandView | None = None,
) -> OutboxEmail:
    if "\n" in subject or "\r" in subject:
        raise ValidationError("The subject must be one line.", fields={"subject": "one line"})
    context = context | {"subject": subject}
    templates = email_env(language)  # staff emails: English
    outbox = OutboxEmail(
        kind=kind,
        rescue_task_id=task_id,
        to_address=to_address,
        # A customer's email comes from the brand's sender; staff notices from MAIL_FROM.
        from_address=from_header(brand, settings) if brand else settings.mail_from,
        subject=subject,
        text_body=templates.get_template(f"email/{template}.txt").render(context),
        html_body=templates.get_template(f"email/{template}.html").render(context),
        headers=headers,
        message_id=new_message_id(settings),
        status="queued",
    )
    session.add(outbox)
    session.flush()
    deliver_after_commit(session, [outbox.id])
    return outbox
