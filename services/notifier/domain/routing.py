"""Where a notification goes: the customer's preferred consented channel, or a team's address."""

from dataclasses import dataclass

from services.notifier.domain.customer import Contact
from services.notifier.domain.rules import RulesFile
from shared.events.customer import Channel

ADDRESS_FIELD = {Channel.EMAIL: "emails", Channel.SMS: "phones"}


@dataclass(frozen=True)
class Route:
    """`channel` is `email`, `sms` or `webhook`; `address` is where exactly."""

    channel: str
    address: str

    @property
    def masked(self) -> str:
        return mask(self.channel, self.address)


@dataclass(frozen=True)
class Suppressed:
    reason: str


def route_to_customer(
    contact: Contact | None, fallback: tuple[str, ...], configured: set[str]
) -> Route | Suppressed:
    """The preferred channel, then the rule's fallbacks, each only with consent and an address.

    Nothing is sent on a channel without recorded consent: a missing consent is a refusal.
    """
    if contact is None:
        return Suppressed("customer has no contact profile (no channel, no consent)")
    if contact.erased:
        return Suppressed("customer was erased")
    wanted = [str(contact.preferred_channel)] if contact.preferred_channel else []
    wanted += [c for c in fallback if c not in wanted]
    if not wanted:
        return Suppressed("customer has no preferred channel and the rule no fallback")
    reasons = []
    for name in wanted:
        channel = Channel(name)
        addresses: tuple[str, ...] = getattr(contact, ADDRESS_FIELD.get(channel, ""), ())
        if not contact.consent.get(channel, False):
            reasons.append(f"no consent for {name}")
        elif channel not in ADDRESS_FIELD or name not in configured:
            reasons.append(f"no {name} channel configured")
        elif not addresses:
            reasons.append(f"no {name} address")
        else:
            return Route(name, addresses[0])
    return Suppressed("; ".join(reasons))


def route_to_team(rules: RulesFile, team: str) -> Route:
    target = rules.teams[team]
    if target.webhook is not None:
        return Route("webhook", target.webhook)
    assert target.email is not None
    return Route("email", target.email)


def mask(channel: str, address: str) -> str:
    """Enough to recognise a recipient in a timeline, not enough to contact them."""
    if channel == "email" and "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if channel == "sms":
        return f"{address[:4]}***{address[-2:]}" if len(address) > 6 else "***"
    if channel == "webhook":
        return mask_url(address)
    return "***"


def mask_url(url: str) -> str:
    """Scheme and host only: for Slack or Teams the path of a webhook URL is its secret."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/***"[:200] if rest else "***"
