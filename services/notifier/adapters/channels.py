"""Delivery channels. Every delivery carries the notification id, so a receiver can deduplicate.

- webhook: JSON POST, `C360-Notification-Id`, `C360-Signature` (timestamped HMAC-SHA256 with
  the team's key, both keys while it is rotated);
- sms: a provider's HTTP API (webhook-style), the id as `Idempotency-Key`;
- email: SMTP (stdlib smtplib in a worker thread), the id in `Message-ID`.
"""

import asyncio
import smtplib
import time
from email.message import EmailMessage
from typing import Any, Protocol

import httpx
import orjson

from services.notifier.domain.notification import Notification
from services.notifier.domain.routing import Route
from services.notifier.domain.rules_settings import EmailSettings, SmsSettings
from services.notifier.domain.signature import NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, sign
from services.notifier.service_layer.ports import DeliveryError

RETRYABLE_STATUS = frozenset({408, 425, 429})


def webhook_payload(notification: Notification) -> dict[str, Any]:
    return {
        "notification_id": notification.id,
        "rule": notification.rule_id,
        "customer_id": notification.customer_id,
        "subject": notification.subject,
        "body": notification.body,
        "trigger": {
            "name": notification.occurrence_name,
            "key": notification.occurrence_key,
            "at": notification.triggered_at.isoformat(),
        },
    }


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> None:
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    status = response.status_code
    if 200 <= status < 300:
        return
    permanent = 400 <= status < 500 and status not in RETRYABLE_STATUS
    raise DeliveryError(f"HTTP {status}: {response.text[:200]}", permanent=permanent)


class SigningKeys(Protocol):
    async def signing_secrets(self, team: str) -> list[str]: ...


class WebhookChannel:
    """Team webhooks, each signed with its team's key(s) (the header: domain/signature.py)."""

    confirms_delivery = True  # the team's own endpoint answered

    def __init__(self, client: httpx.AsyncClient, keys: SigningKeys) -> None:
        self.client = client
        self.keys = keys

    async def send(self, route: Route, notification: Notification) -> None:
        body = orjson.dumps(webhook_payload(notification))
        secrets = await self.keys.signing_secrets(notification.target.removeprefix("team:"))
        headers = {
            "Content-Type": "application/json",
            NOTIFICATION_ID_HEADER: notification.id,
            SIGNATURE_HEADER: sign(secrets, body, int(time.time())),
        }
        await _post(self.client, route.address, body, headers)


class SmsChannel:
    def __init__(self, client: httpx.AsyncClient, settings: SmsSettings) -> None:
        self.client = client
        self.settings = settings
        # a provider's 2xx only accepts the message (its receipt says delivered); the local
        # sink is the phone itself
        self.confirms_delivery = settings.delivered_on_accept

    async def send(self, route: Route, notification: Notification) -> None:
        text = (
            f"{notification.subject}: {notification.body}"
            if notification.subject
            else (notification.body)
        )
        payload = {"to": route.address, "text": text, "reference": notification.id}
        if self.settings.sender:
            payload["from"] = self.settings.sender
        headers = {"Content-Type": "application/json", "Idempotency-Key": notification.id}
        if self.settings.token:
            headers["Authorization"] = f"Bearer {self.settings.token}"
        await _post(self.client, self.settings.url, orjson.dumps(payload), headers)


class EmailChannel:
    confirms_delivery = False  # an SMTP server's acceptance says nothing about the mailbox

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    async def send(self, route: Route, notification: Notification) -> None:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = route.address
        message["Subject"] = notification.subject
        message["Message-ID"] = f"<{notification.id}@c360.notifier>"
        message[NOTIFICATION_ID_HEADER] = notification.id
        message.set_content(notification.body)
        await asyncio.to_thread(self._send_blocking, message)

    def _send_blocking(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
                if s.starttls:
                    smtp.starttls()
                if s.username and s.password:
                    smtp.login(s.username, s.password)
                smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
