"""The rules file's settings sections (delivery policy, channel endpoints, team targets) and
the value types every section uses: strict frozen models and durations written like `15m`."""

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_DURATION = re.compile(r"^(\d+)\s*(ms|s|m|h|d)$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400}


def parse_duration(value: Any) -> timedelta:
    """`250ms`, `90s`, `15m`, `24h`, `7d` (or a number of seconds) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a duration like 250ms, 90s, 15m, 24h or 7d")
    return timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TeamTarget(Strict):
    webhook: str | None = Field(default=None, pattern=r"^https?://")
    email: str | None = None

    @model_validator(mode="after")
    def _one_address(self) -> "TeamTarget":
        if (self.webhook is None) == (self.email is None):
            raise ValueError("a team needs exactly one of `webhook` or `email`")
        return self


class EmailSettings(Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = "c360 <noreply@c360.local>"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout_s: float = Field(default=10.0, gt=0)


class SmsSettings(Strict):
    url: str = Field(pattern=r"^https?://")
    token: str | None = None
    sender: str | None = None
    # true only where the receiver is the phone (the local sink); a provider's answer means
    # accepted, and its delivery receipt (POST /v1/notifications/{id}/receipts) means delivered
    delivered_on_accept: bool = False


class WebhookSettings(Strict):
    timeout_s: float = Field(default=10.0, gt=0)


class Channels(Strict):
    email: EmailSettings | None = None
    sms: SmsSettings | None = None
    webhook: WebhookSettings = WebhookSettings()


class DeliveryPolicy(Strict):
    """Retries with exponential backoff and full jitter, then `notification.failed`."""

    max_attempts: int = Field(default=5, ge=1, le=20)
    initial_backoff: Duration = timedelta(milliseconds=500)
    max_backoff: Duration = timedelta(seconds=8)
    concurrency: int = Field(default=16, ge=1, le=256)
    timer_scan_interval: Duration = timedelta(seconds=1)
    birthday_scan_interval: Duration = timedelta(minutes=1)
    default_timezone: str = "UTC"
