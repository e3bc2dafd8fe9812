"""Projections: the customer-360 view and timeline folded from the log, and the query API."""
