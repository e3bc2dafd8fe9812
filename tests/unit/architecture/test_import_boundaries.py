"""One owner per piece of data, kept by the import graph: a service never imports another
service's package, and `shared` imports no service. Read from the source with `ast`, so an
import inside a function or behind `TYPE_CHECKING` counts too."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SERVICES = sorted(p.name for p in (REPO / "services").iterdir() if (p / "__init__.py").exists())


def imported_modules(source: str, package: str) -> Iterator[str]:
    """Absolute names of every module `source` imports (relative ones resolved in `package`)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def owner_of(module: str) -> str | None:
    """`services.<name>` for a module of a service package, `shared` for shared, else None."""
    parts = module.split(".")
    if parts[0] == "services" and len(parts) > 1 and parts[1] in SERVICES:
        return f"services.{parts[1]}"
    return "shared" if parts[0] == "shared" else None


def crossings(root: Path, owner: str) -> list[str]:
    """`file: module` for each import from `root` of a service package other than `owner`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
        for module in imported_modules(path.read_text(), package):
            other = owner_of(module)
            if other is not None and other.startswith("services.") and other != owner:
                found.append(f"{path.relative_to(REPO)}: {module}")
    return sorted(set(found))


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_no_other_service(service: str) -> None:
    assert crossings(REPO / "services" / service, f"services.{service}") == []


def test_shared_imports_no_service() -> None:
    assert crossings(REPO / "shared", "shared") == []


def test_the_check_sees_direct_relative_and_nested_imports() -> None:
    source = (
        "import services.projections.fold\n"
        "from services.contacts.adapters import index\n"
        "from ...projections import views\n"
        "def later():\n    from services.notifier import rules\n"
    )
    modules = set(imported_modules(source, "services.interactions.adapters"))
    owners = {owner_of(m) for m in modules}
    assert owners == {"services.projections", "services.contacts", "services.notifier"}
    assert "services.projections.views" in modules  # `...` from adapters is `services`
