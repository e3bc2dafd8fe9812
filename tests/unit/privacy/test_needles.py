"""What an erasure scan looks for: every spelling c360 can write, found in raw bytes."""

import base64
import json
from datetime import datetime

import bson
import pytest

from shared.privacy.matching import Matcher
from shared.privacy.needles import Subject, needles_of

SARA = Subject(
    identifiers=(
        ("phone", "0912 555 7788"),
        ("email", "Sara.Mohammadi@Example.com"),
        ("crm", "C-42"),
    ),
    texts=(
        ("profile.name", "سارا محمدی"),
        ("notes", "مشتری از تاخیر ارسال ناراضی است"),
        ("comment", "ok"),
    ),
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
        (json.dumps({"name": "سارا محمدی"}, ensure_ascii=False).encode(), "profile.name#4"),
        (json.dumps({"name": "سارا محمدی"}).encode(), "profile.name#4"),  # \uXXXX escapes
        (json.dumps({"name": "سارا محمدی"}).encode().upper(), "profile.name#4"),  # upper-case hex
        ("سارا محمدي".encode(), "profile.name#4"),  # Arabic yeh for the Persian one
        (bson.encode({"notes": "مشتری از تاخیر ارسال ناراضی است"}), "notes#5"),
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
    assert matcher.find(b'{"bytes":"' + stored + b'"}') == {"profile.name#4 base64"}


def test_other_people_and_ciphertext_are_not_found(matcher: Matcher) -> None:
    ali = json.dumps({"name": "Ali Rezaei", "phone": "+989124441122", "note": "okay"})
    assert matcher.find(ali.encode()) == set()
    assert matcher.find(base64.b64encode(bytes(range(256)) * 40)) == set()


def test_short_values_are_searched_whole_in_the_customers_records_only() -> None:
    needles = needles_of(SARA, "IR")
    assert needles.whole_labels == ["crm#3", "comment#6"]
    matcher = Matcher(needles, owner="c-sara")
    assert matcher.find(b'{"subject":"c-sara","data":{"crm":"C-42"}}') == {"crm#3 json-string"}
    assert matcher.find(b"c-sara said ok.") == {"comment#6 word"}
    assert matcher.find(b'{"subject":"c-ali","data":{"crm":"C-42"}}') == set()  # not hers
    assert matcher.find(b"c-sara: okay, C-420") == set()  # parts of longer words
    assert Matcher(needles).find(b"c-sara said ok.") == set()  # no owner: never counted


ALI = Subject(
    identifiers=(("email", "ali.k@example.com"),),
    texts=(
        ("profile.name", "Ali"),
        ("profile.name", "علی"),
        ("profile.birthday", "1990-05-01"),
        ("profile.address.city", "Tehran"),
        ("profile.address.line2", "1204"),
        ("notification.subject", "Happy birthday!"),
    ),
)


@pytest.fixture
def ali() -> Matcher:
    return Matcher(needles_of(ALI, "IR"), owner="c-ali")


@pytest.mark.parametrize(
    ("written", "found"),
    [
        (bson.encode({"_id": "c-ali", "name": "Ali"}), "profile.name#2 bson-string"),
        (bson.encode({"_id": "c-ali", "x": [{"name": "علی"}]}), "profile.name#3 bson-string"),
        (b'{"subject":"c-ali","data":{"name":"ALI"}}', "profile.name#2 json-string"),
        (json.dumps({"subject": "c-ali", "name": "علی"}).encode(), "profile.name#3 json-string"),
        (b'"c-ali" "Dear Ali, welcome"', "profile.name#2 word"),
        (json.dumps({"c": "c-ali", "b": "سلام علی، خوش آمدید"}).encode(), "profile.name#3 word"),
        ('c-ali "خوش آمدید\\nعلی"'.encode(), "profile.name#3 word"),  # after a JSON escape
        (bson.encode({"_id": "c-ali", "birthday": "1990-05-01"}), "profile.birthday#4 bson-string"),
        (
            bson.encode({"_id": "c-ali", "b": datetime(1990, 5, 1)}),
            "profile.birthday#4 bson-datetime",
        ),
        (b'{"subject":"c-ali","birthday":"1990-05-01"}', "profile.birthday#4 json-string"),
        (bson.encode({"_id": "05-01|p3", "c": ["c-ali"]}), "profile.birthday#4 word"),  # its day
        (bson.encode({"_id": "c-ali", "city": "Tehran"}), "profile.address.city#5 bson-string"),
        ('{"c":"c-ali","line2":"۱۲۰۴"}'.encode(), "profile.address.line2#6 json-string"),
        (bson.encode({"c": "c-ali", "s": "Happy birthday!"}), "notification.subject#7 bson-string"),
    ],
)
def test_a_shared_value_is_found_where_it_stands_whole(
    ali: Matcher, written: bytes, found: str
) -> None:
    assert ali.find(written) == {found}


@pytest.mark.parametrize(
    "written",
    [
        bson.encode({"_id": "c-other", "name": "Ali", "city": "Tehran", "b": datetime(1990, 5, 1)}),
        b'{"subject":"c-ali","name":"Alireza Khalili","time":"2026-05-01T10:00:00Z"}',
        "c-ali علیرضا و علی\u200cاکبر".encode(),  # longer words; a joiner binds the word
        bson.encode({"_id": "c-ali", "n": 641_520_000_000}),  # the datetime's bytes, not a date
        b'{"subject":"c-ali","postal":"41204","city":"Tehran-Pars"}',
    ],
)
def test_a_shared_value_inside_a_longer_word_or_another_customers_record_is_not_found(
    ali: Matcher, written: bytes
) -> None:
    assert ali.find(written) == set()


def test_an_id_is_checked_for_shared_values_before_it_is_shown(ali: Matcher) -> None:
    assert ali.find(b"05-01|p3") == set()
    assert ali.find(b"05-01|p3", whole_anywhere=True) == {"profile.birthday#4 word"}
