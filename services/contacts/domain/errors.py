"""Why a contact command is refused, in the domain's words (the API maps them to problems)."""

from dataclasses import dataclass


class ContactError(Exception):
    """Base of every refusal."""


@dataclass
class ContactNotFound(ContactError):
    customer_id: str


@dataclass
class ContactErasedError(ContactError):
    customer_id: str


@dataclass
class IdentifierTaken(ContactError):
    """The identifier belongs to another customer (`owner`)."""

    field: str
    key: str
    owner: str


@dataclass
class VersionMismatch(ContactError):
    expected: int
    actual: int


@dataclass
class RuleViolation(ContactError):
    """A well-formed command that contradicts the contact's state (409) or itself (422)."""

    field: str
    reason: str
    status: int = 409
