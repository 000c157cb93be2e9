"""`--format json`: the whole scorecard (nianbao-scorecard/2), written report by report.

The bytes are exactly `engine.scorecard.entry.dumps(scorecard(...))`: the header's members, then each
report as it comes, then the batch summary, all indented as `json.dumps(card, indent=2)` would.
"""

from __future__ import annotations

import json
from typing import Any

from engine.outputs.base import Writer, indented_json


class JsonWriter(Writer):
    """One JSON document; reports are streamed, so memory does not grow with the batch."""

    name = "json"
    description = "the scorecard as one JSON document (schemas/scorecard.schema.json)"
    uses_text = False

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.stream = self.text_stream()
        self.stream.write("{\n")
        for key, value in header.items():
            self.stream.write(f"  {json.dumps(key, ensure_ascii=False)}: {indented_json(value, 1)},\n")
        self.stream.write('  "reports": [')
        self.count = 0

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        self.stream.write(("," if self.count else "") + "\n    " + indented_json(entry, 2))
        self.count += 1

    def finish(self) -> None:
        self.stream.write("\n  ],\n" if self.count else "],\n")
        self.stream.write(f'  "summary": {indented_json(self.summary.as_dict(), 1)}\n}}\n')
        self.stream.flush()
        super().finish()
