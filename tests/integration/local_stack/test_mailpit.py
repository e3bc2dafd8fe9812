"""A mail sent to the local stack's Mailpit over SMTP is there in its HTTP API."""

import smtplib
import uuid
from email.message import EmailMessage

import httpx

from deploy.local.stack.settings import HOST, StackSettings
from tests.integration.local_stack.conftest import require


def test_a_mail_sent_over_smtp_is_listed_by_the_api(stack_settings: StackSettings) -> None:
    api = require(f"http://{HOST}:{stack_settings.mailpit_port}/api/v1/messages", "Mailpit")
    subject = f"c360 test {uuid.uuid4().hex}"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "c360@c360.local",
        "sara@example.com",
        subject,
    )
    message.set_content("hello")
    with smtplib.SMTP(HOST, stack_settings.mailpit_smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    search = api.replace("/messages", "/search")
    listed = httpx.get(search, params={"query": f'subject:"{subject}"'}, timeout=10).json()
    assert [m["Subject"] for m in listed["messages"]] == [subject]
    assert listed["messages"][0]["To"][0]["Address"] == "sara@example.com"
