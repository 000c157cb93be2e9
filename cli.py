"""The `nianbao` command: parses arguments, calls the engine, renders, and owns the exit codes.

Exit codes: 0 success, 1 findings (invalid documents, failed rules), 2 bad input or usage.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from engine import __version__
from engine.errors import InputError

app = typer.Typer(
    help="nianbao：政府信息公开工作年度报告的转换与检查。Convert and check annual reports on government "
         "information disclosure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

OK, FINDINGS, BAD_INPUT = 0, 1, 2


def say_error(message: object) -> None:
    """Print one error line to stderr."""
    typer.echo(f"nianbao: {message}", err=True)


def dumps(document: object) -> str:
    """The one JSON form nianbao writes: stable key order, UTF-8 text, a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def guarded(name: str, action):
    """Run `action()`; turn bad input (and, unless NIANBAO_DEBUG is set, any crash) into one error line."""
    try:
        return action(), None
    except InputError as error:
        return None, str(error)
    except Exception as error:  # noqa: BLE001 - the user gets one line, never a traceback
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        return None, f"{name}: internal error: {type(error).__name__}: {error}"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nianbao {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Print the version and exit.")] = None,
) -> None:
    """nianbao：政府信息公开工作年度报告的转换与检查。"""


@app.command()
def convert(
    reports: Annotated[list[Path], typer.Argument(help="Report files (text).", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("-o", "--output",
                                                   help="File (one report) or directory to write JSON into. "
                                                        "Without it: one report → JSON on stdout, several → "
                                                        "one JSON document per line.")] = None,
) -> None:
    """Convert reports into JSON documents (docs/document-model.md)."""
    from engine.conversion import convert_file

    to_dir = output is not None and (output.is_dir() or len(reports) > 1 or str(output).endswith(os.sep))
    if to_dir:
        output.mkdir(parents=True, exist_ok=True)
    failed = 0
    for report in reports:
        document, error = guarded(str(report), lambda: convert_file(report))
        if error:
            say_error(error)
            failed += 1
            continue
        if output is None:
            sys.stdout.write(dumps(document) if len(reports) == 1 else
                             json.dumps(document, ensure_ascii=False) + "\n")
        else:
            target = output / f"{report.stem}.json" if to_dir else output
            target.write_text(dumps(document), encoding="utf-8")
    raise typer.Exit(BAD_INPUT if failed else OK)


@app.command()
def validate(
    documents: Annotated[list[Path], typer.Argument(help="JSON documents made by `nianbao convert`.",
                                                    show_default=False)],
) -> None:
    """Check documents against the document JSON Schema; print every error with its JSON path."""
    from engine.validation import validate as validate_document

    invalid = unreadable = 0
    for path in documents:
        document, error = guarded(str(path), lambda: _load_json(path))
        if error:
            say_error(error)
            unreadable += 1
            continue
        errors = validate_document(document)
        for problem in errors:
            typer.echo(f"{path}: {problem}")
        if errors:
            invalid += 1
        else:
            typer.echo(f"{path}: valid")
    raise typer.Exit(BAD_INPUT if unreadable else FINDINGS if invalid else OK)


def _load_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg}", str(path), f"{error.lineno}:{error.colno}") from None


if __name__ == "__main__":
    app()
