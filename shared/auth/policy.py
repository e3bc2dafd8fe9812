"""Who may call what: every route of every c360 HTTP service, in one table.

A route missing from this table is refused to everyone (403) and fails
`tests/unit/auth/test_route_policy.py`, so a new endpoint cannot ship open. `admin` is named
where it is allowed, like every other role: nothing is implied.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from shared.auth.roles import Role

AGENT, SUPERVISOR, ANALYST, PRIVACY, OPS, ADAPTER, SERVICE, ADMIN = (
    Role.AGENT,
    Role.SUPERVISOR,
    Role.ANALYST,
    Role.PRIVACY_OFFICER,
    Role.OPS,
    Role.ADAPTER,
    Role.SERVICE,
    Role.ADMIN,
)


@dataclass(frozen=True)
class Rule:
    """The roles allowed on a route, and what an audit event calls the access (None: no audit)."""

    roles: frozenset[Role]
    audit: str | None = None
    public: bool = False


def allow(*roles: Role, audit: str | None = None) -> Rule:
    return Rule(frozenset(roles), audit)


PUBLIC = Rule(frozenset(), public=True)

# Who reads a person's full data; analysts see it pseudonymised, ops only without personal fields.
PERSON_READERS = (AGENT, SUPERVISOR, PRIVACY, ADMIN)

POLICY: Mapping[str, Mapping[str, Rule]] = {
    "contacts": {
        "POST /v1/contacts": allow(AGENT, SUPERVISOR, ADMIN),
        "GET /v1/contacts/{customer_id}": allow(*PERSON_READERS, audit="contact.read"),
        "PATCH /v1/contacts/{customer_id}": allow(AGENT, SUPERVISOR, ADMIN),
        "DELETE /v1/contacts/{customer_id}": allow(PRIVACY, ADMIN, audit="contact.erase"),
        "PUT /v1/contacts/{customer_id}/consent": allow(AGENT, SUPERVISOR, PRIVACY, ADMIN),
        "GET /v1/contacts/{customer_id}/history": allow(
            SUPERVISOR, PRIVACY, ADMIN, audit="contact.history"
        ),
        "GET /v1/contacts/{customer_id}/export": allow(PRIVACY, ADMIN, audit="contact.export"),
        "POST /v1/contacts/{customer_id}/identities": allow(AGENT, SUPERVISOR, ADMIN),
        "GET /v1/identities/{kind}/{value}": allow(*PERSON_READERS, audit="identity.lookup"),
        "POST /v1/identities/resolve": allow(AGENT, SUPERVISOR, ADMIN),
        # the interactions service resolves every ingested event's customer here
        "POST /v1/identities/resolve/batch": allow(AGENT, SUPERVISOR, SERVICE, ADMIN),
        "GET /v1/duplicates": allow(SUPERVISOR, PRIVACY, ADMIN, audit="duplicates.list"),
        "POST /v1/contacts/merge": allow(SUPERVISOR, ADMIN, audit="contact.merge"),
        "POST /v1/contacts/{customer_id}/unmerge": allow(
            SUPERVISOR, ADMIN, audit="contact.unmerge"
        ),
    },
    "interactions": {
        # an adapter publishes only for its own `source` (settings: auth_adapter_sources)
        "POST /v1/events": allow(AGENT, SUPERVISOR, ADAPTER, ADMIN),
        "POST /v1/events/batch": allow(AGENT, SUPERVISOR, ADAPTER, OPS, ADMIN),  # OPS: c360 import
        # the phone system (an adapter, for its own `source`) says a call rings for an agent
        "POST /v1/calls/ringing": allow(ADAPTER, ADMIN),
        "GET /asyncapi.json": PUBLIC,  # the topics' contract, like /openapi.json
    },
    "projections": {
        "GET /v1/customers/lookup": allow(*PERSON_READERS, audit="customer.lookup"),
        "GET /v1/customers": allow(*PERSON_READERS, audit="customer.search"),
        "GET /v1/customers/{customer_id}": allow(*PERSON_READERS, ANALYST, audit="customer.view"),
        "GET /v1/customers/{customer_id}/timeline": allow(
            *PERSON_READERS, ANALYST, audit="customer.timeline"
        ),
        "GET /v1/audit": allow(SUPERVISOR, PRIVACY, ADMIN),
        "POST /v1/segments": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/segments": allow(SUPERVISOR, ANALYST, ADMIN),
        # the analytics service fits CLV models on a segment's members
        "GET /v1/segments/{segment_id}": allow(SUPERVISOR, ANALYST, SERVICE, ADMIN),
        "GET /v1/segments/{segment_id}/members": allow(
            SUPERVISOR, ANALYST, SERVICE, ADMIN, audit="segment.members"
        ),
        "DELETE /v1/segments/{segment_id}": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /console/dashboard": PUBLIC,  # a redirect to the KPI dashboard
        "GET /console": PUBLIC,
        "GET /console/assets/{name}": PUBLIC,
        "GET /console/config": PUBLIC,
        "POST /console/api/events": allow(AGENT, SUPERVISOR, ADMIN),
        "GET /console/api/contacts/{customer_id}": allow(
            AGENT, SUPERVISOR, ADMIN, audit="contact.read"
        ),
        "PATCH /console/api/contacts/{customer_id}": allow(AGENT, SUPERVISOR, ADMIN),
        "PUT /console/api/contacts/{customer_id}/consent": allow(AGENT, SUPERVISOR, ADMIN),
        "GET /console/api/duplicates": allow(SUPERVISOR, ADMIN, audit="duplicates.list"),
        "POST /console/api/contacts/merge": allow(SUPERVISOR, ADMIN, audit="contact.merge"),
        "GET /console/api/customers/{customer_id}/stream": allow(
            AGENT, SUPERVISOR, ADMIN, audit="customer.view"
        ),
        # the signed-in agent's own ringing calls (the lookup they trigger is audited)
        "GET /console/api/ringing/stream": allow(AGENT, SUPERVISOR, ADMIN),
    },
    "projections-worker": {},
    "analytics": {
        "GET /v1/analytics/rfm": allow(SUPERVISOR, ANALYST, ADMIN, audit="analytics.rfm.list"),
        "GET /v1/analytics/rfm/{customer_id}": allow(
            AGENT, SUPERVISOR, ANALYST, ADMIN, audit="analytics.rfm.read"
        ),
        "POST /v1/analytics/rfm/recompute": allow(ANALYST, OPS, ADMIN),
        "GET /v1/analytics/pareto": allow(SUPERVISOR, ANALYST, ADMIN),
        "POST /v1/analytics/clv/fit": allow(ANALYST, OPS, ADMIN),
        "GET /v1/analytics/clv/fit": allow(SUPERVISOR, ANALYST, OPS, ADMIN),
    },
    "kpis": {
        # aggregates only: no person's data in any answer
        "GET /v1/kpis": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/retention": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/repeat-purchase": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/conversion": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/acquisition-cost": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/satisfaction": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/complaints-sla": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/churn": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/clv": allow(SUPERVISOR, ANALYST, ADMIN),
        "GET /v1/kpis/pareto": allow(SUPERVISOR, ANALYST, ADMIN),
        # the page (whole with authentication off; signing in for its figures with it on)
        "GET /dashboard": PUBLIC,
        "GET /dashboard/config": PUBLIC,
        "GET /dashboard/assets/{name}": PUBLIC,
        "GET /dashboard/figures": allow(SUPERVISOR, ANALYST, ADMIN),
    },
    "notifier": {
        "GET /v1/notifications": allow(SUPERVISOR, PRIVACY, OPS, ADMIN, audit="notification.list"),
        "GET /v1/notifications/{notification_id}": allow(
            SUPERVISOR, PRIVACY, OPS, ADMIN, audit="notification.read"
        ),
        # an SMS provider's delivery reports (its own client, role adapter)
        "POST /v1/notifications/{notification_id}/receipts": allow(
            ADAPTER, OPS, ADMIN, audit="notification.receipt"
        ),
        "GET /v1/rules": allow(SUPERVISOR, ANALYST, OPS, ADMIN),
        "POST /v1/rules/validate": allow(SUPERVISOR, OPS, ADMIN),
        "GET /v1/teams/{team}/webhook-keys": allow(OPS, ADMIN),
        "POST /v1/teams/{team}/webhook-keys/rotate": allow(OPS, ADMIN, audit="webhook-key.rotate"),
        "DELETE /v1/teams/{team}/webhook-keys/previous": allow(
            OPS, ADMIN, audit="webhook-key.retire"
        ),
    },
}


def route_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def rule_for(service: str, method: str, path: str) -> Rule | None:
    """The rule of a route, or None when the table has none (then the route is refused)."""
    if method.upper() == "HEAD":
        method = "GET"
    return POLICY.get(service, {}).get(route_key(method, path))
