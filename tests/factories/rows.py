"""One committed row of each kind, to fill a URL rule's parameters by name (the role tests)."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from surveys.kernel.settings import Settings
from surveys.models import CustomerImport, TriggerRule
from tests.factories.rescue import make_task_row
from tests.factories.staff import make_staff
from tests.factories.surveys import make_programme, make_survey

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
    agent = make_staff(session, "agent", email="owner@example.com")
    task = make_task_row(session, settings, assignee=agent)
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
