"""Every runtime dependency in pyproject.toml is imported by production code (shared/, services/);
what only tests use belongs in the dev group, out of the service image."""

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = ("shared", "services")


def runtime_dependencies() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = (re.split(r"[\[=<>~! ]", spec)[0] for spec in project["dependencies"])
    return {name.lower().replace("_", "-") for name in names}


def imported_distributions() -> set[str]:
    modules: set[str] = set()
    for folder in PRODUCTION:
        for source in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
    owners = packages_distributions()
    return {dist.lower().replace("_", "-") for m in modules for dist in owners.get(m, [])}


def test_every_runtime_dependency_is_used_by_production_code() -> None:
    unused = runtime_dependencies() - imported_distributions()
    assert not unused, f"move to the dev group or use them: {sorted(unused)}"


def test_faust_is_a_test_dependency_only() -> None:
    assert "faust-streaming" not in runtime_dependencies()
    assert "faust-streaming" not in imported_distributions()
