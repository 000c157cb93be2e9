"""The `nianbao` command: parses arguments, calls the engine, renders, and owns the exit codes.

Exit codes: 0 success, 1 findings (invalid documents, failed rules), 2 bad input or usage (any input
that could not be checked, a pack that would not load), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C before a command has anything to clean up (imports, argument parsing): one line, 130."""
    sys.stderr.write("nianbao: interrupted\n")
    sys.stderr.flush()
    os._exit(130)


# Only as the command itself (an importer, such as the tests, keeps its own Ctrl-C), and first, so
# that the imports below are covered too.
if __name__ == "__main__" or os.path.basename(sys.argv[0]) == "nianbao":
    signal.signal(signal.SIGINT, _interrupted)

import json  # noqa: E402
from contextlib import ExitStack, nullcontext  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, Optional  # noqa: E402

import typer  # noqa: E402

from engine import __version__  # noqa: E402
from engine.errors import InputError  # noqa: E402

app = typer.Typer(
    help="nianbao：政府信息公开工作年度报告的转换与检查。Convert and check annual reports on government "
         "information disclosure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

OK, FINDINGS, BAD_INPUT, INTERRUPTED = 0, 1, 2, 130
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
    from engine.outputs.destination import Destination

    to_dir = output is not None and (output.is_dir() or len(reports) > 1 or str(output).endswith(os.sep))
    if output is not None:  # an output that cannot be written is found before any work
        _, error = guarded(str(output), (lambda: _make_folder(output)) if to_dir else Destination(output).check)
        if error:
            say_error(error)
            raise typer.Exit(BAD_INPUT)
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
            _, error = guarded(str(target), lambda: target.write_text(dumps(document), encoding="utf-8"))
            if error:
                say_error(error)
                failed += 1
    raise typer.Exit(BAD_INPUT if failed else OK)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot write the output: {error.strerror or error}", str(folder)) from None


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


packs_app = typer.Typer(help="Installed rule packs: list them, run their examples, document them.", no_args_is_help=True)
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
    if signal.getsignal(signal.SIGINT) is _interrupted:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # from here on: clean up, then exit 130
    try:
        code = _check(reports, pack, select, ignore, output_format, output, verbose, fail_on, jobs, cache_dir,
                      no_cache, include_passes, scheduler)
    except KeyboardInterrupt:
        # Workers ignore SIGINT and the pool is terminated on the way out; the cache has committed
        # what was done (a rerun resumes from it) and -o was never touched (see Destination).
        kept = f"; {output} is left as it was" if output is not None else ""
        say_error(f"interrupted{kept}")
        raise typer.Exit(INTERRUPTED) from None
    raise typer.Exit(code)


def _check(reports, pack, select, ignore, output_format, output, verbose, fail_on, jobs, cache_dir,
           no_cache, include_passes=False, scheduler=None) -> int:
    """The check command's work; its exit code."""
    from engine import inputs
    from engine.batch.run import Batch, CheckerSpec, default_jobs
    from engine.batch.single import interleave
    from engine.batch.store import CACHE_DIR
    from engine.outputs import FORMATS
    from engine.outputs.destination import Destination
    from engine.rules.evaluation import Checker
    from engine.outputs.progress import ProgressDisplay

    if output_format not in FORMATS:
        return usage(f"--format {output_format}: choose one of {', '.join(FORMATS)}")
    if FORMATS[output_format].needs_file and output is None:
        return usage(f"--format {output_format} writes a file: give -o FILE")
    if fail_on not in ("error", "warning"):
        return usage(f"--fail-on {fail_on}: choose error or warning")
    if jobs is not None and jobs < 1:
        return usage(f"--jobs {jobs}: give 1 or more")
    destination = Destination(output) if output is not None else None
    if destination is not None:
        _, error = guarded(str(output), destination.check)  # before any work, not after the batch
        if error:
            return usage(error)
    packs, problems = _packs(pack)
    if not packs:
        return usage("no rule pack could be loaded")
    checker = Checker(packs, select=_codes(select), ignore=_codes(ignore))
    unknown = checker.unknown_selectors()
    if unknown:  # a typo must not pass as "no rule failed"
        for selector in unknown:
            say_error(f"--select/--ignore {selector}: matches no rule")
        return BAD_INPUT
    listed = list(inputs.listing(reports))
    skipped = [{"path": str(item.path), "reason": item.skipped} for item in listed if item.skipped]
    for item in skipped:
        say_error(f"{item['path']}: skipped: {item['reason']}")
    listed = [item for item in listed if item.skipped is None]
    if not listed:
        return usage("no report found in the given paths")
    paths = [item.path for item in listed if item.problem is None]
    spec = CheckerSpec(tuple(pack or ()), tuple(_codes(select)), tuple(_codes(ignore)))
    cache = None if no_cache else cache_dir or Path(CACHE_DIR)
    header = {"failed": [_failed(problem) for problem in problems], "skipped": skipped}
    passes = include_passes or output_format not in SUMMARISED  # the other formats show every result
    batch = Batch(paths, spec, checker, jobs or default_jobs(), cache, passes, scheduler,
                  texts=FORMATS[output_format].uses_text)
    with ExitStack() as stack:
        try:
            stack.enter_context(batch)
        except InputError as error:  # --scheduler: dask missing, or the scheduler unreachable
            return usage(str(error))
        progress = stack.enter_context(ProgressDisplay())
        # the -o file is replaced only if all goes well
        target = stack.enter_context(destination or nullcontext(None))
        if batch.warning:
            progress.message(f"nianbao: {batch.warning}")

        def checked():
            for path, entry, text in interleave(listed, batch.run(progress.update) if paths else iter(())):
                entry["source"]["path"] = str(path)  # where the evaluator finds it again (sarif, junit, csv)
                if entry.get("error"):
                    progress.message(f"nianbao: {entry['error']}")
                yield entry, text

        summary = write_card(output_format, checked(), checker, target, header,
                             color=output is None and sys.stdout.isatty(), verbose=verbose)
    if summary.unreadable or problems:
        parts = [f"{summary.unreadable} of {summary.reports} inputs could not be checked"] if summary.unreadable else []
        parts += [f"{len(problems)} rule pack(s) or plugin(s) failed to load"] if problems else []
        say_error("; ".join(parts) + " (exit 2)")
        return BAD_INPUT
    return FINDINGS if summary.failed_at(fail_on) else OK


def usage(message: str) -> int:
    """Print a one-line error about the command line or its inputs; the bad-input exit code."""
    say_error(message)
    return BAD_INPUT


def _failed(problem) -> dict[str, str]:
    """A pack or plugin that would not load, as the scorecard header lists it."""
    name = getattr(problem, "file", None) or getattr(problem, "name", None) or "?"
    return {"name": str(name), "problem": str(problem)}


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


def write_card(output_format: str, items, checker, output: Path | None, header: dict | None = None,
               color: bool = False, verbose: bool = False):
    """Write the checked (entry, text) pairs in one format to `output` or stdout; return the batch summary.

    `header` adds the checker header's failed packs and skipped files (engine.scorecard.entry).
    """
    from engine.outputs import Options, write
    from engine.scorecard.entry import checker_header

    options = Options(color=color, verbose=verbose)
    return write(output_format, items, checker_header(checker, **(header or {})),
                 output if output is not None else sys.stdout, checker.packs, options)


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
    coverage: Annotated[bool, typer.Option("--coverage", help="Also show, per rule, whether its examples make it "
                                           "pass and fail and which when/for_each/if branches they reach.")] = False,
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
    if coverage:
        _coverage(packs)
    raise typer.Exit(BAD_INPUT if problems else FINDINGS if failed else OK)


def _coverage(packs) -> None:
    """One line per rule: pass, fail and each branch, ✓ when an example reaches it."""
    from engine.rules.coverage import pack_coverage

    rules = complete = 0
    for item in packs:
        for found in pack_coverage(item):
            rules += 1
            complete += found.complete
            marks = [f"{'✓' if found.passes else '✗'}pass", f"{'✓' if found.fails else '✗'}fail"]
            marks += [f"{'✓' if reached else '✗'}{_short(branch)}" for branch, reached in found.branches.items()]
            typer.echo(f"{found.pack}:{found.code}  " + "  ".join(marks))
            for problem in found.problems:
                typer.echo(f"    cannot trace {problem}")
    typer.echo(f"coverage: {complete} of {rules} rules pass, fail and reach every branch in their examples")


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


@packs_app.command("doc")
def packs_doc(
    name: Annotated[str, typer.Argument(help="The pack to document (its name, or a YAML file).")],
    output_format: Annotated[str, typer.Option("--format", help="md (Markdown) or html.")] = "md",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to this file.")] = None,
) -> None:
    """Write a pack's rules (title, basis, severity, description, examples) as a Chinese Markdown or HTML page."""
    from engine.outputs.packdoc import FORMATS

    if output_format not in FORMATS:
        say_error(f"--format {output_format}: use one of {', '.join(FORMATS)}")
        raise typer.Exit(BAD_INPUT)
    is_file = name.endswith((".yaml", ".yml"))
    packs, _ = _packs([name])
    found = [item for item in packs if (str(item.path) == name if is_file else item.name == name)]
    if not found:
        say_error(f"no installed pack called {name}" if not is_file else f"{name}: the pack did not load")
        raise typer.Exit(BAD_INPUT)
    page = FORMATS[output_format](found[0])
    if output is None:
        typer.echo(page, nl=False)
    else:
        output.write_text(page, encoding="utf-8")
    raise typer.Exit(OK)


@packs_app.command("schema")
def packs_schema() -> None:
    """Print where the installed pack JSON Schema is, and the line that names it at the top of a pack."""
    from engine.rules.packschema import schema_path

    path = schema_path()
    typer.echo(str(path))
    typer.echo(f"# yaml-language-server: $schema={path.as_uri()}")


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
