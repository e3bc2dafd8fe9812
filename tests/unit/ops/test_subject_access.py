"""`c360 export` gathers every owner's part, every page of it, over a fake of the API reader."""

from typing import Any

import pytest

from services.ops.subject_access import gather
from shared.settings import Settings

SETTINGS = Settings(
    contacts_url="http://contacts", projections_url="http://projections", notifier_url="http://n"
)


class FakeApi:
    def __init__(self, answers: dict[tuple[str, str, str | None], Any]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, base: str, path: str, params: dict[str, Any]) -> Any:
        self.asked.append((base, path, params))
        return self.answers.get((base, path, params.get("cursor")))


def test_every_part_and_every_page_is_gathered() -> None:
    contact = {"customer_id": "c1", "contact": {"name": "Sara"}, "held_elsewhere": {"x": "y"}}
    api = FakeApi(
        {
            ("http://contacts", "/v1/contacts/c1/export", None): contact,
            ("http://projections", "/v1/customers/c1", None): {"segments": ["vip"]},
            ("http://projections", "/v1/customers/c1/timeline", None): {
                "items": [{"id": "e2"}],
                "next_cursor": "k1",
            },
            ("http://projections", "/v1/customers/c1/timeline", "k1"): {
                "items": [{"id": "e1"}],
                "next_cursor": None,
            },
            ("http://n", "/v1/notifications", None): {"items": [{"id": "n1"}]},
            ("http://projections", "/v1/audit", None): {"items": [{"id": "a1"}]},
        }
    )
    held = gather(api, SETTINGS, "c1")
    assert held["contact"] == {"name": "Sara"}
    assert "held_elsewhere" not in held
    assert [e["id"] for e in held["timeline"]] == ["e2", "e1"]
    assert held["segment_memberships"] == ["vip"]
    assert held["notifications"] == [{"id": "n1"}]
    assert held["accesses"] == [{"id": "a1"}]
    asked = {(path, str(params.get("complete"))) for _, path, params in api.asked}
    assert ("/v1/notifications", "True") in asked  # every notification, not the newest 200
    assert ("http://projections", "/v1/audit", {"customer_id": "c1", "limit": 500}) in api.asked


def test_a_person_the_other_owners_never_saw_has_empty_parts() -> None:
    contact = {"customer_id": "c1", "contact": {"name": "Sara"}}
    held = gather(
        FakeApi({("http://contacts", "/v1/contacts/c1/export", None): contact}), SETTINGS, "c1"
    )
    assert (held["view"], held["timeline"], held["notifications"]) == (None, [], [])
    assert held["segment_memberships"] == []


def test_an_unknown_customer_is_refused() -> None:
    with pytest.raises(LookupError):
        gather(FakeApi({}), SETTINGS, "nobody")
