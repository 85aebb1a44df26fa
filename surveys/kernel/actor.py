"""Who acted: a person, an API key or Kaiku itself, as one value the domain checks roles on and
writes into history.

A kernel value, so every package may take one (customers' imports as much as rescue).
Views build it from the signed-in ``StaffUser`` or the calling ``ApiKey``; the worker's own
changes (escalation, win-back, automatic assignment) are ``SYSTEM``. ``label`` is what history
shows for the actor: the person's name (or email), "API key <name>", or "Kaiku".
"""

from dataclasses import dataclass
from typing import Literal, Protocol

from surveys.kernel.errors import ForbiddenError

ActorKind = Literal["staff", "api_key", "system"]


class _Person(Protocol):  # a StaffUser: the kernel sits below the models, so it names no model
    id: int
    role: str
    name: str | None
    email: str


class _Key(Protocol):  # an ApiKey
    id: int
    role: str
    name: str


# Roles that may change things; analysts (people or keys) only read.
CHANGING_ROLES = ("admin", "agent")


@dataclass(frozen=True)
class Actor:
    """One who acts; ``id`` is the staff user's or the API key's id (None for Kaiku)."""

    kind: ActorKind
    id: int | None
    role: str
    label: str

    @classmethod
    def of_staff(cls, user: _Person) -> "Actor":
        return cls("staff", user.id, user.role, user.name or user.email)

    @classmethod
    def of_api_key(cls, key: _Key) -> "Actor":
        return cls("api_key", key.id, key.role, f"API key {key.name}")

    @property
    def staff_id(self) -> int | None:
        """The staff user's id for a person, else None (for ``*_id`` columns to staff_users)."""
        return self.id if self.kind == "staff" else None

    @property
    def key_id(self) -> int | None:
        """The API key's id for a key, else None."""
        return self.id if self.kind == "api_key" else None

    @property
    def is_admin(self) -> bool:
        """Kaiku itself counts as an admin: its own changes are never refused for a role."""
        return self.kind == "system" or self.role == "admin"

    def require_changes(self, what: str) -> None:
        """:raises ForbiddenError: the actor may only read (an analyst, person or key)."""
        if self.kind != "system" and self.role not in CHANGING_ROLES:
            raise ForbiddenError(f"{self.label} has the {self.role} role and may not {what}.")


SYSTEM = Actor("system", None, "admin", "Kaiku")
