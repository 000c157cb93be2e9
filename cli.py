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


packs_app = typer.Typer(help="Installed rule packs: list them, run their examples.", no_args_is_help=True)
rules_app = typer.Typer(help="Look up rules.", no_args_is_help=True)
app.add_typer(packs_app, name="packs")
app.add_typer(rules_app, name="rules")

PackOption = Annotated[Optional[list[str]], typer.Option(
    "--pack", help="Load a pack from a YAML file (for pack authors), or keep only the installed pack "
                   "of that name. Repeatable.")]


def _packs(pack_options: list[str] | None):
    """Installed packs (plus --pack files), narrowed to --pack names; problems printed, never fatal."""
    from engine.rules.catalog import installed_packs

    files = [p for p in pack_options or () if p.endswith((".yaml", ".yml")) or Path(p).is_file()]
    names = [p for p in pack_options or () if p not in files]
    packs, problems = installed_packs(extra_paths=files)
    for problem in problems:
        say_error(problem)
    if names:
        known = {pack.name for pack in packs}
        for name in names:
            if name not in known:
                say_error(f"--pack {name}: no such pack (installed: {', '.join(sorted(known)) or 'none'})")
        packs = [pack for pack in packs if pack.name in names or str(pack.path) in files]
    return packs, problems


@app.command()
def check(
    reports: Annotated[list[str], typer.Argument(help="Reports (text) or converted documents (.json): "
                                                      "files, folders or globs.", show_default=False)],
    pack: PackOption = None,
    select: Annotated[Optional[str], typer.Option(help="Only these rule codes or prefixes, comma-separated "
                                                       "(A selects A01…; a pack name selects its rules).")] = None,
    ignore: Annotated[Optional[str], typer.Option(help="Leave out these rule codes or prefixes.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to this file.")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="table: show passing rules too.")] = False,
) -> None:
    """Convert, validate and check reports against every applicable rule pack."""
    from engine import inputs, render
    from engine.checking import check_path
    from engine.rules.evaluation import Checker
    from engine.rules.scorecard import dumps as dump_card
    from engine.rules.scorecard import scorecard

    if output_format not in ("table", "json"):
        say_error(f"--format {output_format}: choose table or json")
        raise typer.Exit(BAD_INPUT)
    packs, _ = _packs(pack)
    if not packs:
        say_error("no rule pack could be loaded")
        raise typer.Exit(BAD_INPUT)
    checker = Checker(packs, select=_codes(select), ignore=_codes(ignore))
    for unknown in checker.unknown_selectors():
        say_error(f"--select/--ignore {unknown}: matches no rule")
    paths = list(inputs.expand(reports))
    if not paths:
        say_error("no report found in the given paths")
        raise typer.Exit(BAD_INPUT)
    entries = []
    styled = output is None and output_format == "table" and sys.stdout.isatty()
    style = typer.style if styled else (lambda text, **_: text)
    blocks = []
    for path in paths:
        entry, text = check_path(checker, path)
        entries.append(entry)
        if entry.get("error"):
            say_error(entry["error"])
        if output_format == "table":
            blocks.append(render.report_text(entry, text.split("\n") if text else None, style, verbose))
    if output_format == "json":
        rendered = dump_card(scorecard(packs, entries))
    else:
        rendered = "\n\n".join(blocks) + "\n\n" + render.summary_line(entries) + "\n"
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    if all(entry.get("error") for entry in entries):
        raise typer.Exit(BAD_INPUT)
    failed = any(r["outcome"] == "fail" and r["severity"] == "error" for e in entries for r in e["results"])
    raise typer.Exit(FINDINGS if failed else OK)


def _codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@packs_app.command("list")
def packs_list(pack: PackOption = None) -> None:
    """List installed packs: name, version, rule count, scope, templates."""
    packs, problems = _packs(pack)
    for item in packs:
        typer.echo(f"{item.name:<14} {item.version:<8} {len(item.rules):>3} rules  "
                   f"{item.scope.describe():<16} templates {','.join(item.templates)}  {item.title}")
    raise typer.Exit(BAD_INPUT if problems and not packs else OK)


@packs_app.command("test")
def packs_test(
    name: Annotated[Optional[str], typer.Argument(help="Only this pack.")] = None,
    pack: PackOption = None,
) -> None:
    """Run every example of every rule; a rule without a passing and a failing example fails too."""
    from engine.rules.examples import run_examples

    packs, problems = _packs(pack)
    if name:
        packs = [item for item in packs if item.name == name]
        if not packs:
            say_error(f"no installed pack called {name}")
            raise typer.Exit(BAD_INPUT)
    passed = failed = 0
    for item in packs:
        for outcome in run_examples(item):
            if outcome.ok:
                passed += 1
            else:
                failed += 1
                typer.echo(f"{item.path}:{outcome.line}: {outcome.id}: {outcome.detail}")
    typer.echo(f"{passed} passed, {failed} failed")
    raise typer.Exit(BAD_INPUT if problems else FINDINGS if failed else OK)


@rules_app.command("show")
def rules_show(
    code: Annotated[str, typer.Argument(help="Rule code (A01) or pack:code (national:A01).")],
    pack: PackOption = None,
) -> None:
    """Show a rule: its text, basis, expression and examples."""
    from engine.rules.catalog import find_rule

    packs, _ = _packs(pack)
    found = find_rule(code, packs)
    if not found:
        say_error(f"no rule {code} in the installed packs")
        raise typer.Exit(BAD_INPUT)
    for item, rule in found:
        typer.echo(f"{item.name}:{rule.code} {rule.name} — {rule.title}")
        typer.echo(f"  severity  {rule.severity}    category  {rule.category}    templates  {','.join(rule.templates)}")
        typer.echo(f"  basis     {rule.basis}")
        if rule.description:
            typer.echo(f"  {rule.description}")
        typer.echo(f"  defined at {item.path}:{rule.line}")
        for kind, examples in _example_counts(rule).items():
            typer.echo(f"  examples  {kind}: {examples}")


def _example_counts(rule) -> dict[str, int]:
    counts: dict[str, int] = {}
    for example in rule.examples:
        counts[example.kind] = counts.get(example.kind, 0) + 1
    return counts


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
