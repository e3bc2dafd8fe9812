"""YAML with bounded alias expansion and nesting: a small document stays a small value.

`yaml.safe_load` shares aliased nodes while parsing, but everything that walks the result
afterwards (expansion of `${VAR}`, validation, JSON answers) sees the expanded tree: nine nested
aliases of nine items make 9^9 nodes out of 300 bytes. The composed node graph is measured
before it is turned into Python values, so such a document is refused in microseconds.
"""

from typing import Any

import yaml

MAX_DEPTH = 32
MAX_NODES = 100_000


class YamlTooLarge(yaml.YAMLError):
    """The document nests too deeply or expands to too many values."""


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        if self._depth > MAX_DEPTH:  # before the composer's own recursion runs out
            raise YamlTooLarge(f"the document nests deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None and expanded_size(node) > MAX_NODES:
            raise YamlTooLarge(f"the document expands to more than {MAX_NODES} values")
        return node


def expanded_size(root: yaml.Node) -> int:
    """Values in the tree the node graph expands to (aliases counted at every use)."""
    sizes: dict[int, int] = {}
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, children_done = pending.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), MAX_NODES + 1) for c in children)
            continue
        pending.append((node, True))
        pending.extend((c, False) for c in children if id(c) not in sizes and c is not node)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_bounded(text: str) -> Any:
    """Like `yaml.safe_load`, refusing documents deeper than MAX_DEPTH or larger than
    MAX_NODES values once aliases are expanded."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
