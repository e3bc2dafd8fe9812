"""The rules file's settings sections: delivery policy, channel endpoints, team targets."""

from datetime import timedelta

from pydantic import Field, model_validator

from services.notifier.domain.values import Duration, Strict


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
