"""The erasure proof reaches values other people may share: a three-letter first name (Latin and
Persian), a birthday, every address field and a notification's subject. Before the erasure the
scan finds each of them where the system wrote them (so the check can fail); after it, nothing,
although another customer with the same first name, birthday and city stays intact."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.settings import Settings
from tests.e2e.privacy.test_erasure_is_proven import WAIT, cli_env, last, stack
from tests.e2e.privacy.test_erasure_reaches_every_copy import touchpoint
from tests.integration.interactions.log import eventually
from tests.integration.notifier.receivers import http, smtp
from tests.integration.ops.test_cli import c360

pytestmark = pytest.mark.e2e
__all__ = ["http", "smtp", "stack"]  # the running services, as fixtures
ALI = {
    "name": "Ali",
    "birthday": "1990-05-01",
    "address": {
        "line1": "7 Hafez Street",
        "line2": "1204",
        "city": "Shiraz",
        "region": "Fars",
        "postal_code": "7134845791",
        "country": "IR",
    },
    "phones": ["0912 333 4455"],
    "emails": ["ali.k.short@example.com"],
}
ALI_FA = {
    "name": "علی",
    "birthday": "1985-11-23",
    "address": {"line1": "خیابان فردوسی ۱۲", "city": "تبریز", "postal_code": "5135678901"},
    "phones": ["0912 333 6677"],
    "emails": ["ali.fa.short@example.com"],
}
# Another customer who shares the first name, the birthday and the city, and is not erased.
NAMESAKE = {
    "name": "Ali",
    "birthday": "1990-05-01",
    "address": {"city": "Shiraz", "country": "IR"},
    "emails": ["ali.namesake@example.com"],
}
SEARCHED_WHOLE = (
    "profile.name",
    "profile.birthday",
    "profile.address.city",
    "profile.address.country",
    "profile.address.line2",
    "notification.subject",
)


async def create(http: httpx.AsyncClient, stack: dict[str, str], body: dict[str, Any]) -> str:
    contacts = stack["contacts"]
    created = await http.post(f"{contacts}/v1/contacts", json=body)
    assert created.status_code == 201, created.text
    customer = str(created.json()["customer_id"])
    consent = {"channel": "email", "granted": True, "legal_basis": "consent"}
    answer = await http.put(f"{contacts}/v1/contacts/{customer}/consent", json=consent)
    assert answer.is_success, answer.text
    return customer


async def complain(
    http: httpx.AsyncClient, stack: dict[str, str], customer: str, phone: str
) -> None:
    """A complaint, folded into the view, acknowledged by a notification with a subject."""
    complaint = {
        "complaint_id": f"K-{phone[-4:]}",
        "severity": "low",
        "subject": f"parcel {phone[-4:]} arrived late",  # free text: searched anywhere
    }
    sent = await http.post(
        f"{stack['interactions']}/v1/events", json=touchpoint("complaint.opened", phone, complaint)
    )
    assert sent.status_code == 202, sent.text
    view = await http.get(
        f"{stack['projections']}/v1/customers/{customer}?min_position={last(sent)}&{WAIT}"
    )
    assert view.status_code == 200, view.text

    async def acknowledged() -> list[Any]:
        listed = await http.get(
            f"{stack['notifier']}/v1/notifications", params={"customer_id": customer}
        )
        return [n for n in listed.json()["items"] if n["rule"] == "complaint-ack"]

    await eventually(acknowledged, f"the complaint acknowledgement to {customer}")


def found_kinds(output: str) -> set[str]:
    """The fields of the values reported FOUND (labels such as `profile.name#3 bson-string`)."""
    found = [line for line in output.splitlines() if line.startswith("FOUND")]
    return set(re.findall(r"'([\w.]+)#\d+ [\w-]+'", "\n".join(found)))


async def test_shared_values_are_found_before_the_erasure_and_nowhere_after(
    stack: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(stack)
    async with httpx.AsyncClient(timeout=60) as http:
        ali = await create(http, stack, ALI)
        ali_fa = await create(http, stack, ALI_FA)
        await create(http, stack, NAMESAKE)
        await complain(http, stack, ali, "+989123334455")
        await complain(http, stack, ali_fa, "+989123336677")

    exports = {}
    for customer in (ali, ali_fa):
        code, exported = await c360(settings, "export", customer, **env)
        assert code == 0, exported
        exports[customer] = tmp_path / f"{customer}.json"
        exports[customer].write_text(exported)

    for customer in (ali, ali_fa):  # the negative control: before the erasure, each is found
        code, output = await c360(
            settings, "verify-erasure", customer, "--from-export", str(exports[customer])
        )
        assert code == 1, output
        expected = {k for k in SEARCHED_WHOLE if customer == ali or "line2" not in k}
        expected -= {"profile.address.country"} if customer == ali_fa else set()
        assert found_kinds(output) >= expected, output
        assert f"searched whole, in {customer}'s own records only: " in output
        day = re.compile(r"FOUND \S+\.notifier_birthdays \(its _id holds the value\): .*birthday")
        assert day.search(output), output  # the notifier files birthdays by day

    code, output = await c360(
        settings, "erase", "--customer", ali, "--reason", "art. 17", "--verify", **env
    )
    assert code == 0, output
    assert "found nothing" in output
    print("FIGURES", *[line for line in output.splitlines() if line.startswith("scanned")])

    code, output = await c360(  # not erased yet: still found, the namesake's data aside
        settings, "verify-erasure", ali_fa, "--from-export", str(exports[ali_fa])
    )
    assert code == 1, output
    assert found_kinds(output) >= {"profile.name", "profile.birthday", "profile.address.city"}

    code, output = await c360(
        settings, "erase", "--customer", ali_fa, "--reason", "art. 17", "--verify", **env
    )
    assert code == 0, output
    assert "found nothing" in output
