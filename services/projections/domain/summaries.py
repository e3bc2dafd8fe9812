"""One readable line per event, for the timeline and the "last interactions" list."""

from shared.events import Event
from shared.events.analytics import AnalyticsScored, ScoredData
from shared.events.cases import ComplaintAssigned, ComplaintCommented, ComplaintStatusChanged
from shared.events.contacts import (
    ConsentChanged,
    ContactCreated,
    ContactErased,
    ContactMerged,
    ContactUnmerged,
    ContactUpdated,
    IdentityLinked,
)
from shared.events.interactions import (
    CallLogged,
    ChatLogged,
    ComplaintOpened,
    ComplaintResolved,
    ComplaintUpdated,
    EmailLogged,
    NoteAdded,
    PurchaseMade,
    RefundIssued,
    SmsLogged,
    SurveyAnswered,
    VisitLogged,
)
from shared.events.notifications import NotificationDelivered, NotificationSent

# Where a touchpoint happened; purchases and refunds are commercial facts, not channels.
CHANNEL_OF = {
    "call": "phone",
    "email": "email",
    "chat": "chat",
    "sms": "sms",
    "visit": "in_person",
}
MAX_TEXT = 120
# A delivery as the customer got it: "SMS sent to +98912***67: complaint-ack".
CHANNEL_NAMES = {"email": "email", "sms": "SMS", "webhook": "message"}


def money(amount_minor: int, currency: str) -> str:
    return f"{amount_minor} {currency} (minor units)"


def clip(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def summary(event: Event) -> str:
    """A short human description; never the whole payload."""
    match event:
        case CallLogged(data=d):
            outcome = f", {d.outcome}" if d.outcome else ""
            wrapup = f", wrap-up {d.wrapup_code}" if d.wrapup_code else ""
            return f"{d.direction.value} call, {d.duration_seconds} s{outcome}{wrapup}"
        case EmailLogged(data=d):
            return f"{d.direction.value} email: {clip(d.subject)}".rstrip(": ")
        case ChatLogged(data=d):
            return f"chat on {d.platform or 'web'}"
        case SmsLogged(data=d):
            return f"{d.direction.value} SMS: {clip(d.text)}"
        case PurchaseMade(data=d):
            return f"purchase {d.order_id}: {money(d.amount_minor, d.currency)}"
        case RefundIssued(data=d):
            return f"refund on {d.order_id}: {money(d.amount_minor, d.currency)}"
        case ComplaintOpened(data=d):
            return f"complaint {d.complaint_id} opened ({d.severity.value}): {clip(d.subject)}"
        case ComplaintUpdated(data=d):
            return f"complaint {d.complaint_id} now {d.status.value}"
        case ComplaintResolved(data=d):
            return f"complaint {d.complaint_id} resolved: {clip(d.resolution)}"
        case ComplaintAssigned(data=d):
            return f"complaint {d.complaint_id} assigned to {clip(d.owner)}"
        case ComplaintCommented(data=d):
            return f"comment on complaint {d.complaint_id}: {clip(d.comment)}"
        case ComplaintStatusChanged(data=d):
            return f"complaint {d.complaint_id} now {d.status.value}"
        case SurveyAnswered(data=d):
            scores = [f"CSAT {d.csat}"] if d.csat is not None else []
            scores += [f"NPS {d.nps}"] if d.nps is not None else []
            return "survey: " + ", ".join(scores)
        case VisitLogged(data=d):
            return f"visit at {clip(d.location)}"
        case NoteAdded(data=d):
            return f"note: {clip(d.text)}"
    return _contact_or_notification(event)


def _contact_or_notification(event: Event) -> str:
    match event:
        case ContactCreated(data=d):
            return f"contact created ({d.origin.value})"
        case ContactUpdated(data=d):
            fields = sorted(d.changes.model_dump(exclude_none=True))
            return "profile updated: " + ", ".join(fields)
        case IdentityLinked(data=d):
            return f"{d.identity.kind} linked"
        case ContactMerged(data=d):
            return f"{d.merged_id} merged into {d.survivor_id}: {clip(d.reason)}"
        case ContactUnmerged(data=d):
            return f"{d.merged_id} unmerged from {d.survivor_id}: {clip(d.reason)}"
        case ConsentChanged(data=d):
            state = "granted" if d.consent.granted else "withdrawn"
            return f"{d.channel.value} consent {state}"
        case ContactErased():
            return "personal data erased"
        case NotificationSent(data=d):
            to = f" to {d.target}" if d.target else ""
            return f"{CHANNEL_NAMES.get(d.channel, d.channel)} sent{to}: {d.rule}"
        case NotificationDelivered(data=d):
            to = f" to {d.target}" if d.target else ""
            return f"{CHANNEL_NAMES.get(d.channel, d.channel)} delivered{to}: {d.rule}"
        case AnalyticsScored(data=d):
            return scores_summary(d)
    return event.type.short_name.replace(".", " ")


def scores_summary(d: ScoredData) -> str:
    parts = [f"RFM {d.rfm.cell.value.replace('_', ' ')}"] if d.rfm else []
    if d.clv:
        parts += [
            f"12-month CLV {money(d.clv.clv_12m_minor, d.clv.currency)}",
            f"p(alive) {d.clv.p_alive:.2f}",
        ]
    return "scored: " + (", ".join(parts) or "no scores yet")
