"""The console's timeline lines (`console/summaries.js`) exist for every event type of the
catalog in both languages, and each Persian line fills the same placeholders as its English one
(a missing `{subject}` would silently drop what the customer said)."""

import re
from pathlib import Path

import pytest

from shared.events import EventType

SCRIPT = Path(__file__).parents[3] / "services/projections/console/summaries.js"
KEY = re.compile(r'(?:"([\w.]+)"|(\w+)):\s*"((?:[^"\\]|\\.)*)"')


def lines() -> dict[str, dict[str, str]]:
    text = SCRIPT.read_text(encoding="utf-8")
    block = text.split("const LINES = {", 1)[1].split("\n  };", 1)[0]
    english, persian = block.split("\n    fa: {", 1)
    return {
        language: {(m[1] or m[2]): m[3] for m in KEY.finditer(part)}
        for language, part in (("en", english), ("fa", persian))
    }


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_every_event_type_has_a_line_in_both_languages(event_type: EventType) -> None:
    found = lines()
    for language in ("en", "fa"):
        assert event_type.short_name in found[language], (language, event_type)


def test_each_persian_line_fills_the_placeholders_of_its_english_line() -> None:
    found = lines()
    assert set(found["en"]) == set(found["fa"])
    for key, english in found["en"].items():
        persian = found["fa"][key]
        assert sorted(re.findall(r"\{\w+\}", english)) == sorted(re.findall(r"\{\w+\}", persian)), (
            key
        )
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", "", persian)), (key, persian)
