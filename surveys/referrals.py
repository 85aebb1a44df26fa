"""Referral programmes and promoters' tracked links."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys.db import insert_ignore
from surveys.errors import NotFoundError, ValidationError
from surveys.models import Referral, ReferralProgramme, Response
from surveys.settings import Settings
from surveys.tokens import new_code


def validate_landing_url(url: str) -> str:
    """An absolute http(s) URL: the only place a referral link may lead.

    :raises ValidationError: anything else (javascript:, relative, no host).
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            "The landing URL must be an absolute http(s) address.",
            fields={"landing_url": "must be http(s)://host/..."},
        )
    return urlunsplit(parts)


def create_programme(
    session: Session, name: str, landing_url: str, reward: str | None = None, active: bool = True
) -> ReferralProgramme:
    """Add a programme; flushes. :raises ValidationError: empty name or bad landing URL."""
    if not (name or "").strip():
        raise ValidationError("A programme needs a name.", fields={"name": "required"})
    programme = ReferralProgramme(
        name=name.strip(), landing_url=validate_landing_url(landing_url), reward=reward,
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


def invite_promoter(session: Session, response: Response) -> Referral | None:
    """The promoter's referral for this answer, created unless it exists; None with no programme.

    Idempotent behind the unique response id; a clash of random codes is retried.
    """
    existing = session.scalars(select(Referral).where(Referral.response_id == response.id)).first()
    if existing is not None:
        return existing
    programme = active_programme(session)
    if programme is None:
        return None
    for _ in range(5):
        try:
            with session.begin_nested():
                insert_ignore(
                    session,
                    Referral,
                    {
                        "programme_id": programme.id,
                        "customer_id": response.customer_id,
                        "response_id": response.id,
                        "code": new_code(),
                    },
                    conflict=["response_id"],
                )
            break
        except IntegrityError:  # the random code was taken: draw another
            continue
    return session.scalars(select(Referral).where(Referral.response_id == response.id)).one()


def referral_url(settings: Settings, referral: Referral) -> str:
    return f"{settings.base_url}/r/{referral.code}"


def follow_referral(session: Session, code: str) -> str:
    """Count a click on ``code`` and return where to send the visitor: the programme's landing
    URL with ``ref=<code>``, never anywhere else. Does not commit.

    :raises NotFoundError: unknown code.
    """
    referral = session.scalars(select(Referral).where(Referral.code == code[:32])).first()
    if referral is None:
        raise NotFoundError("This referral link is not valid.")
    session.execute(
        update(Referral).where(Referral.id == referral.id).values(clicks=Referral.clicks + 1)
    )
    parts = urlsplit(referral.programme.landing_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    query.append(("ref", referral.code))
    return urlunsplit(parts._replace(query=urlencode(query)))
