"""The contact fold: pure, deterministic, and a merge is undone exactly by its unmerge."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.contacts.domain.changes import merge, set_consent, unmerge, update
from services.contacts.domain.commands import create, link
from services.contacts.domain.contact import ContactMissing, ContactState, apply
from shared.events import parse_event
from shared.events.contacts import ContactEvent, Identity, Origin
from shared.events.customer import Channel, Consent, Profile, ProfileChanges

subscriber = st.integers(min_value=0, max_value=999_999)
systems = st.sampled_from(["crm", "loyalty", "shop"])
# Names as the door lets them in: no control characters, no lone surrogates.
safe_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)


@st.composite
def profiles(draw: st.DrawFn, domain: str, digit: int = 1) -> Profile:
    """Identifiers unique to `domain`/`digit`: the index never lets two customers share one."""
    phones = draw(st.lists(subscriber, max_size=3, unique=True))
    emails = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3, unique=True))
    external = draw(st.dictionaries(systems, st.text("ABC123", min_size=1, max_size=4)))
    return Profile(
        name=draw(st.none() | safe_text.map(str.strip).filter(bool)),
        emails=tuple(f"{e}@{domain}.com" for e in emails),
        phones=tuple(f"+98912{digit}{p:06d}" for p in phones),
        external_ids={k: f"{domain}-{v}" for k, v in external.items()},
        tags=tuple(draw(st.lists(st.sampled_from(["vip", "new"]), max_size=2, unique=True))),
    )


def roundtrip(event: ContactEvent) -> ContactEvent:
    parsed = parse_event(event.to_json_dict())
    assert parsed.type.family == "contact"
    return parsed  # type: ignore[return-value]


def created(customer_id: str, profile: Profile) -> ContactState:
    return create(customer_id, Origin.API, profile).states[0]


@given(profiles("s", 1), profiles("m", 2))
def test_unmerge_restores_both_contacts_exactly(
    survivor_profile: Profile, merged_profile: Profile
) -> None:
    survivor, merged = created("c_s", survivor_profile), created("c_m", merged_profile)
    merging = merge(survivor, merged, "same person", "agent")
    s1, m1 = merging.states
    assert m1.merged_into == "c_s"
    assert {i.key for i in merged.identities()} == {k for k, _ in merging.index}
    for identity in merged.identities():
        if identity.kind in ("email", "phone"):
            assert identity in s1.identities()

    undoing = unmerge(s1, m1, "two people", "agent")
    s2, m2 = undoing.states
    same = {"version", "updated_at"}
    assert s2.model_dump(exclude=same) == survivor.model_dump(exclude=same)
    assert m2.model_dump(exclude=same) == merged.model_dump(exclude=same)
    assert dict(undoing.index) == {i.key: "c_m" for i in merged.identities()}


@given(profiles("x"), st.lists(st.sampled_from(list(Channel)), max_size=4))
def test_replaying_the_events_from_json_gives_the_same_state(
    profile: Profile, channels: list[Channel]
) -> None:
    at = datetime(2024, 1, 1, tzinfo=UTC)
    commits = [create("c_x", Origin.AUTO, profile)]
    state = commits[0].states[0]
    for channel in channels:
        commit = set_consent(state, channel, Consent(granted=True, legal_basis="consent", at=at))
        if commit is not None:
            commits.append(commit)
            state = commit.states[0]
    commit = link(state, Identity(kind="phone", value="+989120000000"))
    commits.append(commit)

    replayed: ContactState | None = None
    for c in commits:
        replayed = apply(replayed, roundtrip(c.event))
    assert replayed == commit.states[0]
    assert replayed.version == len(commits)


def test_update_emits_only_what_changes() -> None:
    state = created("c_u", Profile(name="Ali", language="fa"))
    assert update(state, ProfileChanges(name="Ali", language="fa")) is None
    commit = update(state, ProfileChanges(name="Ali Rezaei", language="fa"))
    assert commit is not None
    assert commit.event.data.changes.model_dump(exclude_none=True) == {"name": "Ali Rezaei"}  # type: ignore[union-attr]
    assert commit.states[0].profile.language == "fa"
    assert commit.states[0].version == 2


def test_events_cannot_apply_out_of_place() -> None:
    state = created("c_o", Profile())
    with pytest.raises(ContactMissing):
        apply(state, create("c_o", Origin.API, Profile()).event)
    with pytest.raises(ContactMissing):
        apply(None, link(state, Identity(kind="crm", value="1")).event)


def test_a_second_external_id_of_a_system_stays_out_of_the_survivors_profile() -> None:
    survivor = created("c_a", Profile(external_ids={"crm": "A"}))
    merged = created("c_b", Profile(external_ids={"crm": "B"}))
    s1, _ = merge(survivor, merged, "dup", None).states
    assert s1.profile.external_ids == {"crm": "A"}
