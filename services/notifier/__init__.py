"""Notifier: rules on events and customer state, delivered once over the customer's channel."""
