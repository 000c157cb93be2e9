"""`--format sarif`: SARIF 2.1.0, for code-scanning viewers and tools that aggregate findings.

One run; tool.driver.rules lists the checked rules (ruleId `pack:code`); each fail result is a SARIF
result with its level (error, warning, note for info), message, the report file and the first line
of its values as location (the other lines as relatedLocations), and its finding id as a partial
fingerprint. Rule errors and unreadable reports are tool execution notifications, not results: they
are never the report's fault. Results are spooled to a temporary file, since artifacts come first.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from engine.outputs.base import Writer, copy_spool, indented_json, spool

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "nianbaoFinding/v1"


def uri(source: dict[str, Any]) -> str:
    """The report file as a relative URI reference (percent-encoded, / separated)."""
    path = (source.get("path") or source.get("name") or "").replace("\\", "/")
    return quote(path, safe="/")


def rule_descriptor(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule as a SARIF reportingDescriptor."""
    out: dict[str, Any] = {
        "id": f"{rule['pack']}:{rule['code']}",
        "name": rule["name"],
        "shortDescription": {"text": rule["title"]},
    }
    if rule.get("description"):
        out["fullDescription"] = {"text": rule["description"]}
    out["help"] = {"text": f"依据：{rule['basis']}"}
    out["defaultConfiguration"] = {"level": LEVELS[rule["severity"]]}
    out["properties"] = {"category": rule["category"], "blocking": rule["blocking"], "pack": rule["pack"],
                         "tags": [rule["category"], rule["pack"]]}
    return out


def _location(artifact: dict[str, Any], location: dict[str, Any] | None, index: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if index is not None:
        out["id"] = index
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location is not None:
        physical["region"] = {"startLine": location["line"]}
    out["physicalLocation"] = physical
    if location is not None and location.get("title"):
        value = location.get("value")
        out["message"] = {"text": location["title"] + (f" = {value}" if value is not None else "")}
    return out


def sarif_result(result: dict[str, Any], artifact: dict[str, Any], rule_index: int | None) -> dict[str, Any]:
    """One fail result as a SARIF result."""
    where = result.get("locations") or []
    out: dict[str, Any] = {"ruleId": f"{result['pack']}:{result['code']}"}
    if rule_index is not None:
        out["ruleIndex"] = rule_index
    out["level"] = LEVELS[result["severity"]]
    text = result.get("message") or result["title"]
    explanation = (result.get("explanation") or {}).get("text")
    out["message"] = {"text": text + (f"\n{explanation}" if explanation else "")}
    out["locations"] = [_location(artifact, where[0] if where else None)]
    if len(where) > 1:
        out["relatedLocations"] = [_location(artifact, loc, i) for i, loc in enumerate(where[1:], 1)]
    out["partialFingerprints"] = {FINGERPRINT: result["id"]}
    out["properties"] = {"category": result["category"], "blocking": result["blocking"],
                         "packVersion": result["pack_version"]}
    return out


class SarifWriter(Writer):
    """A SARIF 2.1.0 log with one run."""

    name = "sarif"
    description = "SARIF 2.1.0: findings with rule, level, message and report file and line"

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.rules = [rule_descriptor(rule) for rule in header["rules"]]
        self.index = {rule["id"]: i for i, rule in enumerate(self.rules)}
        self.artifacts: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.spooled = spool()
        self.count = 0

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        source = entry.get("source") or {}
        artifact_index = len(self.artifacts)
        artifact: dict[str, Any] = {"location": {"uri": uri(source)}, "roles": ["analysisTarget"]}
        if source.get("sha256"):
            artifact["hashes"] = {"sha-256": source["sha256"]}
        self.artifacts.append(artifact)
        where = {"uri": uri(source), "index": artifact_index}
        if entry.get("error"):
            self.notifications.append({"message": {"text": entry["error"]}, "level": "error",
                                       "locations": [_location(where, None)]})
        for result in entry.get("results") or ():
            if result["outcome"] == "error":
                rule_id = f"{result['pack']}:{result['code']}"
                self.notifications.append({
                    "message": {"text": result.get("message") or "规则运行出错"}, "level": "warning",
                    "locations": [_location(where, None)],
                    "associatedRule": {"id": rule_id, "index": self.index.get(rule_id, -1)}})
            if result["outcome"] != "fail":
                continue
            item = sarif_result(result, where, self.index.get(f"{result['pack']}:{result['code']}"))
            self.spooled.write(("," if self.count else "") + "\n        " + indented_json(item, 4))
            self.count += 1

    def finish(self) -> None:
        stream = self.text_stream()
        driver = {"name": "nianbao", "version": self.header.get("engine", ""), "rules": self.rules,
                  "properties": {"packs": [{"name": p["name"], "version": p["version"]}
                                           for p in self.header.get("packs", ())]}}
        # a pack that would not load means rules went unchecked: the run did not fully succeed
        failed = [{"message": {"text": item["problem"]}, "level": "error"}
                  for item in self.header.get("failed_packs") or ()]
        invocation = {"executionSuccessful": not failed, "toolExecutionNotifications": failed + self.notifications}
        stream.write("{\n")
        stream.write(f'  "$schema": {json.dumps(SCHEMA_URI)},\n  "version": "2.1.0",\n  "runs": [\n    {{\n')
        stream.write(f'      "tool": {indented_json({"driver": driver}, 3)},\n')
        stream.write(f'      "invocations": {indented_json([invocation], 3)},\n')
        stream.write(f'      "artifacts": {indented_json(self.artifacts, 3)},\n')
        stream.write('      "results": [')
        copy_spool(self.spooled, stream)
        stream.write("\n      ]\n" if self.count else "]\n")
        stream.write("    }\n  ]\n}\n")
        stream.flush()
        super().finish()
