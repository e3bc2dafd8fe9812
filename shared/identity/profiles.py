"""A profile's identifiers as index entries, and profiles with identifiers added or removed.

Shared because both the contacts service (its write model) and the projections (the view's
identity keys) read identifiers out of `contact.*` event payloads the same way.
"""

from shared.events.contacts import Identity
from shared.events.customer import Profile
from shared.identity.normalise import EMAIL, PHONE


def profile_identities(profile: Profile) -> list[Identity]:
    found = [Identity(kind=EMAIL, value=e) for e in profile.emails]
    found += [Identity(kind=PHONE, value=p) for p in profile.phones]
    return found + [Identity(kind=k, value=v) for k, v in profile.external_ids.items()]


def with_identities(profile: Profile, identities: tuple[Identity, ...] | list[Identity]) -> Profile:
    """The profile with identifiers added (external ids replace the same system's value)."""
    emails, phones = list(profile.emails), list(profile.phones)
    external = dict(profile.external_ids)
    for identity in identities:
        if identity.kind == EMAIL and identity.value not in emails:
            emails.append(identity.value)
        elif identity.kind == PHONE and identity.value not in phones:
            phones.append(identity.value)
        elif identity.kind not in (EMAIL, PHONE):
            # One value per system in a profile; a second one (brought by a merge) stays in the
            # index only, so an unmerge never removes the survivor's own.
            external.setdefault(identity.kind, identity.value)
    return profile.model_copy(
        update={"emails": tuple(emails), "phones": tuple(phones), "external_ids": external}
    )


def without_identities(profile: Profile, identities: tuple[Identity, ...]) -> Profile:
    keys = {i.key for i in identities}
    keep = [i for i in profile_identities(profile) if i.key not in keys]
    bare = profile.model_copy(update={"emails": (), "phones": (), "external_ids": {}})
    return with_identities(bare, keep)
