"""Reading the rules file: YAML (bounded), `${NAME:-default}` from the environment, validation.

The environment is read only for the operator's own file, at start. Submitted text (the
validation endpoint) never sees it: `${NAME:-default}` takes its default and `${NAME}` stays as
written, so no variable of the process (secrets, the store's URI) can be echoed back.
"""

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from services.notifier.adapters.bounded_yaml import load_bounded
from services.notifier.domain.rules import RulesFile
from services.notifier.domain.rules_validation import FILE, RuleProblem, RulesError, load_rules

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "rules.yaml"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def rules_path(configured: str | None) -> Path:
    return Path(configured) if configured else DEFAULT_RULES


def read_rules(path: Path, environ: Mapping[str, str] = os.environ) -> RulesFile:
    """Load and validate `path`; raises RulesError naming the rule and field at fault."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError([RuleProblem(FILE, "(file)", f"cannot be read: {exc}")], source) from None
    return parse_rules(text, environ, source)


def parse_rules(
    text: str, environ: Mapping[str, str] | None, source: str = "rules file"
) -> RulesFile:
    """Validate rules text; `environ=None` leaves the environment out (submitted text)."""
    try:
        raw = load_bounded(text)
    except yaml.YAMLError as exc:
        raise RulesError(
            [RuleProblem(FILE, "(file)", f"is not valid YAML: {exc}")], source
        ) from None
    missing: list[RuleProblem] = []
    expanded = _expand(raw, environ, "", missing)
    if missing:
        raise RulesError(missing, source)
    return load_rules(expanded, source)


def _expand(
    value: Any, environ: Mapping[str, str] | None, path: str, missing: list[RuleProblem]
) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, environ, f"{path}{k}.", missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, environ, f"{path}{i}.", missing) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match[1], match[2]
        if environ is None:
            return match[0] if default is None else default
        if name in environ:
            return environ[name]
        if default is None:
            missing.append(RuleProblem(FILE, path.rstrip("."), f"${{{name}}} is not set"))
            return ""
        return default

    result = _VARIABLE.sub(substitute, value)
    if not (_VARIABLE.fullmatch(value) and result):
        return result
    # a whole-value substitution is re-read as YAML so `port: ${PORT:-25}` stays a number
    try:
        return load_bounded(result)
    except yaml.YAMLError:
        return result
