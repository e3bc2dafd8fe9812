"""Sealing a plain JSON record's personal fields (the notifier's failed notifications)."""

import orjson

from shared.privacy.records import open_fields, seal_fields
from shared.privacy.sealing import SEALED, new_data_key

RECORD = {"id": "n1", "customer_id": "c1", "rule": "r", "target": "سارا", "body": "Dear Sara"}
FIELDS = ("target", "body", "error")


def test_sealed_fields_are_gone_from_the_bytes_and_come_back_with_the_key() -> None:
    key = new_data_key()
    sealed = seal_fields(RECORD, "c1", FIELDS, key)
    raw = orjson.dumps(sealed)
    assert "سارا".encode() not in raw
    assert b"Dear Sara" not in raw
    assert sealed["rule"] == "r"
    assert SEALED in sealed
    assert open_fields(sealed, {"c1": key}.get) == RECORD


def test_without_the_key_the_fields_are_dropped_and_read_as_absent() -> None:
    key = new_data_key()
    assert seal_fields(RECORD, "c1", FIELDS, None) == {"id": "n1", "customer_id": "c1", "rule": "r"}
    sealed = seal_fields(RECORD, "c1", FIELDS, key)
    assert open_fields(sealed, lambda kid: None) == {"id": "n1", "customer_id": "c1", "rule": "r"}
    moved = {**sealed, "id": "n2"}  # the authenticated data binds it to its record
    assert open_fields(moved, {"c1": key}.get) == {"id": "n2", "customer_id": "c1", "rule": "r"}
