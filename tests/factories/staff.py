"""Staff users made through the real service, who sign in with ``PASSWORD``, and signing in."""

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from surveys.models import StaffUser
from surveys.staff.accounts import create_staff, find_staff

PASSWORD = "correct horse battery"


def make_staff(
    session: Session, role: str = "agent", email: str | None = None, **fields
) -> StaffUser:
    """An active staff user who signs in with PASSWORD; flushes.

    The email defaults to ``<role>@example.com``, numbered when that one is taken, so a test
    may make several of a role. ``name`` goes to the service (none by default); other fields
    (``active=False``) are set on the row afterwards.
    """
    if email is None:
        email, n = f"{role}@example.com", 1
        while find_staff(session, email) is not None:
            n += 1
            email = f"{role}{n}@example.com"
    user = create_staff(session, email, PASSWORD, role=role, name=fields.pop("name", None))
    for name, value in fields.items():
        setattr(user, name, value)
    session.flush()
    return user


def sign_in(client: FlaskClient, user: StaffUser | str, password: str = PASSWORD) -> FlaskClient:
    """Sign ``client`` in as ``user`` (a staff user or an email); asserts the redirect."""
    email = user if isinstance(user, str) else user.email
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
