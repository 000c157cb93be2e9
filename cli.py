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
SUMMARISED = ("json", "jsonl")  # formats whose entries count passing results instead of listing them


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
    reports: Annotated[list[Path], typer.Argument(help="Report files: text, HTML, DOCX or PDF (detected from their content).", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("-o", "--output",
                                                   help="File (one report) or directory to write JSON into. "
                                                        "Without it: one report → JSON on stdout, several → "
                                                        "one JSON document per line.")] = None,
) -> None:
    """Convert reports into JSON documents (docs/document-model.md)."""
    from engine.convert.pipeline import convert_file

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
    from engine.document.validation import validate as validate_document
    from engine.inputs import read_json

    invalid = unreadable = 0
    for path in documents:
        document, error = guarded(str(path), lambda: read_json(path))
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
    from engine.rules.catalog import select_packs  # the same choice the batch's worker processes make

    packs, problems, unknown = select_packs(pack_options or ())
    for problem in (*problems, *unknown):
        say_error(problem)
    return packs, problems


@app.command()
def check(
    reports: Annotated[list[str], typer.Argument(help="Reports (text, HTML, DOCX, PDF) or converted documents (.json): "
                                                      "files, folders or globs.", show_default=False)],
    pack: PackOption = None,
    select: Annotated[Optional[str], typer.Option(help="Only these rule codes or prefixes, comma-separated "
                                                       "(A selects A01…; a pack name selects its rules).")] = None,
    ignore: Annotated[Optional[str], typer.Option(help="Leave out these rule codes or prefixes.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", help="table, json, jsonl, csv, xlsx, junit, sarif or html (xlsx and html need -o FILE).")] = "table",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to this file.")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="table: show passing rules too.")] = False,
    fail_on: Annotated[str, typer.Option(
        "--fail-on", help="Exit 1 when a report fails a rule of this severity or worse: error or warning.")] = "error",
    jobs: Annotated[Optional[int], typer.Option(
        "-j", "--jobs", help="Worker processes (default: all cores). Output is the same whatever N.",
        show_default=False)] = None,
    cache_dir: Annotated[Optional[Path], typer.Option(
        "--cache-dir", help="Cache of converted reports and results (default: .nianbao-cache in the "
                            "current directory).", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    include_passes: Annotated[bool, typer.Option(
        "--include-passes", help="json, jsonl: list every passing result in full (by default they are "
                                 "counted in each report's `passes`).")] = False,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Run the work on this dask.distributed scheduler (tcp://HOST:8786) instead of "
                            "local processes; needs nianbao[dask]. Output is the same as with --jobs.",
        show_default=False)] = None,
) -> None:
    """Convert, validate and check reports against every applicable rule pack.

    Folders are walked and globs expanded; the reports are checked in parallel, in two passes when
    rules compare reports with each other (I02, I03), and results come in input order.
    """
    from engine import inputs
    from engine.batch.run import Batch, CheckerSpec, default_jobs
    from engine.batch.store import CACHE_DIR
    from engine.outputs import FORMATS
    from engine.rules.evaluation import Checker
    from engine.outputs.progress import ProgressDisplay

    if output_format not in FORMATS:
        say_error(f"--format {output_format}: choose one of {', '.join(FORMATS)}")
        raise typer.Exit(BAD_INPUT)
    if FORMATS[output_format].needs_file and output is None:
        say_error(f"--format {output_format} writes a file: give -o FILE")
        raise typer.Exit(BAD_INPUT)
    if fail_on not in ("error", "warning"):
        say_error(f"--fail-on {fail_on}: choose error or warning")
        raise typer.Exit(BAD_INPUT)
    if jobs is not None and jobs < 1:
        say_error(f"--jobs {jobs}: give 1 or more")
        raise typer.Exit(BAD_INPUT)
    packs, problems = _packs(pack)
    if not packs:
        say_error("no rule pack could be loaded")
        raise typer.Exit(BAD_INPUT)
    # A pack the user named that would not load is bad input, even though the others still ran.
    named_broken = any(str(problem).startswith(tuple(pack or ())) for problem in problems) if pack else False
    checker = Checker(packs, select=_codes(select), ignore=_codes(ignore))
    for unknown in checker.unknown_selectors():
        say_error(f"--select/--ignore {unknown}: matches no rule")
    paths = list(inputs.expand(reports))
    if not paths:
        say_error("no report found in the given paths")
        raise typer.Exit(BAD_INPUT)
    spec = CheckerSpec(tuple(pack or ()), tuple(_codes(select)), tuple(_codes(ignore)))
    cache = None if no_cache else cache_dir or Path(CACHE_DIR)
    passes = include_passes or output_format not in SUMMARISED  # the other formats show every result
    try:
        batch = Batch(paths, spec, checker, jobs or default_jobs(), cache, passes, scheduler,
                      texts=FORMATS[output_format].uses_text).__enter__()
    except InputError as error:  # --scheduler: dask missing, or the scheduler unreachable
        say_error(error)
        raise typer.Exit(BAD_INPUT) from None
    with batch, ProgressDisplay() as progress:
        if batch.warning:
            progress.message(f"nianbao: {batch.warning}")

        def checked():
            for path, entry, text in batch.run(progress.update):
                entry["source"]["path"] = str(path)  # where the evaluator finds it again (sarif, junit, csv)
                if entry.get("error"):
                    progress.message(f"nianbao: {entry['error']}")
                yield entry, text

        summary = write_card(output_format, checked(), checker, output,
                             color=output is None and sys.stdout.isatty(), verbose=verbose)
    if summary.unreadable == summary.reports or named_broken:
        raise typer.Exit(BAD_INPUT)
    raise typer.Exit(FINDINGS if summary.failed_at(fail_on) else OK)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier report (text or .json document) or scorecard "
                                             "(--format json/jsonl output).", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later one, of the same kind.", show_default=False)],
    pack: PackOption = None,
    select: Annotated[Optional[str], typer.Option(help="Only these rule codes or prefixes (reports only).")] = None,
    ignore: Annotated[Optional[str], typer.Option(help="Leave out these rule codes or prefixes.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Compare two reports of one agency (or two scorecards): new, resolved and persisting findings, and
    the table cells that changed (old → new). Exit 1 when NEW has findings OLD had not."""
    from engine.batch import diff as differ
    from engine.outputs.difftext import render_text
    from engine.rules.evaluation import Checker

    if output_format not in ("text", "json"):
        say_error(f"--format {output_format}: choose text or json")
        raise typer.Exit(BAD_INPUT)
    cards, error = guarded(str(old), lambda: (differ.read_scorecard(old), differ.read_scorecard(new)))
    if error:
        say_error(error)
        raise typer.Exit(BAD_INPUT)
    if (cards[0] is None) != (cards[1] is None):
        say_error("diff: give two reports, or two scorecards (--format json or jsonl output), not one of each")
        raise typer.Exit(BAD_INPUT)
    if cards[0] is not None:
        pairs = [differ.diff(a, b) for a, b in differ.pair(cards[0], cards[1])]
    else:
        packs, _ = _packs(pack)
        if not packs:
            say_error("no rule pack could be loaded")
            raise typer.Exit(BAD_INPUT)
        checker = Checker(packs, select=_codes(select), ignore=_codes(ignore))
        checked, error = guarded(f"{old}, {new}", lambda: differ.check_reports(checker, [old, new]))
        if error:
            say_error(error)
            raise typer.Exit(BAD_INPUT)
        (old_entry, old_doc), (new_entry, new_doc) = checked
        pairs = [differ.diff(old_entry, new_entry, old_doc, new_doc)]
    data = differ.report(pairs)
    sys.stdout.write(dumps(data) if output_format == "json" else render_text(data))
    raise typer.Exit(FINDINGS if any(item["findings"]["new"] for item in pairs) else OK)


def write_card(output_format: str, items, checker, output: Path | None, color: bool = False,
               verbose: bool = False):
    """Write the checked (entry, text) pairs in one format to `output` or stdout; return the batch summary."""
    from engine.outputs import Options, write
    from engine.scorecard.entry import checker_header

    options = Options(color=color, verbose=verbose)
    return write(output_format, items, checker_header(checker), output if output is not None else sys.stdout,
                 checker.packs, options)


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
        if rule.compare is not None:
            for name, selector in rule.compare.names.items():
                typer.echo(f"  compare   {name} = {selector.describe()}（{selector.key}）")
            typer.echo(f"  missing   {rule.compare.missing}")
        typer.echo(f"  defined at {item.path}:{rule.line}")
        for kind, examples in _example_counts(rule).items():
            typer.echo(f"  examples  {kind}: {examples}")


def _example_counts(rule) -> dict[str, int]:
    counts: dict[str, int] = {}
    for example in rule.examples:
        counts[example.kind] = counts.get(example.kind, 0) + 1
    return counts


if __name__ == "__main__":
    app()
