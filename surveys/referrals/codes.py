"""Referral programmes and promoters' tracked links."""

import ipaddress
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys.catalog.scoring import categorize
from surveys.customers.records import upsert_customer
from surveys.customers.stages import move_stage
from surveys.kernel.db import insert_for
from surveys.kernel.errors import KaikuError, NotFoundError, ValidationError
from surveys.kernel.settings import Settings
from surveys.kernel.tokens import new_code
from surveys.models import Referral, ReferralProgramme, Response
from surveys.referrals.rewards import clean_rewards
from surveys.webhooks import emit, emit_many

# A DNS label (RFC 1123) after IDNA encoding; the last one, the top-level domain, is not a number.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)


def validate_landing_url(url: str) -> str:
    """An absolute http(s) URL on a real host: the only place a referral link may lead.

    A real host is an IP address or a hostname with a dot; a user name or password before it
    (``http://kaiku.example@evil.example/``, which browsers follow to evil.example) is refused.

    :raises ValidationError: anything else (javascript:, relative, no host, userinfo, spaces or
        control characters), naming ``landing_url``.
    """
    url = (url or "").strip() if isinstance(url, str) else ""
    problem = _landing_url_problem(url)
    if problem:
        raise ValidationError(
            f"The landing URL must be an absolute http(s) address: it {problem}.",
            fields={"landing_url": problem},
        )
    return urlunsplit(urlsplit(url))


def _landing_url_problem(url: str) -> str | None:
    if not url.isprintable() or any(ch.isspace() for ch in url):
        return "has spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading it checks it: "http://host:x/" raises ValueError
    except ValueError:  # e.g. "http://[bad"
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be http(s)://host/..."
    if "@" in parts.netloc:
        return "must not have a user name or password"
    if not _real_host(parts.hostname or ""):
        return "must name a real host (a domain name with a dot, or an IP address)"
    return None


def _real_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        labels = host.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        return False
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(_HOST_LABEL.fullmatch(label) for label in labels)


def create_programme(
    session: Session,
    name: str,
    landing_url: str,
    reward: str | None = None,
    active: bool = True,
    rewards: dict[str, str] | None = None,
) -> ReferralProgramme:
    """Add a programme; flushes. ``rewards`` are its reward texts by language, ``reward`` the
    English one when ``rewards`` has none (surveys.referrals.rewards).

    :raises ValidationError: empty name, bad landing URL, or a reward text in an unknown
        language or empty.
    """
    if not (name or "").strip():
        raise ValidationError("A programme needs a name.", fields={"name": "required"})
    programme = ReferralProgramme(
        name=name.strip(),
        landing_url=validate_landing_url(landing_url),
        reward=reward,
        rewards=clean_rewards(rewards),
        active=active,
    )
    session.add(programme)
    session.flush()
    return programme


def active_programme(session: Session) -> ReferralProgramme | None:
    """The programme promoters are invited into now: the newest active one."""
    return session.scalars(
        select(ReferralProgramme)
        .where(ReferralProgramme.active.is_(True))
        .order_by(ReferralProgramme.id.desc())
        .limit(1)
    ).first()


def invite_promoters(session: Session, promoters: list[tuple[int, int]]) -> dict[int, int]:
    """Give each (response_id, customer_id) a referral code in the active programme, unless the
    response has one; returns {response_id: referral_id}, empty with no active programme.

    One statement for the batch, idempotent behind the unique response id. Codes are random
    (about 60 bits); should two ever clash, the batch is retried once with fresh codes.
    """
    if not promoters:
        return {}
    programme = active_programme(session)
    if programme is None:
        return {}
    asked = [response_id for response_id, _ in promoters]
    existing = set(
        session.scalars(select(Referral.response_id).where(Referral.response_id.in_(asked)))
    )
    stmt = insert_for(session, Referral).on_conflict_do_nothing(index_elements=["response_id"])
    for attempt in range(2):
        rows = [
            {"programme_id": programme.id, "customer_id": customer_id,
             "response_id": response_id, "code": new_code()}
            for response_id, customer_id in promoters
        ]  # fmt: skip
        try:
            with session.begin_nested():
                session.execute(stmt, rows)
            break
        except IntegrityError:
            if attempt:
                raise
    created = session.scalars(
        select(Referral)
        .where(Referral.response_id.in_(asked), Referral.response_id.not_in(existing))
        .order_by(Referral.id)
    ).all()
    emit_many(session, "referral.created", [referral_data(r) for r in created])
    return dict(
        session.execute(
            select(Referral.response_id, Referral.id).where(Referral.response_id.in_(asked))
        ).all()
    )


