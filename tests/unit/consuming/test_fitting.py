"""A dead-letter copy always fits the broker's limit and says what it left out."""

import hashlib

from aiokafka.structs import ConsumerRecord

from shared.consuming.fitting import fit_dead_letter

LIMIT = 1024 * 1024


def big_record(header_bytes: int, value_bytes: int) -> ConsumerRecord[bytes, bytes]:
    headers = [(f"h{i}", b"x" * 1000) for i in range(header_bytes // 1000)]
    return ConsumerRecord(
        "c360.ingress", 3, 42, 0, 0, b"k", b"v" * value_bytes, None, 1, value_bytes, headers
    )


def wire_size(letter) -> int:  # type: ignore[no-untyped-def]
    heads = sum(len(k) + len(v) + 8 for k, v in letter.headers)
    return len(letter.key or b"") + len(letter.value or b"") + heads


def test_a_small_record_is_copied_whole_with_the_reason() -> None:
    record = big_record(2000, 500)
    letter = fit_dead_letter(record, consumer="ingress", kind="bad", message="m", max_bytes=LIMIT)
    headers = dict(letter.headers)
    assert letter.value == record.value
    assert headers["h0"] == b"x" * 1000
    assert headers["c360-consumer"] == b"ingress"
    assert headers["c360-error-kind"] == b"bad"
    assert headers["c360-original-offset"] == b"42"


def test_near_1mb_of_headers_are_dropped_with_their_size_and_hash() -> None:
    record = big_record(1_000_000, 500)
    letter = fit_dead_letter(record, consumer="ingress", kind="bad", message="m", max_bytes=LIMIT)
    headers = dict(letter.headers)
    assert wire_size(letter) < LIMIT
    assert "h0" not in headers
    assert headers["c360-original-headers-dropped"].startswith(b"count=1000 bytes=")
    assert letter.value == record.value


def test_a_huge_value_is_truncated_with_its_size_and_hash() -> None:
    record = big_record(0, 2 * LIMIT)
    letter = fit_dead_letter(record, consumer="p", kind="too_big", message="m", max_bytes=LIMIT)
    note = dict(letter.headers)["c360-original-value-truncated"].decode()
    assert wire_size(letter) < LIMIT
    assert note == f"bytes={2 * LIMIT} sha256={hashlib.sha256(record.value).hexdigest()}"
