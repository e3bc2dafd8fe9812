"""The notifier tests' local receivers, shared by every notifier test folder."""

from tests.integration.notifier.receivers import http, smtp

__all__ = ["http", "smtp"]
