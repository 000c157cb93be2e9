"""Where a scorecard file goes: checked before any work, written beside it, put in place at the end.

    destination = Destination(Path("card.json"))
    destination.check()              # InputError now, not after an hour of checking
    with destination as path:        # a temporary file in the same folder
        write(..., path)             # an exception (Ctrl-C too) removes it; card.json is untouched
                                     # on success it is renamed over card.json in one step

A rename within one folder is atomic, so a reader (or an interrupted run) sees the previous
scorecard or the new one, never a truncated file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from engine.errors import InputError


class Destination:
    """One output file, replaced atomically; use `check()` first, then `with` around the writing."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.temporary: Path | None = None

    def check(self) -> None:
        """InputError (one line) unless the file can be written: the folder exists and takes a new file."""
        where = str(self.path)
        if self.path.is_dir():
            raise InputError("cannot write the output: it is a folder", where)
        folder = self.path.parent
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise InputError(f"cannot write the output: folder {folder} {what}", where)
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise InputError("cannot write the output: no permission to replace the existing file", where)
        self._open()  # the real test: make a file there (removed again: the inputs are listed next,
        self.discard()  # and a folder walk must not meet it)

    def _open(self) -> None:
        if self.temporary is not None:
            return
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        except OSError as error:
            raise InputError(f"cannot write the output: {error.strerror or error}", str(self.path)) from None
        os.close(handle)
        self.temporary = Path(name)

    def __enter__(self) -> Path:
        self._open()
        return self.temporary  # type: ignore[return-value]

    def __exit__(self, kind: Any, *exc: Any) -> None:
        if kind is not None:
            self.discard()
            return
        try:
            mode = self.path.stat().st_mode & 0o7777 if self.path.exists() else _default_mode()
            os.chmod(self.temporary, mode)  # type: ignore[arg-type]  # mkstemp made it private (0600)
            os.replace(self.temporary, self.path)  # type: ignore[arg-type]
        except OSError as error:
            self.discard()
            raise InputError(f"cannot write the output: {error.strerror or error}", str(self.path)) from None
        self.temporary = None

    def discard(self) -> None:
        """Remove the temporary file (the previous output, if any, stays as it was)."""
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
            self.temporary = None


def _default_mode() -> int:
    """The mode a new file gets here: 0666 less the umask (reading the umask means setting it)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
