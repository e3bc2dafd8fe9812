"""The fold: `apply_event(state, event) -> (state, effects)`, pure and dispatched by event type.

Interactions change only `kpis`, `complaints` and `recent`; contact events only the profile and
merge bookkeeping; notifications only their counters; analytics scores only `analytics` (the
newest wins). So the order in which the topics are interleaved never changes the result, which
is what makes a rebuild equal to the live view.
"""

from datetime import datetime, timedelta

from services.projections.domain import complaints, kpis
from services.projections.domain.effects import (
    Effect,
    IdentityClaimed,
    IdentityReleased,
    LinkChanged,
    NameChanged,
    Stamp,
)
from services.projections.domain.state import (
    RECENT_INTERACTIONS,
    Analytics,
    Complaint,
    CustomerState,
    Recent,
    later,
)
from services.projections.domain.summaries import CHANNEL_OF, summary
from shared.events import INTERACTION_TYPES, NOTIFICATION_TYPES, Event
from shared.events.analytics import AnalyticsScored
from shared.events.contacts import (
    ConsentChanged,
    ContactCreated,
    ContactErased,
    ContactMerged,
    ContactUnmerged,
    ContactUpdated,
    IdentityLinked,
)
from shared.events.customer import Profile
from shared.events.interactions import InteractionEvent
from shared.identity.profiles import profile_identities, with_identities

# One event applied: the new state, and what other documents must learn from it.
StateAndEffects = tuple[CustomerState, list[Effect]]
DEFAULT_SLA = {
    "critical": timedelta(hours=4),
    "high": timedelta(hours=24),
    "medium": timedelta(hours=72),
    "low": timedelta(days=7),
}


def apply_event(state: CustomerState, event: Event) -> StateAndEffects:
    """The customer's state after `event`, and what other documents must learn from it."""
    effects: list[Effect] = []
    if event.type in INTERACTION_TYPES:
        state = apply_interaction(state, event)  # type: ignore[arg-type]
    elif isinstance(event, AnalyticsScored):
        state = apply_scores(state, event)
    elif event.type in NOTIFICATION_TYPES:
        counts = kpis.bump(state.kpis.notifications, event.type.short_name)
        notified = state.kpis.model_copy(update={"notifications": counts})
        state = state.model_copy(update={"kpis": notified})
    else:
        state, effects = apply_contact(state, event)
    return (
        state.model_copy(
            update={"version": state.version + 1, "updated_at": later(state.updated_at, event.time)}
        ),
        effects,
    )


def apply_scores(state: CustomerState, event: AnalyticsScored) -> CustomerState:
    """Keep the newest scores: a replay or a late record never brings older ones back."""
    d = event.data
    scores = Analytics(
        rfm=d.rfm, clv=d.clv, model_id=d.model_id, scored_at=d.scored_at, event_id=event.id
    )
    held = state.analytics
    if held is not None and (held.scored_at, held.event_id) >= (scores.scored_at, event.id):
        return state
    return state.model_copy(update={"analytics": scores})


def apply_interaction(state: CustomerState, event: InteractionEvent) -> CustomerState:
    short = event.type.short_name
    line = Recent(
        id=event.id,
        type=short,
        time=event.time,
        channel=CHANNEL_OF.get(short),
        agent_id=event.data.agent_id,
        summary=summary(event),
    )
    known = complaints.apply(state.complaints, event, DEFAULT_SLA)
    recent = sorted((*state.recent, line), key=lambda r: (r.time, r.id), reverse=True)
    if state.erased_at is not None and event.time <= state.erased_at:
        # It arrived after the erasure it predates: keep no words, as if it had come first.
        known, recent = forget_subjects(known, state.erased_at), list(state.recent)
    return state.model_copy(
        update={
            "kpis": kpis.count(state.kpis, event),
            "complaints": known,
            "recent": tuple(recent[:RECENT_INTERACTIONS]),
        }
    )


def forget_subjects(known: tuple[Complaint, ...], until: datetime) -> tuple[Complaint, ...]:
    """Erasure covers what happened up to it, whatever order the topics arrive in: subjects
    and the words of comments (who wrote them and when stays)."""
    return tuple(
        c.model_copy(
            update={
                "subject": None if c.opened_at is None or c.opened_at <= until else c.subject,
                "comments": tuple(
                    s.model_copy(update={"text": None}) if s.at <= until else s for s in c.comments
                ),
            }
        )
        for c in known
    )


def apply_contact(state: CustomerState, event: Event) -> StateAndEffects:
    stamp = Stamp(event.time, event.id)
    me = state.customer_id
    match event:
        case ContactCreated(data=d):
            keys = [i.key for i in profile_identities(d.profile)]
            created = state.model_copy(
                update={
                    "known": True,
                    "origin": d.origin.value,
                    "profile": d.profile,
                    "created_at": state.created_at or event.time,
                }
            )
            claims: list[Effect] = [IdentityClaimed(k, me, stamp) for k in keys]
            return created, [*claims, NameChanged(me, d.profile.name, stamp)]
        case ContactUpdated(data=d):
            profile = state.profile.model_copy(update=d.changes.model_dump(exclude_none=True))
            effects: list[Effect] = []
            if d.changes.name is not None:
                effects.append(NameChanged(me, d.changes.name, stamp))
            return state.model_copy(update={"profile": profile}), effects
        case IdentityLinked(data=d):
            profile = with_identities(state.profile, [d.identity])
            linked = state.model_copy(update={"profile": profile})
            return linked, [IdentityClaimed(d.identity.key, me, stamp)]
        case ContactMerged(data=d) if d.survivor_id == me:
            members = tuple(dict.fromkeys((*state.merged_from, d.merged_id)))
            merged = state.model_copy(update={"merged_from": members})
            return merged, [LinkChanged(d.merged_id, me, stamp)]
        case ContactUnmerged(data=d) if d.survivor_id == me:
            members = tuple(m for m in state.merged_from if m != d.merged_id)
            unmerged = state.model_copy(update={"merged_from": members})
            return unmerged, [LinkChanged(d.merged_id, None, stamp)]
        case ConsentChanged(data=d):
            consent = {**state.profile.consent, d.channel: d.consent}
            profile = state.profile.model_copy(update={"consent": consent})
            return state.model_copy(update={"profile": profile}), []
        case ContactErased():
            return erase(state, stamp)
    return state, []


def erase(state: CustomerState, stamp: Stamp) -> StateAndEffects:
    """Forget personal data; counters and complaint ids stay (they identify nobody). The
    timeline is scrubbed by the caller, which holds its buckets."""
    me = state.customer_id
    released: list[Effect] = [
        IdentityReleased(i.key, me, stamp) for i in profile_identities(state.profile)
    ]
    scrubbed = state.model_copy(
        update={
            "profile": Profile(),
            "erased_at": later(state.erased_at, stamp.at),
            "recent": tuple(r for r in state.recent if r.time > stamp.at),
            "complaints": forget_subjects(state.complaints, stamp.at),
        }
    )
    return scrubbed, [*released, NameChanged(me, None, stamp)]
