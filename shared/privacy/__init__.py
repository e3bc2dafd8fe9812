"""Personal data in the log: per-customer data keys (crypto-shredding), sealing and opening."""

# The event codec opens sealed fields, and sealing reads event types: importing the events
# package first lets either side be imported first without meeting the other half-initialised.
import shared.events  # noqa: F401
