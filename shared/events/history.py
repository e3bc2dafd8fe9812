"""Imported history: the CloudEvents extension that marks an event as loaded by `c360 import`.

Its value is the digest of the imported file. Consumers that react to events happening now (the
notifier) leave marked events alone: a purchase from 1997 imported today thanks nobody.
"""

from shared.events.envelope import Envelope

IMPORT_MARKER = "c360import"


def is_imported(event: Envelope) -> bool:
    return IMPORT_MARKER in (event.model_extra or {})
