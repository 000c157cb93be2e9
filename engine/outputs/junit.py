"""`--format junit`: JUnit XML (the Jenkins xunit junit-10.xsd dialect) for CI dashboards.

One testsuite per report, one testcase per result (a rule, or one binding of a for_each rule):
`failure` for fail (its type the severity), `error` for a rule that broke, `skipped` for not
applicable and not evaluable. A report that could not be read is a suite with one erroring case.
Suites are spooled to a temporary file because the root element carries the batch's totals.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from engine.outputs.base import Writer, copy_spool, spool, xml_safe


def case_name(result: dict[str, Any]) -> str:
    """A testcase name: code and title, and what a for_each rule was bound to."""
    name = f"{result['code']} {result['title']}"
    binding = result.get("binding") or {}
    labels = []
    for value in binding.values():
        if isinstance(value, dict):
            value = next((value[k] for k in ("label", "pointer", "value") if value.get(k) is not None), "")
        labels.append(str(value))
    return name + (f" [{' · '.join(labels)}]" if labels else "")


def _body(result: dict[str, Any]) -> str:
    lines = []
    explanation = (result.get("explanation") or {}).get("text")
    if explanation:
        lines.append(explanation)
    for location in result.get("locations") or ():
        title = f" {location['title']}" if location.get("title") else ""
        value = f" = {location['value']}" if location.get("value") is not None else ""
        lines.append(f"第{location['line']}行{title}{value}")
    lines.append(f"id {result['id']}")
    return "\n".join(lines)


def _element(tag: str, attributes: dict[str, Any], text: str | None = None) -> ET.Element:
    element = ET.Element(tag, {key: xml_safe(value) for key, value in attributes.items() if value is not None})
    if text:
        element.text = xml_safe(text)
    return element


def testsuite(entry: dict[str, Any]) -> tuple[ET.Element, dict[str, int]]:
    """One report as a testsuite, and its counts (tests, failures, errors, skipped)."""
    source = entry.get("source") or {}
    meta = entry.get("meta") or {}
    results = entry.get("results") or []
    counts = {"tests": len(results), "failures": 0, "errors": 0, "skipped": 0}
    cases = []
    for result in results:
        case = _element("testcase", {"name": case_name(result), "classname": f"{result['pack']}.{result['code']}"})
        outcome = result["outcome"]
        message = result.get("message") or result["title"]
        if outcome == "fail":
            counts["failures"] += 1
            case.append(_element("failure", {"type": result["severity"], "message": message}, _body(result)))
        elif outcome == "error":
            counts["errors"] += 1
            case.append(_element("error", {"type": "rule-error", "message": message}))
        elif outcome in ("not_applicable", "not_evaluable"):
            counts["skipped"] += 1
            case.append(_element("skipped", {"type": outcome, "message": message}))
        cases.append(case)
    if entry.get("error"):
        counts.update(tests=1, errors=1)
        case = _element("testcase", {"name": "读取与转换", "classname": "nianbao.input"})
        case.append(_element("error", {"type": "input", "message": entry["error"]}))
        cases.append(case)
    suite = _element("testsuite", {"name": source.get("name") or "", **{k: str(v) for k, v in counts.items()},
                                   "package": "nianbao", "file": source.get("path") or source.get("name")})
    score = entry.get("score") or {}
    properties = [("agency", meta.get("agency")), ("year", meta.get("year")), ("template", entry.get("template")),
                  ("province", (meta.get("region") or {}).get("province")), ("sha256", source.get("sha256")),
                  ("score", score.get("score")), ("grade", score.get("grade"))]
    if any(value is not None for _, value in properties):
        holder = ET.SubElement(suite, "properties")
        for name, value in properties:
            if value is not None:
                holder.append(_element("property", {"name": name, "value": str(value)}))
    suite.extend(cases)
    return suite, counts


class JunitWriter(Writer):
    """JUnit XML; suites spooled to disk, totals written on the root at the end."""

    name = "junit"
    description = "JUnit XML: a testsuite per report, a testcase per rule or binding"

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.spooled = spool()
        self.totals = {"tests": 0, "failures": 0, "errors": 0}

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        suite, counts = testsuite(entry)
        for key in self.totals:
            self.totals[key] += counts[key]
        ET.indent(suite, space="  ", level=1)
        self.spooled.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def finish(self) -> None:
        stream = self.text_stream()
        attributes = " ".join(f'{key}="{value}"' for key, value in self.totals.items())
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nianbao" {attributes}>\n')
        copy_spool(self.spooled, stream)
        stream.write("</testsuites>\n")
        stream.flush()
        super().finish()
