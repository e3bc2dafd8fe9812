"""The condition language shared by segments and the notifier's rules. Pure: no I/O.

    {"all": [c, ...]}    every condition holds (an empty list holds)
    {"any": [c, ...]}    at least one holds (an empty list does not)
    {"not": c}           c does not hold
    {"field": "kpis.purchase_count", "op": "gte", "value": 3}

`field` is a dotted path into a JSON document (the 360 view as the API shows it, or the
notifier's `event`/`customer` values). Operators: eq, ne, gt, gte, lt, lte, in (value is a list),
exists (value true/false, default true), contains (a list holding the value, or a string holding
the text). A comparison on a missing value or on values of different types is simply false
(`ne` is `not eq`, so it holds for a missing value).

Parse once with `parse_condition` (errors name the bad part by its path), then `compile_condition`
into a plain function, so evaluating it costs no parsing or dispatch on the hot path.
"""

import operator
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import Annotated, Any, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    model_validator,
)

PATH = r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$"
MAX_DEPTH = 16
Document = Mapping[str, Any]
Check = Callable[[Document], bool]
_MISSING = object()


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    IN = "in"
    EXISTS = "exists"
    CONTAINS = "contains"


ORDERINGS: dict[Op, Callable[[Any, Any], Any]] = {
    Op.GT: operator.gt,
    Op.GTE: operator.ge,
    Op.LT: operator.lt,
    Op.LTE: operator.le,
}


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class FieldCondition(Node):
    field: str = Field(pattern=PATH, max_length=200, examples=["analytics.rfm.cell"])
    op: Op
    value: Any = None

    @model_validator(mode="after")
    def _value_fits_the_operator(self) -> "FieldCondition":
        value = self.value
        if self.op is Op.IN and not isinstance(value, list):
            raise ValueError("`in` needs a list of values")
        if self.op is Op.EXISTS and not isinstance(value, bool | None):
            raise ValueError("`exists` takes true or false")
        if self.op in ORDERINGS and (value is None or isinstance(value, bool | list | dict)):
            raise ValueError(f"`{self.op.value}` compares with a number or a string")
        if self.op is Op.CONTAINS and isinstance(value, list | dict):
            raise ValueError("`contains` looks for one value")
        return self


class AllOf(Node):
    all: "tuple[Condition, ...]"


class AnyOf(Node):
    any: "tuple[Condition, ...]"


class NotOf(Node):
    not_: "Condition" = Field(alias="not")


def _kind(raw: Any) -> str | None:
    if isinstance(raw, AllOf | AnyOf | NotOf | FieldCondition):
        return _MODEL_KINDS[type(raw)]
    if not isinstance(raw, Mapping):
        return None
    for key in ("all", "any", "not"):
        if key in raw:
            return key
    return "field"


_MODEL_KINDS: dict[type[Node], str] = {
    AllOf: "all",
    AnyOf: "any",
    NotOf: "not",
    FieldCondition: "field",
}
Condition = Annotated[
    Union[  # noqa: UP007 (the forward references need the typing form)
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
        Annotated[FieldCondition, Tag("field")],
    ],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message='expected {"all"}, {"any"}, {"not"} or {"field", "op", "value"}',
    ),
]
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()
_adapter: TypeAdapter[Condition] = TypeAdapter(Condition)
_TAGS = {"all", "any", "not", "field"}


class InvalidCondition(ValueError):
    """Which parts of a condition are wrong: (dotted path inside the condition, reason)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where or '(condition)'}: {why}" for where, why in errors))
        self.errors = errors


def _where(loc: tuple[int | str, ...]) -> str:
    """The path a user wrote, without pydantic's union tags (one before every condition)."""
    parts, expect_tag = [], True
    for part in loc:
        if expect_tag and part in _TAGS:
            expect_tag = False
            continue
        parts.append(str(part))
        expect_tag = isinstance(part, int) or part == "not"
    return ".".join(parts)


