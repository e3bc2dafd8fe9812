"""Subject access gathers every other owner's part, every page of it, over a fake of the `Read`
port; an owner that does not answer is named, never left out."""

from typing import Any

import pytest

from shared.privacy.subject_access import OwnerDown, Owners, PartMissing, held_elsewhere

OWNERS = Owners(projections_url="http://projections", notifier_url="http://n")


class FakeOwners:
    def __init__(self, answers: dict[tuple[str, str, str | None], Any], down: str = "") -> None:
        self.answers = answers
        self.down = down
        self.asked: list[tuple[str, str, dict[str, Any]]] = []

    async def __call__(self, base: str, path: str, params: dict[str, Any]) -> Any:
        self.asked.append((base, path, params))
        if base == self.down:
            raise OwnerDown(f"{base} did not answer")
        return self.answers.get((base, path, params.get("cursor")))


async def test_every_part_and_every_page_is_gathered() -> None:
    api = FakeOwners(
        {
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
    held = await held_elsewhere(api, OWNERS, "c1")
    assert held.view == {"segments": ["vip"]}
    assert [e["id"] for e in held.timeline] == ["e2", "e1"]
    assert held.segment_memberships == ["vip"]
    assert held.notifications == [{"id": "n1"}]
    assert held.accesses == [{"id": "a1"}]
    asked = {(path, str(params.get("complete"))) for _, path, params in api.asked}
    assert ("/v1/notifications", "True") in asked  # every notification, not the newest 200
    assert ("http://projections", "/v1/audit", {"customer_id": "c1", "limit": 500}) in api.asked


async def test_a_person_the_other_owners_never_saw_has_empty_parts() -> None:
    held = await held_elsewhere(FakeOwners({}), OWNERS, "c1")
    assert (held.view, held.timeline, held.notifications, held.accesses) == (None, [], [], [])
    assert held.segment_memberships == []


@pytest.mark.parametrize(
    ("down", "part"), [("http://projections", "view"), ("http://n", "notifications")]
)
async def test_an_owner_that_does_not_answer_is_named_as_the_missing_part(
    down: str, part: str
) -> None:
    with pytest.raises(PartMissing) as missing:
        await held_elsewhere(FakeOwners({}, down=down), OWNERS, "c1")
    assert missing.value.part == part
    assert down in missing.value.reason
