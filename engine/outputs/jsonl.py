"""`--format jsonl`: one report entry per line (each a `#/$defs/report` of the scorecard schema)."""

from __future__ import annotations

import json
from typing import Any

from engine.outputs.base import Writer


class JsonLinesWriter(Writer):
    """One compact JSON object per report, written as soon as it is checked."""

    name = "jsonl"
    description = "one report entry per line (JSON Lines)"
    uses_text = False

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.stream = self.text_stream()

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        self.stream.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")

    def finish(self) -> None:
        self.stream.flush()
        super().finish()
