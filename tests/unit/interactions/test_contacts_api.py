"""Identity resolution through the contacts service's batch endpoint: concurrent requests share
calls, a block is asked once, answers come back per request in order, failures reach every
request of the failed call and are never remembered."""

import asyncio
from typing import Any

import pytest

from services.interactions.adapters.contacts_api import RESOLVE_PATH, ContactsApi
from services.interactions.service_layer.ports import Unidentified
from shared.events.customer import CustomerRef


class ContactsService:
    """The batch resolve endpoint: a customer per phone, none for the phone "unknown"."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.down = False

    async def post_json(self, path: str, body: Any) -> Any:
        assert path == RESOLVE_PATH
        phones = [block["phone"] for block in body["customers"]]
        self.asked.append(phones)
        await asyncio.sleep(0.01)  # while this call is out, other requests queue up
        if self.down:
            raise ConnectionError("contacts down")
        return {"results": [_result(phone) for phone in phones]}

    async def get_json(self, path: str) -> Any:
        return {"status": "ok"}

    async def close(self) -> None:
        return None


def _result(phone: str) -> dict[str, Any]:
    if phone == "unknown":
        return {"error": {"field": "customer.phone", "reason": "not a phone number"}}
    return {"customer_id": f"c-{phone}"}


def ref(phone: str) -> CustomerRef:
    return CustomerRef(phone=phone)


async def test_concurrent_requests_share_one_call_and_each_gets_its_own_answers() -> None:
    contacts = ContactsService()
    api = ContactsApi(contacts, cache_ttl_s=60)
    first = asyncio.create_task(api.resolve([ref("1"), ref("2")]))
    await asyncio.sleep(0)  # the first call is out; the next three wait for it together
    answers = await asyncio.gather(
        first,
        api.resolve([ref("3")]),
        api.resolve([ref("2"), ref("4")]),
        api.resolve([ref("unknown")]),
    )
    assert list(answers) == [
        ["c-1", "c-2"],
        ["c-3"],
        ["c-2", "c-4"],
        [Unidentified("customer.phone", "not a phone number")],
    ]
    assert contacts.asked == [["1", "2"], ["3", "2", "4", "unknown"]]


async def test_a_block_named_twice_in_one_call_is_asked_once() -> None:
    contacts = ContactsService()
    api = ContactsApi(contacts, cache_ttl_s=60)
    blocker = asyncio.create_task(api.resolve([ref("0")]))
    await asyncio.sleep(0)
    answers = await asyncio.gather(api.resolve([ref("5")]), api.resolve([ref("5")]), blocker)
    assert [*answers] == [["c-5"], ["c-5"], ["c-0"]]
    assert contacts.asked == [["0"], ["5"]]


async def test_a_resolved_block_is_answered_from_memory_and_an_unknown_one_asked_again() -> None:
    contacts = ContactsService()
    api = ContactsApi(contacts, cache_ttl_s=60)
    await api.resolve([ref("1"), ref("unknown")])
    assert await api.resolve([ref("1"), ref("unknown")]) == [
        "c-1",
        Unidentified("customer.phone", "not a phone number"),
    ]
    assert contacts.asked == [["1", "unknown"], ["unknown"]]


async def test_a_failed_call_fails_every_request_in_it_and_nothing_is_remembered() -> None:
    contacts = ContactsService()
    api = ContactsApi(contacts, cache_ttl_s=60)
    contacts.down = True
    outcomes = await asyncio.gather(
        api.resolve([ref("1")]), api.resolve([ref("2")]), return_exceptions=True
    )
    assert all(isinstance(o, ConnectionError) for o in outcomes)
    contacts.down = False
    assert await api.resolve([ref("1")]) == ["c-1"]
    assert contacts.asked[-1] == ["1"]


@pytest.mark.parametrize("blocks", [999, 1001, 2500])
async def test_a_large_request_is_split_at_the_endpoints_limit(blocks: int) -> None:
    contacts = ContactsService()
    api = ContactsApi(contacts, cache_ttl_s=60)
    answers = await api.resolve([ref(str(n)) for n in range(blocks)])
    assert answers == [f"c-{n}" for n in range(blocks)]
    assert [len(call) for call in contacts.asked] == [
        min(1000, blocks - start) for start in range(0, blocks, 1000)
    ]