def parse_condition(raw: Any) -> Condition:
    """The typed tree of `raw` (JSON-like), or InvalidCondition naming each bad part."""
    try:
        parsed = _adapter.validate_python(raw)
    except ValidationError as exc:
        raise InvalidCondition(
            [
                (_where(e["loc"]), e["msg"].removeprefix("Value error, "))
                for e in exc.errors(include_url=False)
            ]
        ) from None
    if depth(parsed) > MAX_DEPTH:
        raise InvalidCondition([("", f"nested deeper than {MAX_DEPTH} levels")])
    return parsed


def dump_condition(condition: Condition) -> dict[str, Any]:
    """The JSON form, as it was written (`not` rather than `not_`)."""
    dumped: dict[str, Any] = condition.model_dump(mode="json", by_alias=True)
    return dumped


def depth(condition: Condition) -> int:
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            return 1 + max((depth(p) for p in parts), default=0)
        case NotOf(not_=inner):
            return 1 + depth(inner)
    return 1


def field_paths(condition: Condition, at: str = "") -> Iterator[tuple[str, str]]:
    """(where in the condition, field path) of every field it reads: `("all.1.field", "a.b")`."""
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            key = "all" if isinstance(condition, AllOf) else "any"
            for i, part in enumerate(parts):
                yield from field_paths(part, f"{at}{key}.{i}.")
        case NotOf(not_=inner):
            yield from field_paths(inner, f"{at}not.")
        case FieldCondition(field=name):
            yield f"{at}field", name


def fields_of(condition: Condition) -> Iterator[str]:
    """Every field path the condition reads."""
    return (name for _, name in field_paths(condition))


def lookup(document: Document, path: tuple[str, ...]) -> Any:
    """The value at `path`, or `_MISSING`."""
    current: Any = document
    for key in path:
        if not isinstance(current, Mapping):
            return _MISSING
        current = current.get(key, _MISSING)
        if current is _MISSING:
            return _MISSING
    return current


def compile_condition(condition: Condition) -> Check:
    """A function `document -> bool` equivalent to `condition`, built once."""
    match condition:
        case AllOf(all=parts):
            checks = tuple(compile_condition(p) for p in parts)
            return lambda doc: all(check(doc) for check in checks)
        case AnyOf(any=parts):
            checks = tuple(compile_condition(p) for p in parts)
            return lambda doc: any(check(doc) for check in checks)
        case NotOf(not_=inner):
            check = compile_condition(inner)
            return lambda doc: not check(doc)
        case FieldCondition():
            return _compile_field(condition)
    raise TypeError(f"not a condition: {condition!r}")


def _compile_field(condition: FieldCondition) -> Check:
    path = tuple(condition.field.split("."))
    test = _TESTS[condition.op]
    wanted = condition.value

    def check(doc: Document) -> bool:
        try:
            return test(lookup(doc, path), wanted)
        except TypeError:  # values of different types: not comparable, so not true
            return False

    return check


def _ordering(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    def test(actual: Any, wanted: Any) -> bool:
        if actual is _MISSING or actual is None or isinstance(actual, bool):
            return False
        if isinstance(actual, str) != isinstance(wanted, str):
            return False
        return bool(compare(actual, wanted))

    return test


def _eq(actual: Any, wanted: Any) -> bool:
    if actual is _MISSING:
        return False
    # true == 1 in Python; in a condition a boolean equals only a boolean
    return isinstance(actual, bool) == isinstance(wanted, bool) and bool(actual == wanted)


def _in(actual: Any, wanted: Any) -> bool:
    return any(_eq(actual, w) for w in wanted)


def _exists(actual: Any, wanted: Any) -> bool:
    present = actual is not _MISSING and actual is not None
    return present == (wanted is not False)


def _contains(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(wanted, str) and wanted in actual
    if isinstance(actual, list | tuple):
        return any(_eq(item, wanted) for item in actual)
    return False


_TESTS: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: _eq,
    Op.NE: lambda actual, wanted: not _eq(actual, wanted),
    Op.IN: _in,
    Op.EXISTS: _exists,
    Op.CONTAINS: _contains,
    **{op: _ordering(compare) for op, compare in ORDERINGS.items()},
}


def matches(condition: Condition, document: Document) -> bool:
    """Evaluate once (for repeated use, compile first)."""
    return compile_condition(condition)(document)
