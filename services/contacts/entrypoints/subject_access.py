"""`GET /v1/contacts/{id}/export`: everything c360 holds on a person, in one document."""

from fastapi import APIRouter

from services.contacts.entrypoints.dependencies import ContactsDep, CustomerId, OwnersDep
from services.contacts.entrypoints.schemas import ContactPublic, SubjectAccessExport
from shared.events import EventType
from shared.events.customer import utc_now
from shared.http.problems import Problem
from shared.privacy.subject_access import PartMissing, held_elsewhere

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])
EXPORT_HISTORY_LIMIT = 100_000


@router.get(
    "/{customer_id}/export",
    responses={503: {"description": "an owner of part of the data did not answer"}},
)
async def export_contact(
    customer_id: CustomerId, contacts: ContactsDep, owners: OwnersDep
) -> SubjectAccessExport:
    """Subject access (GDPR art. 15 and 20): the profile, identifiers, consent history with legal
    basis, contact events, 360 view, whole timeline, segment memberships, notifications and who
    accessed the data. The other owners are read with the caller's token; if one does not answer,
    503 names the part missing (never a partial document). Audited."""
    state = await contacts.load(customer_id, follow=False)
    history = await contacts.history(customer_id, EXPORT_HISTORY_LIMIT)
    try:
        elsewhere = await held_elsewhere(owners.read, owners.where, customer_id)
    except PartMissing as exc:
        raise Problem(
            503,
            f"the export is not complete without its {exc.part}: try again later",
            errors=[{"field": exc.part, "reason": exc.reason}],
            headers={"Retry-After": "30"},
        ) from exc
    return SubjectAccessExport(
        customer_id=customer_id,
        exported_at=utc_now(),
        contact=ContactPublic.of(state),
        consent_history=[e for e in history if e["type"] == EventType.CONSENT_CHANGED.value],
        history=history,
        view=elsewhere.view,
        segment_memberships=elsewhere.segment_memberships,
        timeline=elsewhere.timeline,
        notifications=elsewhere.notifications,
        accesses=elsewhere.accesses,
    )