def referral_data(referral: Referral) -> dict[str, Any]:
    """A referral as the ``referral.*`` webhooks carry it."""
    return {
        "id": referral.id,
        "code": referral.code,
        "programme_id": referral.programme_id,
        "response_id": referral.response_id,
        "customer": referral.customer.external_id,
        "conversions": referral.conversions,
    }


# Set on a referred customer's attributes at their conversion: a customer is referred once, so
# a retried conversion call counts nothing twice (and trigger rules can filter on it).
REFERRED_BY = "referred_by"


def record_conversion(
    session: Session, code: str, customer: dict[str, Any]
) -> tuple[Referral, bool]:
    """The referred ``customer`` ({"external_id", ...fields}, upserted) signed up through
    ``code``: count the conversion and make the referrer an advocate. True if counted now.

    A customer already referred (attribute ``referred_by``) counts nothing again. Flushes; the
    caller commits.

    :raises NotFoundError: unknown code.
    :raises ValidationError: bad customer fields ("customer.email"), or a self-referral.
    """
    referral = session.scalars(select(Referral).where(Referral.code == code[:32])).first()
    if referral is None:
        raise NotFoundError("No referral with this code.")
    fields = dict(customer)
    external_id = fields.pop("external_id", None)
    try:
        referred = upsert_customer(session, external_id, **fields)
    except KaikuError as exc:
        exc.fields = {f"customer.{field}": reason for field, reason in exc.fields.items()}
        raise
    if referred.id == referral.customer_id:
        raise ValidationError(
            "A customer cannot convert their own referral.",
            fields={"customer.external_id": "is the referrer"},
        )
    if (referred.attributes or {}).get(REFERRED_BY):
        return referral, False
    referred.attributes = {**(referred.attributes or {}), REFERRED_BY: referral.code}
    session.execute(
        update(Referral)
        .where(Referral.id == referral.id)
        .values(conversions=Referral.conversions + 1)
    )
    move_stage(
        session,
        referral.customer,
        "advocate",
        cause="referral",
        detail=f"referred {referred.external_id} ({referral.code})",
    )
    session.flush()
    session.refresh(referral)
    emit(
        session, "referral.converted", referral_data(referral) | {"referred": referred.external_id}
    )
    return referral, True


def referral_url(settings: Settings, referral: Referral) -> str:
    return f"{settings.base_url}/r/{referral.code}"


def follow_referral(session: Session, code: str, *, count_click: bool = True) -> str:
    """Count a click on ``code`` and return where to send the visitor: the programme's landing
    URL with ``ref=<code>``, never anywhere else. Does not commit.

    :raises NotFoundError: unknown code.
    """
    referral = session.scalars(select(Referral).where(Referral.code == code[:32])).first()
    if referral is None:
        raise NotFoundError("This referral link is not valid.")
    if count_click:
        session.execute(
            update(Referral).where(Referral.id == referral.id).values(clicks=Referral.clicks + 1)
        )
    parts = urlsplit(referral.programme.landing_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    query.append(("ref", referral.code))
    return urlunsplit(parts._replace(query=urlencode(query)))


def referral_state(session: Session, response: Response) -> tuple[str, Referral | None]:
    """Whether a promoter's referral link is ``ready``, ``pending`` (processing) or ``none``.

    Only an NPS promoter ever gets one: a referral made for an earlier, higher score of a
    changed answer is not shown. The anonymous widget visitor never gets one (nobody to
    credit).
    """
    kind = response.survey.kind
    if kind != "nps" or categorize(kind, response.score) != "promoter":
        return "none", None
    if response.customer.anonymous:
        return "none", None
    referral = session.scalars(select(Referral).where(Referral.response_id == response.id)).first()
    if referral is not None:
        return "ready", referral
    if response.processed_at is None and active_programme(session) is not None:
        return "pending", None
    return "none", None
