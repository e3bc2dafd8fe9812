"""Loading a rules file: every problem is reported with the rule and the field it concerns."""

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from services.notifier.domain.customer import CUSTOMER_FIELDS
from services.notifier.domain.evaluation import placeholders
from services.notifier.domain.occurrence import fields_for
from services.notifier.domain.rules import Rule, RulesFile
from shared.conditions import field_paths

FILE = "(file)"


@dataclass(frozen=True)
class RuleProblem:
    rule: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = "the rules file" if self.rule == FILE else f"rule {self.rule!r}"
        return f"{where}, field {self.field!r}: {self.reason}"


class RulesError(ValueError):
    """The rules file is invalid; `problems` lists every reason, not only the first."""

    def __init__(self, problems: list[RuleProblem], source: str = "rules file") -> None:
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid {source} ({len(problems)} problem(s)):\n{lines}")


def _problems(rule: str, exc: ValidationError, prefix: str = "") -> list[RuleProblem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if p not in ("function-after", "function-before"))
        out.append(RuleProblem(rule, f"{prefix}{loc}" or "(rule)", err["msg"]))
    return out


def load_rules(raw: Any, source: str = "rules file") -> RulesFile:
    """Validate a decoded rules file (a mapping); raise RulesError naming rule and field."""
    if not isinstance(raw, dict):
        raise RulesError([RuleProblem(FILE, "(file)", "must be a mapping with `rules:`")], source)
    raw_rules = raw.get("rules", [])
    problems: list[RuleProblem] = []
    if not isinstance(raw_rules, list):
        problems.append(RuleProblem(FILE, "rules", "must be a list of rules"))
        raw_rules = []
    try:
        base = RulesFile.model_validate({**raw, "rules": []})
    except ValidationError as exc:
        problems.extend(_problems(FILE, exc))
        base = RulesFile()
    problems.extend(_file_problems(base))
    rules: list[Rule] = []
    for index, item in enumerate(raw_rules, start=1):
        name = str(item.get("id")) if isinstance(item, dict) and item.get("id") else f"#{index}"
        try:
            rule = Rule.model_validate(item)
        except ValidationError as exc:
            problems.extend(_problems(name, exc))
            continue
        if any(r.id == rule.id for r in rules):
            problems.append(RuleProblem(name, "id", "is used by another rule"))
        problems.extend(_reference_problems(rule, base))
        rules.append(rule)
    if problems:
        raise RulesError(problems, source)
    return base.model_copy(update={"rules": tuple(rules)})


def _file_problems(base: RulesFile) -> list[RuleProblem]:
    try:
        ZoneInfo(base.delivery.default_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [RuleProblem(FILE, "delivery.default_timezone", "is not an IANA timezone")]
    return []


def _reference_problems(rule: Rule, base: RulesFile) -> list[RuleProblem]:
    """Names a rule uses must exist: template, team, channels, fields of its trigger."""
    problems: list[RuleProblem] = []
    action = rule.action

    def add(field: str, reason: str) -> None:
        problems.append(RuleProblem(rule.id, field, reason))

    available = {f"event.{n}" for n in fields_for(rule.when)}
    available |= {f"customer.{n}" for n in CUSTOMER_FIELDS}
    for i, condition in enumerate(rule.when.conditions):
        for where, name in field_paths(condition):
            if name not in available:
                add(
                    f"when.conditions.{i}.{where}",
                    f"{name!r} is not provided by "
                    f"{rule.when.name}; known: {', '.join(sorted(available))}",
                )
    template = base.templates.get(action.template)
    if template is None:
        add("action.template", f"no template {action.template!r} in `templates`")
    else:
        for name in sorted(placeholders(template.subject) | placeholders(template.body)):
            if name not in available:
                add(
                    "action.template",
                    f"template {action.template!r} uses {{{name}}}, which "
                    f"{rule.when.name} does not provide",
                )
    if action.team is not None:
        team = base.teams.get(action.team)
        if team is None:
            add("action.target", f"no team {action.team!r} in `teams`")
        elif team.email and base.channels.email is None:
            add(
                "action.target",
                f"team {action.team!r} is reached by email; configure `channels.email`",
            )
        if action.fallback:
            add("action.fallback", "only a customer target has fallback channels")
    elif base.channels.email is None and base.channels.sms is None:
        add("action.target", "a customer target needs `channels.email` or `channels.sms`")
    return problems
