"""The rules file: the shipped defaults load; every mistake names its rule and field."""

import pytest

from services.notifier.adapters.rules_file import DEFAULT_RULES, parse_rules, read_rules
from services.notifier.domain.rules_validation import RulesError
from shared.conditions import FieldCondition, Op

GOOD_RULE = """
  - id: welcome
    when:
      event: c360.interaction.purchase
      conditions: [{field: customer.purchase_count, eq: 1}]
    action: {template: hello, target: customer}
"""
PREAMBLE = """
channels:
  email:
    host: 127.0.0.1
    port: 2525
teams:
  support: {webhook: "http://127.0.0.1:9/support"}
templates:
  hello: {subject: "Hi {customer.name}", body: "Order {event.order_id}"}
rules:
"""


def problems_of(text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, environ={})
    return [(p.rule, p.field, p.reason) for p in caught.value.problems]


def test_the_shipped_defaults_load_with_the_eight_rules() -> None:
    rules = read_rules(DEFAULT_RULES, environ={})
    assert [r.id for r in rules.rules] == [
        "complaint-ack",
        "complaint-high-severity",
        "complaint-sla-escalation",
        "angry-customer",
        "high-value-purchase",
        "welcome-first-purchase",
        "birthday-greeting",
        "win-back-valuable-at-risk",
    ]


def test_a_valid_file_parses() -> None:
    rules = parse_rules(PREAMBLE + GOOD_RULE, environ={})
    assert rules.rules[0].when.conditions[0] == FieldCondition(
        field="customer.purchase_count", op=Op.EQ, value=1
    )


@pytest.mark.parametrize(
    ("rule", "field", "reason"),
    [
        ("event: c360.interaction.purchasee", "when.event", "Input should be"),
        ("template: nope", "action.template", "no template 'nope'"),
        ("field: customer.favourite_colour", "when.conditions.0.field", "is not provided"),
        ("field: event.severity", "when.conditions.0.field", "is not provided"),
        ("target: team:nobody", "action.target", "no team 'nobody'"),
        ("eq: 1}]\n    throttle: 3 weeks", "throttle", "is not a duration"),
    ],
)
def test_a_mistake_names_the_rule_and_the_field(rule: str, field: str, reason: str) -> None:
    broken = GOOD_RULE
    if rule.startswith("event:"):
        broken = broken.replace("event: c360.interaction.purchase", rule)
    elif rule.startswith("template:"):
        broken = broken.replace("template: hello", rule)
    elif rule.startswith("field:"):
        broken = broken.replace("field: customer.purchase_count", rule)
    elif rule.startswith("target:"):
        broken = broken.replace("target: customer", rule)
    else:
        broken = broken.replace("eq: 1}]", rule)
    found = problems_of(PREAMBLE + broken)
    assert any(r == "welcome" and f == field and reason in why for r, f, why in found), found


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = PREAMBLE + GOOD_RULE + GOOD_RULE.replace("template: hello", "template: nope")
    found = problems_of(text)
    assert ("welcome", "id", "is used by another rule") in found
    assert any(f == "action.template" for _, f, _ in found)


def test_a_rule_without_an_id_is_named_by_its_position() -> None:
    found = problems_of(PREAMBLE + GOOD_RULE.replace("id: welcome", "description: x"))
    assert found[0][:2] == ("#1", "id")


def test_a_template_placeholder_the_trigger_does_not_provide_is_an_error() -> None:
    text = (PREAMBLE + GOOD_RULE).replace("Order {event.order_id}", "{event.complaint_id}")
    found = problems_of(text)
    assert any("uses {event.complaint_id}" in why for _, _, why in found)


def test_environment_variables_fill_values_and_keep_numbers_numbers() -> None:
    text = PREAMBLE.replace("port: 2525", "port: ${SMTP_PORT:-25}") + GOOD_RULE
    assert parse_rules(text, environ={}).channels.email.port == 25  # type: ignore[union-attr]
    assert parse_rules(text, environ={"SMTP_PORT": "2600"}).channels.email.port == 2600  # type: ignore[union-attr]


def test_a_missing_environment_variable_without_default_is_an_error() -> None:
    text = PREAMBLE.replace("host: 127.0.0.1", "host: ${SMTP_HOST}") + GOOD_RULE
    assert problems_of(text) == [("(file)", "channels.email.host", "${SMTP_HOST} is not set")]


def test_bad_yaml_and_wrong_top_level_shape_are_reported() -> None:
    assert problems_of("rules: [")[0][1] == "(file)"
    assert problems_of("- just a list")[0][2].startswith("must be a mapping")


BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]" for a, b in zip("abcdef", "bcdefg", strict=True)]
)
SECRETS = {
    "HOME": "/home/operator",
    "C360_WEBHOOK_SECRET": "s3cret",
    "C360_MONGODB_URI": "mongodb://u:p@db/",
}


@pytest.mark.parametrize("variable", sorted(SECRETS))
def test_submitted_text_never_reads_the_environment(variable: str) -> None:
    text = PREAMBLE + GOOD_RULE.replace("id: welcome", f'id: "${{{variable}}}"')
    with pytest.raises(RulesError) as caught:
        parse_rules(text, environ=None)
    assert f"${{{variable}}}" in str(caught.value)
    assert SECRETS[variable] not in str(caught.value)


def test_submitted_text_takes_the_written_defaults() -> None:
    text = PREAMBLE.replace("port: 2525", "port: ${SMTP_PORT:-2600}") + GOOD_RULE
    assert parse_rules(text, environ=None).channels.email.port == 2600  # type: ignore[union-attr]


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    assert len(BOMB) < 400
    assert problems_of(BOMB)[0][2].endswith("expands to more than 100000 values")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "&a [*a]",
        "rules: {" * 40 + "}" * 40,
        "port: ${PORT:-[}",
        "- !!python/object:os.system x",
        "\x00",
    ],
)
def test_every_unreadable_document_is_a_rules_error(text: str) -> None:
    assert problems_of(text)
