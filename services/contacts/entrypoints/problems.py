"""Domain refusals as RFC 9457 problems: each names the field and the reason."""

from aiokafka.errors import KafkaError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError

from services.contacts.adapters.outbox import Fenced
from services.contacts.domain.errors import (
    ContactErasedError,
    ContactError,
    ContactNotFound,
    IdentifierTaken,
    RuleViolation,
    VersionMismatch,
)
from services.contacts.service_layer.ports import Conflict
from shared.http.problems import problem_response
from shared.identity.normalise import InvalidIdentifier


def contact_problem(exc: ContactError) -> JSONResponse:
    if isinstance(exc, ContactNotFound):
        return problem_response(404, f"no customer or identifier {exc.customer_id!r}")
    if isinstance(exc, ContactErasedError):
        return problem_response(410, f"customer {exc.customer_id} was erased")
    if isinstance(exc, IdentifierTaken):
        reason = f"{exc.key} already belongs to customer {exc.owner}"
        errors = [{"field": exc.field, "reason": reason}]
        return problem_response(409, reason, errors, owner_id=exc.owner)
    if isinstance(exc, VersionMismatch):
        detail = f"the contact is at version {exc.actual}, not {exc.expected} (If-Match)"
        return problem_response(412, detail, current_version=exc.actual)
    assert isinstance(exc, RuleViolation)
    return problem_response(exc.status, exc.reason, [{"field": exc.field, "reason": exc.reason}])


def install_contact_problems(app: FastAPI) -> None:
    async def on_contact_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ContactError)
        return contact_problem(exc)

    async def on_invalid_identifier(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidIdentifier)
        errors = [{"field": exc.field, "reason": exc.reason}]
        return problem_response(422, "an identifier is invalid", errors)

    async def on_conflict(_: Request, exc: Exception) -> JSONResponse:
        return problem_response(409, f"changed concurrently, please retry: {exc}")

    async def on_unavailable(_: Request, exc: Exception) -> JSONResponse:
        detail = f"a dependency is unavailable ({type(exc).__name__}); a committed change is "
        detail += "published once it is back"
        return problem_response(503, detail)

    app.add_exception_handler(ContactError, on_contact_error)
    app.add_exception_handler(InvalidIdentifier, on_invalid_identifier)
    app.add_exception_handler(Conflict, on_conflict)
    for unavailable in (Fenced, KafkaError, PyMongoError):
        app.add_exception_handler(unavailable, on_unavailable)
