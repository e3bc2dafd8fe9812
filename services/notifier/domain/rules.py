"""The rules file as typed, frozen models: triggers, conditions, actions, throttles, quiet hours.

Parsing checks each rule's shape; `rules_validation.py` adds the checks that need the whole file
(templates and teams that exist, fields a trigger actually provides).
"""

from datetime import time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from services.notifier.domain.rules_settings import (
    Channels,
    DeliveryPolicy,
    Duration,
    Strict,
    TeamTarget,
)
from shared.conditions import AllOf, Check, Condition, compile_condition
from shared.events import SEGMENT_TYPES, EventType
from shared.events.customer import Channel
from shared.events.interactions import Severity

RULE_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"
# An event older than this when the notifier sees it is history (a backlog after a long outage,
# a replay): telling the customer now would be news from the past.
DEFAULT_MAX_EVENT_AGE = timedelta(days=7)


# The rules file's short form `{field: customer.purchase_count, eq: 1}` (one operator as the
# key) and `not_in`, from before rules spoke the shared condition language; still accepted.
SHORT_OPERATORS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "exists"})
SHORT_OPERATORS |= {"contains"}


def from_short_form(raw: Any) -> Any:
    """A condition in the shared language (`shared.conditions`), from either spelling."""
    if isinstance(raw, list):
        return {"all": [from_short_form(c) for c in raw]}
    if not isinstance(raw, dict):
        return raw
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        inner = raw[key]
        return {
            **raw,
            key: [from_short_form(c) for c in inner] if isinstance(inner, list) else inner,
        }
    if "not" in raw:
        return {**raw, "not": from_short_form(raw["not"])}
    ops = [key for key in raw if key in SHORT_OPERATORS]
    if "op" in raw or len(ops) != 1 or set(raw) - {"field", *ops}:
        return raw
    op, value = ops[0], raw[ops[0]]
    if op == "not_in":
        return {"not": {"field": raw.get("field"), "op": "in", "value": value}}
    return {"field": raw.get("field"), "op": op, "value": value}


def _conditions(raw: Any) -> Any:
    return [from_short_form(c) for c in raw] if isinstance(raw, list | tuple) else raw


class TimerKind(StrEnum):
    COMPLAINT_SLA = "complaint.sla_due"


class ScheduleKind(StrEnum):
    BIRTHDAY = "birthday"


class Trigger(Strict):
    """Exactly one of: an event type, a durable timer, a daily schedule."""

    event: EventType | None = None
    timer: TimerKind | None = None
    schedule: ScheduleKind | None = None
    before_deadline: Duration = timedelta(0)
    default_sla: dict[Severity, Duration] = Field(default_factory=dict)
    segment: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="with a c360.segment.* event: only this segment's entries or exits",
    )
    conditions: Annotated[tuple[Condition, ...], BeforeValidator(_conditions)] = ()

    @model_validator(mode="after")
    def _exactly_one_source(self) -> "Trigger":
        chosen = [n for n in ("event", "timer", "schedule") if getattr(self, n) is not None]
        if len(chosen) != 1:
            raise ValueError("a trigger needs exactly one of `event`, `timer`, `schedule`")
        if self.segment is not None and self.event not in SEGMENT_TYPES:
            raise ValueError("`segment` goes with `event: c360.segment.entered` (or `.exited`)")
        return self

    @cached_property
    def check(self) -> Check:
        """Every condition, compiled once: `{"event": {...}, "customer": {...}} -> bool`."""
        return compile_condition(AllOf(all=self.conditions))

    @property
    def name(self) -> str:
        """What fires the rule: an event type, `complaint.sla_due` or `birthday`."""
        return str(self.event or self.timer or self.schedule)


class Action(Strict):
    template: str = Field(min_length=1)
    target: str = Field(pattern=r"^(customer|team:[a-z0-9][a-z0-9_-]*)$")
    fallback: tuple[Channel, ...] = ()

    @property
    def team(self) -> str | None:
        return self.target.removeprefix("team:") if self.target.startswith("team:") else None


class QuietHours(Strict):
    """Local wall-clock window in the customer's timezone; may wrap midnight (21:00-08:00)."""

    start: time
    end: time


class Rule(Strict):
    id: str = Field(pattern=RULE_ID)
    description: str = ""
    enabled: bool = True
    when: Trigger
    action: Action
    throttle: Duration | None = None
    quiet_hours: QuietHours | None = None
    max_age: Duration | None = Field(
        default=DEFAULT_MAX_EVENT_AGE,
        description="an event trigger ignores events older than this (null: any age)",
    )


class Template(Strict):
    subject: str = ""
    body: str = Field(min_length=1)


class RulesFile(Strict):
    version: Literal[1] = 1
    delivery: DeliveryPolicy = DeliveryPolicy()
    channels: Channels = Channels()
    teams: dict[str, TeamTarget] = Field(default_factory=dict)
    templates: dict[str, Template] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
