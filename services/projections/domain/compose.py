"""Merges at read time: the survivor's state combined with the states of the customers merged
into it. Unmerging drops a member; nothing was ever moved, so nothing has to be moved back."""

from collections.abc import Sequence
from functools import reduce
from typing import Any

from services.projections.domain import complaints
from services.projections.domain.state import (
    RECENT_INTERACTIONS,
    CustomerState,
    Kpis,
    Spend,
    earlier,
    later,
    latest_survey,
)
from shared.events.customer import Profile


def add_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in sorted(a.keys() | b.keys())}


def combine_kpis(a: Kpis, b: Kpis) -> Kpis:
    spend = {
        cur: Spend(
            orders=a.spend.get(cur, Spend()).orders + b.spend.get(cur, Spend()).orders,
            total_minor=a.spend.get(cur, Spend()).total_minor
            + b.spend.get(cur, Spend()).total_minor,
        )
        for cur in sorted(a.spend.keys() | b.spend.keys())
    }
    return Kpis(
        interaction_count=a.interaction_count + b.interaction_count,
        by_channel=add_counts(a.by_channel, b.by_channel),
        by_type=add_counts(a.by_type, b.by_type),
        spend=spend,
        refunds=add_counts(a.refunds, b.refunds),
        first_purchase_at=earlier(a.first_purchase_at, b.first_purchase_at),
        last_purchase_at=later(a.last_purchase_at, b.last_purchase_at),
        last_contact_at=later(a.last_contact_at, b.last_contact_at),
        complaints_total=a.complaints_total + b.complaints_total,
        csat_sum=a.csat_sum + b.csat_sum,
        csat_count=a.csat_count + b.csat_count,
        last_nps=latest_survey(a.last_nps, b.last_nps),
        last_survey=latest_survey(a.last_survey, b.last_survey),
        notifications=add_counts(a.notifications, b.notifications),
    )


def combine_profiles(survivor: Profile, merged: Profile) -> Profile:
    """The survivor's fields win; it gains the merged customer's identifiers and whatever it
    does not know itself; consent per channel is the latest statement."""
    filled: dict[str, Any] = {
        name: getattr(merged, name)
        for name in ("name", "birthday", "language", "timezone", "address", "preferred_channel")
        if getattr(survivor, name) is None
    }
    external = {**merged.external_ids, **survivor.external_ids}
    consent = dict(merged.consent)
    for channel, given in survivor.consent.items():
        if channel not in consent or given.at >= consent[channel].at:
            consent[channel] = given
    return survivor.model_copy(
        update={
            **filled,
            "emails": tuple(dict.fromkeys((*survivor.emails, *merged.emails))),
            "phones": tuple(dict.fromkeys((*survivor.phones, *merged.phones))),
            "tags": tuple(dict.fromkeys((*survivor.tags, *merged.tags))),
            "external_ids": external,
            "consent": consent,
        }
    )


def combine(survivor: CustomerState, merged: CustomerState) -> CustomerState:
    by_id = {c.complaint_id: c for c in survivor.complaints}
    for c in merged.complaints:
        by_id[c.complaint_id] = (
            complaints.combine(by_id[c.complaint_id], c) if c.complaint_id in by_id else c
        )
    recent = sorted((*survivor.recent, *merged.recent), key=lambda r: (r.time, r.id), reverse=True)
    return survivor.model_copy(
        update={
            "known": survivor.known or merged.known,
            "profile": combine_profiles(survivor.profile, merged.profile),
            "kpis": combine_kpis(survivor.kpis, merged.kpis),
            "complaints": tuple(by_id[k] for k in sorted(by_id)),
            "recent": tuple(recent[:RECENT_INTERACTIONS]),
            "analytics": survivor.analytics or merged.analytics,
            "version": survivor.version + merged.version,
            "created_at": earlier(survivor.created_at, merged.created_at),
            "updated_at": later(survivor.updated_at, merged.updated_at),
        }
    )


def compose(members: Sequence[CustomerState]) -> CustomerState:
    """`members[0]` is the survivor; the rest are merged into it (in any order)."""
    return reduce(combine, members[1:], members[0])
