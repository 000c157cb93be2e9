"""The one error type that reaches the user: a file, a place in it, and what is wrong."""

from __future__ import annotations


class InputError(Exception):
    """Bad input (file, rule pack, expression) described in one line: `file:place: message`."""

    def __init__(self, message: str, file: str | None = None, place: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.place = place

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.place) if part)
        return f"{where}: {self.message}" if where else self.message
