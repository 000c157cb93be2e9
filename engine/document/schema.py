"""The document JSON Schema: the committed schema, per-template resolved schemas, Chinese titles.

Title paths: `title_of` joins the Chinese titles of every key along a JSON Pointer, from the
top-level key down, with " · " (U+00B7 between spaces), e.g. "/applications/new_received/total" →
"三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计". Array indices and
the keys of open maps (provenance) add no title of their own.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

from engine.templates import TEMPLATES

Schema = dict[str, Any]

SCHEMA_PACKAGE = "nianbao_schemas"
DOCUMENT_FILE = "document.schema.json"
TITLE_SEPARATOR = " · "


@functools.cache
def document_schema() -> Schema:
    """The full document schema (draft 2020-12), loaded once; shared, so treat it as read-only."""
    text = files(SCHEMA_PACKAGE).joinpath(DOCUMENT_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def inlined_document_schema() -> Schema:
    """The document schema with every $ref inlined: same meaning, about 3x faster for `jsonschema`."""
    schema = document_schema()
    return _inline({key: value for key, value in schema.items() if key != "$defs"}, schema["$defs"])


def template_schema(name: str) -> Schema:
    """A $ref-free schema of a document following template `name`; shared, so treat it as read-only."""
    if name not in TEMPLATES:
        raise ValueError(f"unknown template {name!r}; expected one of {', '.join(TEMPLATES)}")
    return _resolved(name)


@functools.lru_cache(maxsize=8192)
def title_of(template: str | None, pointer: str) -> str | None:
    """The Chinese title path of `pointer` in a document of `template`; None when the schema lacks it.

    A template that is None or unknown gives the titles a template-less document has (its
    proactive and applications tables are null, so nothing below them has a title).
    """
    if not pointer.startswith("/"):
        return None
    node = _resolved(template if template in TEMPLATES else None)
    titles = []
    for token in _tokens(pointer):
        properties = node.get("properties", {})
        if token in properties:
            node = properties[token]
            if "title" in node:
                titles.append(node["title"])
        elif "items" in node and token.isdigit():
            node = node["items"]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return TITLE_SEPARATOR.join(titles) or None


@functools.cache
def _resolved(name: str | None) -> Schema:
    """The document schema with the template dispatch applied and every $ref inlined."""
    schema = document_schema()
    defs = schema["$defs"]
    properties = dict(schema["properties"])
    template = properties["template"]
    properties["template"] = {"title": template["title"], "description": template["description"],
                              "const": name}
    for table in ("proactive", "applications"):
        title = properties[table]["title"]
        if name is None:
            properties[table] = {"title": title, "description": "Null: no template fits.", "type": "null"}
        else:
            properties[table] = {"$ref": f"#/$defs/{table}_{name}", "title": title}
    document = {key: value for key, value in schema.items() if key not in ("$id", "$defs", "allOf")}
    document["properties"] = properties
    return _inline(document, defs)


def _inline(node: Any, defs: Schema) -> Any:
    """`node` with every local $ref replaced by its definition; keywords beside the $ref win."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline(value, defs) for key, value in node.items() if key != "$ref"}
    if "$ref" in node:
        target = node["$ref"].removeprefix("#/$defs/")
        out = {**_inline(defs[target], defs), **out}
    return out


def _tokens(pointer: str) -> list[str]:
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]
