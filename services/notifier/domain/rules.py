"""The rules file as typed, frozen models: triggers, conditions, actions, throttles, quiet hours.

Parsing checks each rule's shape; `ruleset.py` adds the checks that need the whole file
(templates and teams that exist, fields a trigger actually provides).
"""

from datetime import time, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from services.notifier.domain.settings import Channels, DeliveryPolicy, TeamTarget
from services.notifier.domain.values import Duration, Strict
from shared.events import EventType
from shared.events.customer import Channel
from shared.events.interactions import Severity

RULE_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    NOT_IN = "not_in"


class Condition(Strict):
    """`{field: customer.purchase_count, eq: 1}` is read as field, op, value."""

    field: str = Field(pattern=r"^(event|customer)\.[a-z0-9_]+$")
    op: Op
    value: Any

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, raw: Any) -> Any:
        if not isinstance(raw, dict) or "op" in raw:
            return raw
        ops = [key for key in raw if key != "field"]
        if len(ops) != 1:
            raise ValueError(f"needs `field` and exactly one operator of {[o.value for o in Op]}")
        return {"field": raw.get("field"), "op": ops[0], "value": raw[ops[0]]}

    @model_validator(mode="after")
    def _list_for_membership(self) -> "Condition":
        if self.op in (Op.IN, Op.NOT_IN) and not isinstance(self.value, list):
            raise ValueError(f"`{self.op.value}` needs a list of values")
        return self


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
    conditions: tuple[Condition, ...] = ()

    @model_validator(mode="after")
    def _exactly_one_source(self) -> "Trigger":
        chosen = [n for n in ("event", "timer", "schedule") if getattr(self, n) is not None]
        if len(chosen) != 1:
            raise ValueError("a trigger needs exactly one of `event`, `timer`, `schedule`")
        return self

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
