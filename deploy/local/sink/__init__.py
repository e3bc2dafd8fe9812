"""The notification sink: a local stand-in for an SMS provider and the teams' webhooks."""
