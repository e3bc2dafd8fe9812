"""Every route of every service has an access policy; a route without one fails here."""

from shared.auth.policy import POLICY, rule_for
from shared.settings import Settings
from tests.infra import TEST_SECRETS
from tests.unit.auth.services import every_app


def test_every_route_of_every_service_has_a_policy() -> None:
    apps = list(every_app(Settings(environment="test", **TEST_SECRETS)))
    assert len(apps) >= 5, "the service discovery found too few apps"
    missing = [
        f"{app.state.access.service}: {method} {path}"
        for _, app in apps
        for method, path in app.state.gated_routes
        if rule_for(app.state.access.service, method, path) is None
    ]
    assert missing == [], "routes without a policy in shared/auth/policy.py:\n" + "\n".join(missing)


def test_the_policy_names_no_route_that_does_not_exist() -> None:
    served = {
        (app.state.access.service, f"{method} {path}")
        for _, app in every_app(Settings(environment="test", **TEST_SECRETS))
        for method, path in app.state.gated_routes
    }
    stale = [
        f"{service}: {route}"
        for service, routes in POLICY.items()
        for route in routes
        if (service, route) not in served
    ]
    assert stale == []
