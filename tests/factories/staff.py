"""Factories for the staff, role and security tests: signed-in clients and one row of each kind."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import CustomerImport, RescueTask, Response, StaffUser, TriggerRule
from surveys.staff.accounts import create_staff
from tests.factories import make_invitation, make_programme, make_survey

PASSWORD = "staff password 1"


def make_staff_user(session: Session, role: str, email: str | None = None, **fields) -> StaffUser:
    """A staff user through the real service, who signs in with ``PASSWORD``."""
    return create_staff(session, email or f"{role}@example.com", PASSWORD, role=role, **fields)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> FlaskClient:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def make_task(
    session: Session,
    settings: Settings,
    *,
    assignee: StaffUser | None = None,
    status: str = "open",
    score: int = 2,
) -> RescueTask:
    """A detractor's answer with a rescue task, written directly (no processing)."""
    new = make_invitation(session, settings)
    invitation = new.invitation
    response = Response(
        invitation_id=invitation.id,
        survey_id=invitation.survey_id,
        customer_id=invitation.customer_id,
        score=score,
        comment="Slow support",
    )
    session.add(response)
    session.flush()
    task = RescueTask(
        response_id=response.id,
        customer_id=response.customer_id,
        survey_id=response.survey_id,
        status=status,
        due_at=clock.now() + timedelta(hours=24),
        assignee_id=assignee.id if assignee else None,
    )
    session.add(task)
    session.flush()
    return task


# An id for a URL parameter no row names: role checks come before any look-up.
UNKNOWN_ID = 987654


@dataclass
class Rows:
    """Ids of one committed row of each kind, to fill a URL rule's parameters by their name."""

    ids: dict[str, int] = field(default_factory=dict)

    def url_for(self, rule: Rule) -> str:
        """``rule`` built with the ids its parameters name (UNKNOWN_ID / "x" for others)."""
        values: dict[str, object] = {}
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__
            is_number = converter in ("IntegerConverter", "NumberConverter")
            values[name] = self.ids.get(name, UNKNOWN_ID) if is_number else "x"
        return rule.build(values, append_unknown=False)[1]


def make_rows(session: Session, settings: Settings) -> Rows:
    """A staff user with a rescue task, a survey with a trigger rule, an import, a programme;
    committed."""
    agent = make_staff_user(session, "agent", email="owner@example.com")
    task = make_task(session, settings, assignee=agent)
    survey = make_survey(session)
    rule = TriggerRule(survey_id=survey.id, event_name="signed_up", delay_minutes=0, filters=[])
    upload = CustomerImport(
        filename="customers.csv", content="external_id,email\n", content_sha256="0" * 64
    )
    programme = make_programme(session)
    session.add_all([rule, upload])
    session.commit()
    return Rows(
        {
            "survey_id": survey.id,
            "rule_id": rule.id,
            "import_id": upload.id,
            "user_id": agent.id,
            "staff_id": agent.id,
            "task_id": task.id,
            "customer_id": task.customer_id,
            "response_id": task.response_id,
            "invitation_id": task.response.invitation_id,
            "programme_id": programme.id,
        }
    )
