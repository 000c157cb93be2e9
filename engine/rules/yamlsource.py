"""Read a YAML file into plain data while remembering where every value and key stood.

Dates stay strings (`published_on: 2021-01-20` is the text "2021-01-20", as in a JSON document),
duplicate keys are errors rather than silently overwritten, and an offset inside a scalar's value
maps back to a line and column of the file, whatever the scalar's style (plain, quoted, block).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates are kept as the strings the file prints."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class YamlError(Exception):
    """A YAML file that cannot be read: message and 1-based line and column."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class Source:
    """A parsed YAML file: its data, and the node of every value (by path) and key (by path)."""

    text: str
    data: Any
    values: dict[Path, Node] = field(default_factory=dict)
    keys: dict[Path, Node] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)

    def position(self, index: int) -> tuple[int, int]:
        """The 1-based (line, column) of character `index` of the text."""
        if not self._line_starts:
            self._line_starts = [0] + [i + 1 for i, char in enumerate(self.text) if char == "\n"]
        line = bisect_right(self._line_starts, index) - 1
        return line + 1, index - self._line_starts[line] + 1

    def node(self, path: Path) -> Node | None:
        """The node at `path`, or at the nearest enclosing path that exists."""
        for end in range(len(path), -1, -1):
            node = self.values.get(tuple(path[:end]))
            if node is not None:
                return node
        return None

    def where(self, path: Path, key: bool = False) -> tuple[int, int]:
        """The (line, column) of the value at `path` (of its key, when `key` and there is one)."""
        node = self.keys.get(tuple(path)) if key else None
        node = node or self.node(path)
        return (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)

    def locate(self, path: Path, offset: int) -> tuple[int, int]:
        """The (line, column) of character `offset` of the string scalar at `path`."""
        node = self.values.get(tuple(path))
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            return self.where(path)
        return self.position(_source_index(self.text, node, offset))


def parse(text: str) -> Source:
    """Parse one YAML document; raise YamlError (with line and column) when it is not valid YAML."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        source = Source(text, None)
        source.data = _build(loader, root, (), source, set()) if root is not None else None
        return source
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, (exc.context, exc.problem)))
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(f"invalid YAML: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {' '.join(str(exc).split())}", 1, 1) from None
    finally:
        loader.dispose()


def _build(loader: _Loader, node: Node, path: Path, source: Source, active: set[int]) -> Any:
    source.values[path] = node
    if isinstance(node, ScalarNode):
        return loader.construct_object(node)
    if id(node) in active:
        raise YamlError("invalid YAML: recursive alias", node.start_mark.line + 1, node.start_mark.column + 1)
    active.add(id(node))
    try:
        if isinstance(node, SequenceNode):
            return [_build(loader, item, path + (i,), source, active) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            loader.flatten_mapping(node)  # applies YAML merge keys (<<: *anchor)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node)
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    mark = key_node.start_mark
                    raise YamlError("invalid YAML: a mapping key must be a scalar", mark.line + 1, mark.column + 1)
                if key in out:
                    mark = key_node.start_mark
                    raise YamlError(f"duplicate key {key!r}", mark.line + 1, mark.column + 1)
                source.keys[path + (key,)] = key_node
                out[key] = _build(loader, value_node, path + (key,), source, active)
            return out
        return loader.construct_object(node)
    finally:
        active.discard(id(node))


_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}


def _source_index(text: str, node: ScalarNode, offset: int) -> int:
    """The index in `text` of character `offset` of the scalar's value."""
    start, end = node.start_mark.index, node.end_mark.index
    value: str = node.value
    offset = max(0, min(offset, len(value)))
    style = node.style
    if not style and "\n" not in text[start:end]:
        return start + offset  # a one-line plain scalar is its value, character for character
    if style == "'" and "\n" not in text[start:end]:
        return start + 1 + offset + value[:offset].count("'")  # each ' is printed ''
    # Everything else (double quotes with escapes, folded lines, block scalars with indentation):
    # walk the value and the source together, skipping what the source has and the value lacks.
    i = start
    if style in ("|", ">"):
        i = text.find("\n", start) + 1 or end  # the content starts on the line after the indicator
    elif style in ("'", '"'):
        i += 1
    for char in value[:offset]:
        while i < end:
            if style == '"' and text[i] == "\\" and i + 1 < end:
                escape = text[i + 1]
                if escape == "\n":  # an escaped line break joins lines and produces nothing
                    i += 2
                    while i < end and text[i] in " \t":
                        i += 1
                    continue
                i += _ESCAPE_LENGTH.get(escape, 2)
                break
            if text[i] == char or (char in " \n" and text[i] == "\n"):
                i += 1
                break
            i += 1
    while style in ("|", ">", None, "") and i < end and text[i] in " \t" and value[offset:offset + 1] not in (" ", "\t"):
        i += 1  # the indentation in front of the target character belongs to the layout
    return min(i, max(start, end - 1)) if end > start else start
