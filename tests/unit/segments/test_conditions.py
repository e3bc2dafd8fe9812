"""The condition language: each operator, the combinators, and errors naming the bad part."""

from typing import Any

import pytest

from shared.conditions import InvalidCondition, dump_condition, fields_of, matches, parse_condition

VIEW = {
    "kpis": {"purchase_count": 3, "total_spent": {"USD": 12000}, "csat_average": None},
    "profile": {"tags": ["vip", "b2b"], "name": "Sara Ahmadi"},
    "analytics": {"rfm": {"cell": "at_risk"}, "clv": {"p_alive": 0.42}},
    "erased": False,
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "kpis.purchase_count", "op": "eq", "value": 3}, True),
        ({"field": "kpis.purchase_count", "op": "ne", "value": 3}, False),
        ({"field": "kpis.missing", "op": "ne", "value": 3}, True),
        ({"field": "kpis.total_spent.USD", "op": "gte", "value": 12000}, True),
        ({"field": "kpis.total_spent.USD", "op": "gt", "value": 12000}, False),
        ({"field": "kpis.total_spent.EUR", "op": "lt", "value": 1}, False),
        ({"field": "analytics.clv.p_alive", "op": "lt", "value": 0.5}, True),
        ({"field": "analytics.clv.p_alive", "op": "lte", "value": "0.5"}, False),
        ({"field": "analytics.rfm.cell", "op": "in", "value": ["at_risk", "lost"]}, True),
        ({"field": "kpis.csat_average", "op": "exists"}, False),
        ({"field": "kpis.csat_average", "op": "exists", "value": False}, True),
        ({"field": "profile.tags", "op": "contains", "value": "vip"}, True),
        ({"field": "profile.name", "op": "contains", "value": "Ahmadi"}, True),
        ({"field": "kpis.purchase_count", "op": "contains", "value": 3}, False),
        ({"field": "erased", "op": "eq", "value": 0}, False),
        ({"field": "kpis.purchase_count", "op": "eq", "value": True}, False),
        ({"all": []}, True),
        ({"any": []}, False),
        ({"not": {"field": "erased", "op": "eq", "value": True}}, True),
        (
            {
                "all": [
                    {"field": "analytics.rfm.cell", "op": "eq", "value": "at_risk"},
                    {"any": [{"field": "profile.tags", "op": "contains", "value": "vip"}]},
                ]
            },
            True,
        ),
    ],
)
def test_each_operator_and_combinator(condition: dict[str, Any], expected: bool) -> None:
    assert matches(parse_condition(condition), VIEW) is expected


@pytest.mark.parametrize(
    ("raw", "where", "reason"),
    [
        ({"field": "a", "op": "between"}, "op", "Input should be"),
        (
            {"all": [{"field": "a", "op": "eq"}, {"not": {"field": "b", "op": "in"}}]},
            "all.1.not",
            "list",
        ),
        ({"any": [{"field": "a b", "op": "eq"}]}, "any.0.field", "pattern"),
        ({"field": "a", "op": "gt", "value": [1]}, "", "number or a string"),
        (7, "", "expected"),
        ({"all": [{"nope": 1}]}, "all.0.nope", "Extra inputs"),
    ],
)
def test_errors_name_the_bad_part(raw: Any, where: str, reason: str) -> None:
    with pytest.raises(InvalidCondition) as caught:
        parse_condition(raw)
    assert any(w == where and reason in why for w, why in caught.value.errors), caught.value.errors


def test_parsed_once_and_dumped_as_written() -> None:
    raw = {"not": {"any": [{"field": "a.b", "op": "in", "value": [1, 2]}]}}
    parsed = parse_condition(raw)
    assert dump_condition(parsed) == raw
    assert list(fields_of(parsed)) == ["a.b"]
