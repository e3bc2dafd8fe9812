"""The column mapping from a mapping file (TOML) and command-line options; options win."""

import tomllib
from pathlib import Path
from typing import Any

from services.ops.importing.mapping import ColumnMapping, MappingError, parse_pairs

OPTION_NAMES = ("currency", "date_format", "timezone", "amount_units", "source", "delimiter")


def load_mapping(file: Path | None, pairs: str | None, **options: Any) -> ColumnMapping:
    """`options` holds `header` and the OPTION_NAMES; `None` means "not given"."""
    document: dict[str, Any] = {}
    if file is not None:
        try:
            document = tomllib.loads(file.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise MappingError(f"cannot read the mapping file {file}: {exc}") from None
    columns = {str(k): str(v) for k, v in document.pop("columns", {}).items()}
    columns.update(parse_pairs(pairs or ""))
    unknown = set(document) - {*OPTION_NAMES, "header"}
    if unknown:
        raise MappingError(f"unknown setting(s) {', '.join(sorted(unknown))} in {file}")
    given = {k: v for k, v in options.items() if v is not None}
    return ColumnMapping(columns=columns, **{**document, **given})
