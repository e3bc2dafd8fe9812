"""`/v1/rules`: the rules in force, and a validator for a rules file before it is deployed."""

from typing import Any

from fastapi import APIRouter, Body

from services.notifier.adapters.rules_file import parse_rules
from services.notifier.domain.routing import mask_url
from services.notifier.domain.rules_validation import RulesError
from services.notifier.entrypoints.http.dependencies import RulesDep
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/rules", tags=["rules"])


@router.get("")
async def rules_in_force(rules: RulesDep) -> dict[str, Any]:
    """The loaded rules (after `${VAR}` expansion); channel credentials are left out and URLs
    that carry secrets (team webhooks, the SMS gateway) show only their host."""
    shown = rules.model_dump(
        mode="json", by_alias=True, exclude={"channels": {"email": {"password"}, "sms": {"token"}}}
    )
    for team in shown["teams"].values():
        if team.get("webhook"):
            team["webhook"] = mask_url(team["webhook"])
    if shown["channels"].get("sms"):
        shown["channels"]["sms"]["url"] = mask_url(shown["channels"]["sms"]["url"])
    return shown


@router.post("/validate")
async def validate(
    text: str = Body(media_type="application/yaml", description="a rules file (YAML)"),
) -> dict[str, Any]:
    """Check a rules file; a problem lists every error with its rule and field."""
    try:
        parsed = parse_rules(text, environ=None, source="submitted rules file")
    except RulesError as exc:
        errors = [{"field": f"{p.rule}:{p.field}", "reason": p.reason} for p in exc.problems]
        raise Problem(422, str(exc).splitlines()[0], errors=errors) from None
    return {"valid": True, "rules": [rule.id for rule in parsed.rules]}
