"""The event catalog: every CloudEvent `type` c360 knows, as dotted strings."""

from enum import StrEnum


class EventType(StrEnum):
    CALL = "c360.interaction.call"
    EMAIL = "c360.interaction.email"
    CHAT = "c360.interaction.chat"
    SMS = "c360.interaction.sms"
    PURCHASE = "c360.interaction.purchase"
    REFUND = "c360.interaction.refund"
    COMPLAINT_OPENED = "c360.interaction.complaint.opened"
    COMPLAINT_UPDATED = "c360.interaction.complaint.updated"
    COMPLAINT_RESOLVED = "c360.interaction.complaint.resolved"
    COMPLAINT_ASSIGNED = "c360.interaction.complaint.assigned"
    COMPLAINT_COMMENTED = "c360.interaction.complaint.commented"
    COMPLAINT_STATUS_CHANGED = "c360.interaction.complaint.status_changed"
    SURVEY_RESPONSE = "c360.interaction.survey.response"
    VISIT = "c360.interaction.visit"
    NOTE = "c360.interaction.note"

    CONTACT_CREATED = "c360.contact.created"
    CONTACT_UPDATED = "c360.contact.updated"
    IDENTITY_LINKED = "c360.contact.identity.linked"
    CONTACT_MERGED = "c360.contact.merged"
    CONTACT_UNMERGED = "c360.contact.unmerged"
    CONSENT_CHANGED = "c360.contact.consent.changed"
    CONTACT_ERASED = "c360.contact.erased"

    NOTIFICATION_SENT = "c360.notification.sent"
    NOTIFICATION_DELIVERED = "c360.notification.delivered"
    NOTIFICATION_FAILED = "c360.notification.failed"
    NOTIFICATION_SUPPRESSED = "c360.notification.suppressed"

    ACCESS_AUDITED = "c360.audit.access"

    ANALYTICS_SCORED = "c360.analytics.scored"

    SEGMENT_ENTERED = "c360.segment.entered"
    SEGMENT_EXITED = "c360.segment.exited"

    MARKETING_SPEND = "c360.marketing.spend"

    CALL_RINGING = "c360.call.ringing"

    @property
    def family(self) -> str:
        """The family: `interaction`, `contact`, `audit`, `segment`... (the second part)."""
        return self._value_.split(".")[1]  # `_value_`: `value` is a slow descriptor

    @property
    def short_name(self) -> str:
        """The name after the family, e.g. `complaint.opened`."""
        return self._value_.split(".", 2)[2]


INTERACTION_TYPES = frozenset(t for t in EventType if t.family == "interaction")
CONTACT_TYPES = frozenset(t for t in EventType if t.family == "contact")
NOTIFICATION_TYPES = frozenset(t for t in EventType if t.family == "notification")
ANALYTICS_TYPES = frozenset(t for t in EventType if t.family == "analytics")
SEGMENT_TYPES = frozenset(t for t in EventType if t.family == "segment")
MARKETING_TYPES = frozenset(t for t in EventType if t.family == "marketing")
