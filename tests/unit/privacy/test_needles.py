"""What an erasure scan looks for: every spelling c360 can write, found in raw bytes."""

import base64
import json

import bson
import pytest

from shared.privacy.needles import Matcher, Subject, needles_of

SARA = Subject(
    identifiers=(
        ("phone", "0912 555 7788"),
        ("email", "Sara.Mohammadi@Example.com"),
        ("crm", "C-42"),
    ),
    texts=("سارا محمدی", "مشتری از تاخیر ارسال ناراضی است", "ok"),
)


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(needles_of(SARA, "IR"))


@pytest.mark.parametrize(
    ("written", "label"),
    [
        (b'{"phone":"+989125557788"}', "phone#1"),
        ('{"phone":"۰۹۱۲۵۵۵۷۷۸۸"}'.encode(), "phone#1"),  # Persian digits
        ('{"phone":"٠٩١٢٥٥٥٧٧٨٨"}'.encode(), "phone#1"),  # Arabic-Indic digits
        (b"tel 0912 555 7788", "phone#1"),  # as it was typed
        (b"key phone:989125557788", "phone#1"),
        (b'"email":"sara.mohammadi@example.com"', "email#2"),  # case-folded
        (b'"email":"SARA.MOHAMMADI@EXAMPLE.COM"', "email#2"),
        (json.dumps({"name": "سارا محمدی"}, ensure_ascii=False).encode(), "text#1"),
        (json.dumps({"name": "سارا محمدی"}).encode(), "text#1"),  # \uXXXX escapes
        (json.dumps({"name": "سارا محمدی"}).encode().upper(), "text#1"),  # upper-case hex
        ("سارا محمدي".encode(), "text#1"),  # Arabic yeh for the Persian one
        (bson.encode({"notes": "مشتری از تاخیر ارسال ناراضی است"}), "text#2"),
    ],
)
def test_each_spelling_is_found_and_named_without_the_value(
    matcher: Matcher, written: bytes, label: str
) -> None:
    found = matcher.find(written)
    assert {f.split()[0] for f in found} == {label}
    assert all("7788" not in f and "@" not in f for f in found)


@pytest.mark.parametrize("shift", [0, 1, 2])
def test_base64_is_found_at_any_byte_alignment(matcher: Matcher, shift: int) -> None:
    stored = base64.b64encode(b"x" * shift + "سارا محمدی".encode() + b"tail")
    assert matcher.find(b'{"bytes":"' + stored + b'"}') == {"text#1 base64"}


def test_other_people_and_ciphertext_are_not_found(matcher: Matcher) -> None:
    ali = json.dumps({"name": "Ali Rezaei", "phone": "+989124441122", "note": "okay"})
    assert matcher.find(ali.encode()) == set()
    assert matcher.find(base64.b64encode(bytes(range(256)) * 40)) == set()


def test_values_too_short_to_search_are_reported_not_searched() -> None:
    needles = needles_of(SARA, "IR")
    assert needles.skipped == ("crm#3", "text#3")
    assert Matcher(needles).find(b"C-42 ok") == set()
