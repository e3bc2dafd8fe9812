"""The console's edits of a contact, and a supervisor's merges of possible duplicates, passed
on to the contacts service from the same origin as the signed-in agent (their token, their
`If-Match`); answers come back as they are, so a stale version stays a 412 that the page shows
as "changed by someone else"."""

from typing import Annotated
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.projections.entrypoints.console import same_site_json
from shared.events.text import SafeText
from shared.http.problems import Problem

router = APIRouter(prefix="/console/api", tags=["console"])
CustomerId = Annotated[SafeText, Path(min_length=1, max_length=64)]
PASSED_ON = ("authorization", "if-match", "content-type")
RETURNED = ("content-type", "etag")


@router.get("/contacts/{customer_id}", summary="The contact as the contacts service has it (ETag)")
async def contact(customer_id: CustomerId, request: Request) -> Response:
    return await pass_on(request, "GET", f"/v1/contacts/{quote(customer_id, safe='')}")


@router.patch(
    "/contacts/{customer_id}",
    summary="Change contact details (If-Match)",
    dependencies=[Depends(same_site_json)],
)
async def edit_contact(customer_id: CustomerId, request: Request) -> Response:
    return await pass_on(request, "PATCH", f"/v1/contacts/{quote(customer_id, safe='')}")


@router.put(
    "/contacts/{customer_id}/consent",
    summary="Grant or withdraw one channel's consent (If-Match)",
    dependencies=[Depends(same_site_json)],
)
async def edit_consent(customer_id: CustomerId, request: Request) -> Response:
    path = f"/v1/contacts/{quote(customer_id, safe='')}/consent"
    return await pass_on(request, "PUT", path)


@router.get("/duplicates", summary="Possible duplicates of a customer (supervisors)")
async def duplicates(
    request: Request, customer_id: Annotated[SafeText, Query(max_length=64)]
) -> Response:
    return await pass_on(request, "GET", "/v1/duplicates", {"customer_id": customer_id})


@router.post(
    "/contacts/merge",
    summary="Merge a possible duplicate into a customer (supervisors)",
    dependencies=[Depends(same_site_json)],
)
async def merge(request: Request) -> Response:
    return await pass_on(request, "POST", "/v1/contacts/merge")


async def pass_on(
    request: Request, method: str, path: str, params: dict[str, str] | None = None
) -> Response:
    contacts: httpx.AsyncClient = request.app.state.contacts
    # stripped: a value with trailing blanks (`Bearer `) is refused by the HTTP client itself
    headers = {k: request.headers[k].strip() for k in PASSED_ON if k in request.headers}
    body = await request.body()
    try:
        answer = await contacts.request(method, path, content=body, headers=headers, params=params)
    except httpx.HTTPError as exc:
        raise Problem(503, "the contacts service is unavailable", reason=str(exc)) from exc
    kept = {k: v for k, v in answer.headers.items() if k.lower() in RETURNED}
    return Response(answer.content, status_code=answer.status_code, headers=kept)
