"""The ``zhpolicy`` command line (typer).

Exit codes, every command: 0 success; 1 some documents failed (extract) or a chart could not be
drawn; 2 usage errors (bad option, missing or unreadable input, an input that is not what the
command reads); 70 an unexpected internal error (one line on standard error; the traceback with
``--debug``); 130 interrupted.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.exceptions
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from pipeline import __version__
from pipeline.wording import plural

INTERNAL_ERROR = 70  # sysexits.h EX_SOFTWARE
_log = logging.getLogger("zhpolicy")
err_console = Console(stderr=True)
_debug = {"on": bool(os.environ.get("ZHPOLICY_DEBUG"))}


# typer's own control flow (exit codes, usage errors, Ctrl-C) is not an internal error.
_PASS_THROUGH = (typer.Exit, typer.Abort, typer.exceptions.TyperException, KeyboardInterrupt, SystemExit)


class _Commands(TyperGroup):
    """Commands in the order written; an unexpected exception becomes one line and exit 70
    (the traceback only with ``--debug``), never a wall of frames for a user to read."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            if _debug["on"]:
                raise
            err_console.print(
                f"[red]internal error:[/red] {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)",
                highlight=False,
                soft_wrap=True,
                markup=True,
            )
            raise typer.Exit(INTERNAL_ERROR) from None


app = typer.Typer(
    name="zhpolicy",
    help="Turn Chinese policy documents and news about them into validated structured records.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    cls=_Commands,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zhpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what each stage does (standard error).")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Debug logging, and the full traceback of an unexpected error.")
    ] = False,
) -> None:
    """zhpolicy: targets, deadlines, programmes, cited policies and agencies from Chinese policy
    texts, as one JSON record per document."""
    _debug["on"] = debug or _debug["on"]
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(level)
    _verbose["on"] = verbose or debug


_verbose = {"on": False}


class SegmentMode(StrEnum):
    """The segmenter modes of ``pipeline.segment.SEGMENT_MODES``."""

    candidates = "candidates"
    full = "full"


class By(StrEnum):
    jurisdiction = "jurisdiction"
    doc = "doc"
    agency = "agency"  # issue 11: each responsible body's targets


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    json = "json"


class RecordFormat(StrEnum):
    """What ``zhpolicy extract`` writes (``pipeline.output.FORMATS``)."""

    jsonl = "jsonl"
    parquet = "parquet"


SUFFIX_FORMATS = {
    ".csv": OutputFormat.csv,
    ".md": OutputFormat.markdown,
    ".markdown": OutputFormat.markdown,
    ".html": OutputFormat.html,
    ".htm": OutputFormat.html,
    ".json": OutputFormat.json,
    ".txt": OutputFormat.table,
}


def _load_nlp(model: str | None, segment: str, judge: str | None = None) -> Any:
    import pipeline

    started = time.perf_counter()
    try:
        nlp = pipeline.load(model=model, segment=segment, judge=judge)
        _log.info(
            "pipeline loaded in %.1f s: %s (segment=%s)",
            time.perf_counter() - started,
            ", ".join(nlp.pipe_names),
            segment,
        )
        return nlp
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _check_resources() -> None:
    """A broken resource file stops the run before any document is read (exit 2), also when the
    pipeline itself is loaded only in worker processes."""
    from pipeline.lexicon import validate_resources

    try:
        validate_resources()
    except ValueError as exc:
        _usage_error(f"broken resource: {exc}")


def _usage_error(message: str) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _check_parquet_output(paths: list[str], output: Path) -> None:
    """A Parquet directory is never an input, nor inside one (its parts would be read back as
    inputs), nor a file."""
    if output.exists() and not output.is_dir():
        _usage_error(f"--output {output} is a file; --format parquet writes a directory")
    resolved = os.path.realpath(output)
    for path in paths:
        if path == "-":
            continue
        given = os.path.realpath(path)
        if resolved == given or resolved.startswith(os.path.join(given, "")):
            _usage_error(f"--output {output} is inside the input {path}: its parts would be read as inputs")
        if given.startswith(os.path.join(resolved, "")):
            _usage_error(f"--output {output} holds the input {path}: it would be overwritten")


def _check_extract_usage(
    paths: list[str],
    output: Path | None,
    resume: bool,
    force: bool,
    model: str | None,
    segment: str,
    output_format: str = "jsonl",
    dask: str | None = None,
) -> None:
    """Mistakes in the command line stop the run before it starts (exit 2)."""
    from pipeline.config import PipelineConfig

    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        _usage_error(f"no such file or directory: {', '.join(missing)}")
    if paths.count("-") > 1:
        _usage_error("standard input (-) can be given once")
    to_stdout = output is None or str(output) == "-"
    if (resume or force) and to_stdout:
        _usage_error("--resume and --force need an --output file")
    if resume and force:
        _usage_error("--resume continues an output, --force overwrites it: give one of them")
    if output_format == "parquet" and to_stdout:
        _usage_error("--format parquet writes a directory: give it with --output DIR")
    if output_format == "jsonl" and output is not None and output.is_dir():
        _usage_error(f"--output {output} is a directory (for a Parquet directory add --format parquet)")
    if output_format == "parquet" and output is not None and not to_stdout:
        _check_parquet_output(paths, output)
    if output_format == "jsonl" and output is not None and not to_stdout and output.is_file():
        from pipeline.read import SUPPORTED_SUFFIXES, is_zhpolicy_output

        resolved = os.path.realpath(output)
        for path in paths:
            if path != "-" and Path(path).is_file() and os.path.samefile(path, output):
                _usage_error(f"--output {output} is the input file {path}: it would be overwritten")
            inside = Path(path).is_dir() and resolved.startswith(os.path.join(os.path.realpath(path), ""))
            if (
                inside
                and output.suffix.lower() in SUPPORTED_SUFFIXES
                and output.stat().st_size > 0
                and not is_zhpolicy_output(output)
            ):
                _usage_error(f"--output {output} is an input file in {path}: it would be overwritten")
    if dask is not None:
        from pipeline.cluster import address_problem

        problem = address_problem(dask)
        if problem:
            _usage_error(problem)
    try:
        PipelineConfig(model=model, segment=segment)
    except ValueError as exc:
        _usage_error(exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc))
    if model is not None:
        import spacy

        if not spacy.util.is_package(model) and not Path(model).exists():
            _usage_error(f"no installed spaCy pipeline or directory {model!r}")


class _Progress:
    """A live line on standard error (documents/s, characters/s, errors) when it is a terminal;
    with a total (counted in the background when the inputs are files and directories), also the
    percentage done and the time remaining."""

    def __init__(self, enabled: bool, count: Callable[[], int | None] | None = None) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.enabled = enabled
        self.progress = Progress(
            SpinnerColumn(),
            BarColumn(bar_width=16),
            TaskProgressColumn(),
            TextColumn("left"),
            TimeRemainingColumn(compact=True),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=err_console,
            disable=not enabled,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=None)
        self.started = time.perf_counter()
        self.shown = 0.0
        self.count = count
        self.skipped: Callable[[], int] = lambda: 0

    def _count_in_background(self) -> None:
        count = self.count
        if count is None:
            return

        def run() -> None:
            try:
                total = count()
            except Exception:  # a total is a nicety: never let it stop the run
                return
            if total is not None:
                self.progress.update(self.task, total=total)

        import threading

        threading.Thread(target=run, name="zhpolicy-count", daemon=True).start()

    def __enter__(self) -> _Progress:
        self.progress.start()
        if self.enabled:
            self._count_in_background()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, outcome: Any, summary: Any) -> None:
        now = time.perf_counter()
        if now - self.shown < 0.1:  # rich redraws ten times a second; format no more often
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-9)
        self.progress.update(
            self.task,
            completed=summary.documents + self.skipped(),
            description=(
                f"{plural(summary.documents, 'document')}  {summary.documents / elapsed:,.1f} docs/s  "
                f"{summary.characters / elapsed:,.0f} chars/s  {plural(summary.error_count, 'error')}"
            ),
        )


class _Stop:
    """SIGTERM handled as Ctrl-C is: the run stops after the last whole line (exit 143)."""

    def __init__(self) -> None:
        self.signal: int | None = None

    def __enter__(self) -> _Stop:
        import signal

        def terminate(signum: int, frame: object) -> None:
            self.signal = signum
            raise KeyboardInterrupt

        try:
            self.previous: Any = signal.signal(signal.SIGTERM, terminate)
        except ValueError:  # not the main thread (an embedding application's): its signals
            self.previous = None
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)

    @property
    def exit_code(self) -> int:
        return 128 + self.signal if self.signal is not None else 130


def _print_batch_summary(summary: Any, output: Path | None, *, totals: bool = True) -> None:
    rate = summary.characters / summary.seconds if summary.seconds else 0.0
    skipped = f" ({summary.skipped:,} already in {output}, skipped)" if summary.skipped else ""
    reasons = ", ".join(f"{code} {count:,}" for code, count in summary.errors.most_common())
    if totals:
        err_console.print(
            f"{plural(summary.documents, 'document')}{skipped}, {plural(summary.targets, 'target')}, "
            f"{plural(summary.error_count, 'error')}{f' ({reasons})' if reasons else ''} "
            f"in {summary.seconds:,.1f} s ({rate:,.0f} characters/s)",
            highlight=False,
            soft_wrap=True,
        )
    if summary.interrupted:
        hint = f"; rerun with --resume -o {output} to continue" if output is not None else ""
        err_console.print(
            f"[yellow]interrupted[/yellow]: every line written is complete{hint}", soft_wrap=True
        )


@app.command()
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files, directories (read recursively) or - for standard input. "
            ".txt, .html/.htm, .pdf, .docx, .json and .jsonl (one article a line); UTF-8, UTF-16, "
            "GB18030/GBK or Big5; any other file met in a directory is an unsupported_format record.",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.jsonl",
            help="Output JSONL file (default: standard output); with --format parquet a directory.",
        ),
    ] = None,
    text_field: Annotated[
        str, typer.Option(metavar="FIELD", help="JSONL field holding the article text.")
    ] = "text",
    id_field: Annotated[
        str, typer.Option(metavar="FIELD", help="JSONL field holding the article id.")
    ] = "id",
    max_chars: Annotated[
        int, typer.Option(min=1, metavar="N", help="Documents longer than this become error records.")
    ] = 2_000_000,
    model: Annotated[
        str | None,
        typer.Option(
            metavar="NAME|DIR",
            help="An installed spaCy pipeline (name or path, e.g. zh_core_web_sm) whose NER adds "
            "entities; default: spacy.blank('zh') with jieba.",
        ),
    ] = None,
    segment: Annotated[
        SegmentMode,
        typer.Option(
            help="candidates: jieba only on sentences that can hold a commitment; full: everything."
        ),
    ] = SegmentMode.candidates,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-j", min=1, metavar="N", help="Worker processes (each loads the pipeline once)."
        ),
    ] = 1,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run: skip documents already in --output, append the rest.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    timeout: Annotated[
        float,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="Seconds one document may take before it becomes a timeout error record; 0: no limit.",
        ),
    ] = 300.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display and no summary on standard error.")
    ] = False,
    show_summary: Annotated[
        bool | None,
        typer.Option(
            "--summary/--no-summary",
            help="The end summary on standard error (default: only when it is a terminal, or with -v).",
        ),
    ] = None,
    output_format: Annotated[
        RecordFormat,
        typer.Option(
            "--format",
            help="jsonl: one JSON line per document; parquet: --output is a directory of Parquet "
            "tables (documents, targets, results, … errors; DIR/<table>/part-NNNNN.parquet).",
        ),
    ] = RecordFormat.jsonl,
    part_size: Annotated[
        int, typer.Option(min=1, help="Parquet: documents per part file (without --dask).")
    ] = 1000,
    dask: Annotated[
        bool,
        typer.Option(
            "--dask", help="Run on Dask: a LocalCluster of --workers processes, or --scheduler's workers."
        ),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="A running Dask scheduler (tcp://host:8786) whose workers do the work (implies --dask).",
        ),
    ] = None,
) -> None:
    """Extract one JSON record per input document: its record, or an error record naming the
    document and the reason.

    Exit code 0 when every document succeeded, 1 when some failed (their error records are in the
    output), 2 for usage errors (bad option, no such path, output exists without --resume or
    --force, output is an input file) and when the output cannot be written (a full disk), 70 for
    an unexpected internal error (one line; the traceback with --debug), 130 when interrupted by
    Ctrl-C and 143 by SIGTERM (every line written is complete: continue with --resume).
    """
    dask_address = scheduler if scheduler is not None else LOCAL_CLUSTER if dask else None
    with _Stop() as stop:
        try:
            _extract(
                paths, output, text_field, id_field, max_chars, model, segment, workers, resume, force,
                timeout, quiet, show_summary, output_format, part_size, dask_address, stop,
            )  # fmt: skip
        except KeyboardInterrupt:
            # Before the batch began (loading the pipeline, starting the cluster): nothing was written.
            if not quiet:
                err_console.print("[yellow]interrupted[/yellow] before any document was processed")
            raise typer.Exit(stop.exit_code) from None


# ``--dask`` without ``--scheduler``: a LocalCluster (pipeline.cluster.LOCAL).
LOCAL_CLUSTER = "local"


def _extract(
    paths: list[str],
    output: Path | None,
    text_field: str,
    id_field: str,
    max_chars: int,
    model: str | None,
    segment: SegmentMode,
    workers: int,
    resume: bool,
    force: bool,
    timeout: float,
    quiet: bool,
    show_summary: bool | None,
    output_format: RecordFormat,
    part_size: int,
    dask: str | None,
    stop: _Stop,
) -> None:
    from pipeline.batch import BatchSummary, run_batch
    from pipeline.output import OutputError, open_writer
    from pipeline.read import count_documents, read_documents
    from pipeline.write import DoneDocuments

    segment_mode = segment.value
    fmt = output_format.value
    _check_extract_usage(paths, output, resume, force, model, segment_mode, fmt, dask)
    _check_resources()
    to_file = output is not None and str(output) != "-"
    # Loaded before the output is touched: a pipeline that fails to load leaves it as it was. With
    # --workers, the workers start with it (forked from this process) rather than each loading it.
    nlp = _load_nlp(model, segment_mode) if dask is None else None
    options = {"part_documents": part_size} if fmt == "parquet" else {}

    def notice(message: str) -> None:
        if not quiet:
            err_console.print(f"[yellow]note:[/yellow] {message}", highlight=False, soft_wrap=True)

    exclude = output if to_file else None
    summary = BatchSummary()
    done = DoneDocuments()
    write_failed: OSError | None = None
    counter = None if "-" in paths else (lambda: count_documents(paths, exclude))
    # The cluster starts before the output is touched: one that cannot start leaves it as it was.
    with _outcome_source(dask, workers, model, segment_mode, timeout or None, nlp) as source:
        try:
            writer = open_writer(output if to_file else None, fmt, resume=resume, force=force, **options)  # type: ignore[arg-type]
        except OutputError as exc:
            _usage_error(str(exc))
        done = writer.done
        documents = read_documents(
            paths,
            text_field=text_field,
            id_field=id_field,
            max_chars=max_chars,
            skip=done.take if done else None,
            exclude=exclude,
            notice=notice,
        )
        outcomes = source(documents, writer)
        try:
            with _Progress(enabled=not quiet and err_console.is_terminal, count=counter) as progress:
                progress.skipped = lambda: done.skipped
                summary = run_batch(
                    outcomes, writer.write_outcome, on_outcome=progress.update, summary=summary
                )
        except BrokenPipeError:
            # Whoever read standard output went away (`… | head`): stop quietly, not with a traceback.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OutputError as exc:  # a Dask task failed for a reason that is no document's
            err_console.print(
                f"[red]error:[/red] {exc}; continue with --resume", highlight=False, soft_wrap=True
            )
            raise typer.Exit(2) from exc
        except OSError as exc:  # the output cannot take more (a full disk, a quota, an I/O error)
            write_failed = exc
        finally:
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()  # stops the workers now, not when the generator is collected
            try:
                writer.close()
            except OSError as exc:
                write_failed = write_failed or exc
    if write_failed is not None:
        where = str(output) if to_file else "standard output"
        hint = f"; free some space and rerun with --resume -o {output}" if to_file else ""
        err_console.print(
            f"[red]error:[/red] cannot write to {where}: {write_failed.strerror or write_failed}{hint}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    summary.skipped = done.skipped
    wanted = (err_console.is_terminal or _verbose["on"]) if show_summary is None else show_summary
    if not quiet or summary.interrupted:
        _print_batch_summary(summary, output if to_file else None, totals=wanted and not quiet)
    if summary.interrupted:
        raise typer.Exit(stop.exit_code)
    raise typer.Exit(1 if summary.error_count else 0)


@contextmanager
def _outcome_source(
    dask: str | None, workers: int, model: str | None, segment: str, timeout: float | None, nlp: Any
) -> Iterator[Callable[..., Any]]:
    """How documents become outcomes: in this process, a process pool, or a Dask cluster."""
    from pipeline.batch import process_documents

    if dask is None:
        yield lambda documents, writer: process_documents(
            documents, workers=workers, model=model, segment=segment, nlp=nlp, timeout=timeout
        )
        return
    from pipeline.cluster import DaskRunner, parse_address

    # Dask's own loggers log at INFO (cluster start, every worker): only with -v, as ours do.
    logging.getLogger("distributed").setLevel(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
    address = parse_address(dask)
    try:
        runner = DaskRunner(address, workers=workers, model=model, segment=segment, timeout=timeout)
        runner.__enter__()
    except (OSError, TimeoutError) as exc:
        _usage_error(f"cannot start or reach the Dask cluster {address or '(local)'}: {exc}")
    try:
        yield runner.outcomes
    finally:
        runner.close()


@app.command()
def summary(
    records: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.jsonl|DIR",
            help="A JSONL file written by `zhpolicy extract` (- reads standard input), or its Parquet "
            "directory.",
        ),
    ],
) -> None:
    """Print a table of the records in an output file: one row per document, totals last.

    Exit code 2 when the file is missing or is not zhpolicy output (the message names the line)."""
    from pipeline.compare.records import RecordError, iter_records

    counted = ("targets", "qualitative", "programmes", "policies_cited", "agencies", "warnings")
    if str(records) != "-" and not records.exists():
        _usage_error(f"no such file: {records}")
    table = Table(title=f"zhpolicy records in {'standard input' if str(records) == '-' else records}")
    table.add_column("doc", overflow="fold", max_width=36)
    table.add_column("place / type", overflow="fold")
    for column in ("targets", "qualit.", "progr.", "policies", "agencies", "warnings"):
        table.add_column(column, justify="right")
    totals = dict.fromkeys(counted, 0)
    errors = documents = 0
    try:
        for _, record in iter_records(records):
            documents += 1
            if record.get("status") == "error":
                errors += 1
                table.add_row(
                    escape(str(record["doc"])),
                    f"[red]error: {escape(str(record['error']))}[/red]",
                    *[""] * len(counted),
                )
                continue
            numbers = [len(record.get(k) or []) for k in counted]
            for key, number in zip(counted, numbers, strict=True):
                totals[key] += number
            place = f"{record.get('jurisdiction') or '?'} / {record.get('doc_type') or '?'}"
            table.add_row(escape(str(record["doc"])), escape(place), *map(str, numbers))
    except RecordError as exc:
        _usage_error(f"{exc}: not zhpolicy output (see `zhpolicy extract`)")
    table.add_section()
    table.add_row(plural(documents, "document"), plural(errors, "error"), *map(str, totals.values()))
    Console(width=max(Console().width, 110)).print(table)


def _predict_corpus(
    corpus: Path, gold_docs: list[str], model: str | None, judge: str | None = None
) -> dict[str, dict[str, Any]]:
    from pipeline.read import read_documents
    from pipeline.run import process_stream

    nlp = _load_nlp(model, "candidates", judge)
    paths = [str(corpus / doc) for doc in gold_docs if (corpus / doc).exists()]
    predictions: dict[str, dict[str, Any]] = {}
    for record in process_stream(nlp, read_documents(paths)):
        predictions[record.doc] = json.loads(record.model_dump_json())
    return predictions


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@app.command()
def evaluate(
    gold: Annotated[
        Path, typer.Option(metavar="FILE.jsonl", help="Gold annotations (JSONL, see shared/gold/FORMAT.md).")
    ],
    corpus: Annotated[
        Path, typer.Option(metavar="DIR", help="Directory holding the documents the gold names.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    misses: Annotated[
        bool, typer.Option("--misses", help="List missed and extra items document by document.")
    ] = False,
    doc: Annotated[
        list[str] | None, typer.Option(metavar="NAME", help="Only these documents (file names; repeatable).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(metavar="NAME|DIR", help="Optional spaCy pipeline, as for extract.")
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option(
            help="Commitment/result judge: rules (default), model, or both (model where rules are unsure)."
        ),
    ] = None,
) -> None:
    """Extract the corpus and score it against the gold annotations (GUIDELINES §6)."""
    from pipeline.evaluate import evaluate as run_evaluation
    from pipeline.evaluate import read_jsonl

    if not gold.exists() or not corpus.is_dir():
        err_console.print("[red]error:[/red] need an existing --gold file and --corpus directory")
        raise typer.Exit(2)
    try:
        gold_lines = [g for g in read_jsonl(gold) if not doc or g["doc"] in doc]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        _usage_error(f"{gold} is not a gold file (JSONL with a 'doc' on every line): {exc}")
    predictions = _predict_corpus(corpus, [g["doc"] for g in gold_lines], model, judge)
    report = run_evaluation(predictions, gold_lines)
    result = report.summary()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_summary(result)
    if misses:
        from pipeline.explain import MissExplainer

        texts = {doc_id: str(record.get("text", "")) for doc_id, record in predictions.items()}
        _print_misses(report, MissExplainer(_load_nlp(model, "candidates", judge), texts))


def _print_summary(result: dict[str, Any]) -> None:
    console = Console()
    table = Table(title=f"zhpolicy evaluate — {result['documents']} documents")
    for column in ("item", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="right" if column != "item" else "left")
    for name in ("targets", "results", "qualitative", "programmes", "policies_cited", "agencies"):
        if name not in result:
            continue
        c = result[name]
        table.add_row(
            name,
            _fmt(c["precision"]),
            _fmt(c["recall"]),
            _fmt(c["f1"]),
            str(c["tp"]),
            str(c["fp"]),
            str(c["fn"]),
        )
    console.print(table)
    pairs, result_pairs = result["matched_pairs"], result["matched_result_pairs"]
    accuracy = Table(
        title=f"over {pairs['count']} matched target / {result_pairs['count']} result pairs; document fields"
    )
    accuracy.add_column("measure")
    accuracy.add_column("targets", justify="right")
    accuracy.add_column("results", justify="right")
    for key in (
        "comparator_accuracy",
        "kind_accuracy",
        "sector_accuracy",
        "indicator_char_f1",
        "responsible_accuracy",
        "binding_accuracy",
    ):
        accuracy.add_row(key, _fmt(pairs[key]), _fmt(result_pairs[key]))
    for key, value in result["document_fields"].items():
        accuracy.add_row(f"{key}_accuracy", _fmt(value), "")
    console.print(accuracy)


def _print_misses(report: Any, explainer: Any = None) -> None:
    from pipeline.lexicon.names import name_key as normalise_name

    def brief(t: dict[str, Any]) -> str:
        when = t.get("deadline", t.get("period"))
        return f"{t.get('indicator')} {t.get('comparator')} {t.get('value')}{t.get('unit') or ''} ({when})"

    for doc in report.documents:
        lines: list[str] = []
        for t in doc.missed_targets:
            lines.append(f"  - missed target: {brief(t)}  «{t.get('evidence', '')}»")
            if explainer is not None:
                lines.append(f"      why: {explainer.why(doc.doc, t)}")
        lines += [f"  + extra target:  {brief(t)}  «{t.get('evidence', '')}»" for t in doc.extra_targets]
        for t in doc.missed_results:
            lines.append(f"  - missed result: {brief(t)}  «{t.get('evidence', '')}»")
            if explainer is not None:
                lines.append(f"      why: {explainer.why(doc.doc, t)}")
        lines += [f"  + extra result:  {brief(t)}  «{t.get('evidence', '')}»" for t in doc.extra_results]
        lines += [
            f"  - missed qualitative: {q.get('subject')} → {q.get('level')} ({q.get('deadline')})"
            for q in doc.missed_qualitative
        ]
        lines += [
            f"  + extra qualitative:  {q.get('subject')} → {q.get('level')} ({q.get('deadline')})"
            for q in doc.extra_qualitative
        ]
        for p, g in doc.pairs:
            diffs = [k for k in ("comparator", "kind", "direction", "sector") if p.get(k) != g.get(k)]
            if diffs or normalise_name(str(p["indicator"])) != normalise_name(str(g["indicator"])):
                lines.append(
                    f"  ~ matched {brief(g)}: predicted {p['indicator']!r} "
                    + " ".join(f"{k}={p.get(k)}≠{g.get(k)}" for k in diffs)
                )
        for name in doc.names:
            lines += [f"  - missed {name}: {n}" for n in doc.missed_names[name]]
            lines += [f"  + extra {name}: {n}" for n in doc.extra_names[name]]
        for field_name, (pred, gold_value) in doc.fields.items():
            if str(pred) != str(gold_value):
                lines.append(f"  ≠ {field_name}: predicted {pred!r}, gold {gold_value!r}")
        if lines:
            typer.echo(f"{doc.doc}")
            typer.echo("\n".join(lines))


@app.command()
def schema(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Directory for the JSON Schema files (default: the project's schemas/json).",
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only check that the files in --out are current.")
    ] = False,
) -> None:
    """Write the JSON Schema of every record type (Document, ErrorRecord, Target …), each with
    $schema and $id, into the project's schemas/json (wherever the command is run) or --out."""
    from pipeline.schema_export import SCHEMA_DIR, stale_schema_files, write_schema_files

    directory = out if out is not None else SCHEMA_DIR
    if check:
        stale = stale_schema_files(directory)
        if stale:
            err_console.print(
                f"[red]stale JSON Schema files in {directory}:[/red] {', '.join(stale)}; "
                "run `zhpolicy schema`",
                highlight=False,
            )
            raise typer.Exit(1)
        typer.echo(f"JSON Schema files in {directory} are current")
        return
    for path in write_schema_files(directory):
        typer.echo(str(path))


# --- compare and db: comparing records across places (pipeline/compare) ---


def _compare_documents(records: list[Path], db: Path | None) -> list[dict[str, Any]]:
    from pipeline.compare.records import RecordError, read_records

    if db is not None:
        from pipeline.compare.db import DatabaseError, connect, read_documents

        try:
            with connect(db, read_only=True) as connection:
                return read_documents(connection)
        except (FileNotFoundError, DatabaseError) as exc:
            _usage_error(str(exc))
    if not records:
        _usage_error(
            "give JSONL files written by `zhpolicy extract` (- for standard input) or its Parquet "
            "directories, or --db"
        )
    missing = [str(path) for path in records if str(path) != "-" and not path.exists()]
    if missing:
        _usage_error(f"no such file: {', '.join(missing)}")
    try:
        loaded = read_records(records)
    except RecordError as exc:
        _usage_error(str(exc))
    _log.info("read %s from %s", plural(len(loaded.documents), "document"), ", ".join(map(str, records)))
    if loaded.skipped_errors:
        err_console.print(
            f"[yellow]{plural(len(loaded.skipped_errors), 'error record')} skipped[/yellow]", highlight=False
        )
    return loaded.documents


def _emit(text: str, output: Path | None) -> None:
    """Print ``text`` to standard output, or write it to ``output`` (``-`` is standard output)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {output}", highlight=False)


def output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """The format asked for, else the one ``output``'s suffix names, else the terminal table.

    An unknown suffix without ``--format`` and a suffix that names another format than
    ``--format`` are usage errors (exit 2): nothing is written where the user did not mean."""
    to_file = output is not None and str(output) != "-"
    suffix = output.suffix.lower() if to_file and output is not None else ""
    from_suffix = SUFFIX_FORMATS.get(suffix)
    if fmt is not None:
        if from_suffix is not None and from_suffix is not fmt:
            _usage_error(f"--output {output} looks like {from_suffix.value}, but --format is {fmt.value}")
        return fmt
    if not to_file:
        return OutputFormat.table
    if from_suffix is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        _usage_error(f"cannot tell the format of --output {output} from its suffix ({known}); give --format")
    return from_suffix


def _table_text(print_table: Callable[[Console], None]) -> str:
    """A rich table as plain text (for ``--format table -o FILE.txt``)."""
    import io

    buffer = io.StringIO()
    print_table(Console(file=buffer, width=120, color_system=None, force_terminal=False))
    return buffer.getvalue()


@app.command()
def compare(
    records: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE.jsonl|DIR",
            help="JSONL files written by `zhpolicy extract` (- reads standard input) or Parquet directories.",
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(metavar="FILE.duckdb", help="Read a database from `zhpolicy db load` instead."),
    ] = None,
    by: Annotated[
        By,
        typer.Option(help="Columns: places (jurisdiction) or documents (doc); agency: each body's targets."),
    ] = By.jurisdiction,
    indicator: Annotated[
        str | None,
        typer.Option(metavar="ID|NAME", help="Only this canonical indicator (see `zhpolicy indicators`)."),
    ] = None,
    overlap: Annotated[
        bool, typer.Option("--overlap", help="Programmes and cited policies shared and unique instead.")
    ] = False,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), csv (tidy: one line per place and indicator), markdown, html, json. "
            "Default: from the --output suffix (.csv .md .html .json .txt), else table.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of standard output."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE.png",
            help="Draw one indicator across places to this PNG (--indicator, else the most common).",
        ),
    ] = None,
) -> None:
    """Compare targets across places: canonical indicators × places, the national target as
    reference and how far each place sits above or below it (direction-aware).

    Values are compared in their unit's base (1.8万家 and 18000家 are one quantity); targets in
    different units are shown but not compared."""
    from pipeline.compare.overlap import build_overlap, overlap_grid, overlap_records, print_overlap
    from pipeline.compare.registry import load_registry
    from pipeline.compare.render import (
        comparison_grid,
        comparison_records,
        print_comparison,
        render_text,
        to_csv_records,
    )
    from pipeline.compare.table import build_comparison, most_covered_row

    chosen = output_format(fmt, output)
    documents = _compare_documents(records or [], db)
    registry = load_registry()
    indicator_id = None
    if indicator is not None:
        found = registry.resolve(indicator)
        if found is None:
            _usage_error(f"no canonical indicator {indicator!r} (see `zhpolicy indicators`)")
        indicator_id = found.id

    if by is By.agency:  # issue 11: the targets of each responsible body
        from pipeline.compare.agency import agency_grid, agency_records
        from pipeline.compare.render import print_grid

        if overlap:
            _usage_error("--overlap compares places or documents, not agencies")
        grid = agency_grid(documents)
        records_out = agency_records(documents)

        def print_table(console: Console) -> None:
            print_grid(grid, console)

    elif overlap:
        from pipeline.compare.records import doc_labels, is_national, place_of

        labels = doc_labels(documents)
        groups = {
            "全国" if by is By.jurisdiction and is_national(r) else place_of(r, by.value, labels)
            for r in documents
        }
        if len(groups) < 2:
            _usage_error("--overlap needs documents from two places (or documents) or more")
        found_overlap = build_overlap(documents, by=by.value)
        grid = overlap_grid(found_overlap)
        records_out = overlap_records(found_overlap)

        def print_table(console: Console) -> None:
            print_overlap(found_overlap, console)

    else:
        comparison = build_comparison(documents, registry, by=by.value, indicator=indicator_id)
        grid = comparison_grid(comparison)
        records_out = comparison_records(comparison)
        if chart is not None:
            _draw_chart(comparison, indicator_id, chart, most_covered_row)

        def print_table(console: Console) -> None:
            print_comparison(comparison, console)

    if chosen is OutputFormat.table:
        if output is None or str(output) == "-":
            print_table(Console(width=max(Console().width, 120)))
        else:
            _emit(_table_text(print_table), output)
    elif chosen is OutputFormat.json:
        payload = {"title": grid.title, "records": records_out, "notes": grid.notes}
        _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", output)
    else:
        csv_text = to_csv_records(records_out) if chosen is OutputFormat.csv else None
        _emit(render_text(grid, chosen.value, csv_text), output)


@app.command()
def track(
    records: Annotated[
        list[Path],
        typer.Argument(
            help="JSONL files written by `zhpolicy extract` (- reads standard input) or Parquet directories."
        ),
    ],
    indicator: Annotated[
        str | None, typer.Option(help="Only this canonical indicator (id, name or variant).")
    ] = None,
    place: Annotated[str | None, typer.Option(help="Only this place (jurisdiction).")] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list targets without a result (table formats).")
    ] = False,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), csv (the issue's columns), markdown, html, json (one row a line). "
            "Default: from the --output suffix (.csv .md .html .json .txt), else table.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of standard output."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            help="Draw target against result to this PNG (one indicator: --indicator or the most tracked)."
        ),
    ] = None,
) -> None:
    """Track each target against the result reported for the same place, indicator and year
    (typically next year's work report): met, missed or no_result, with the gap."""
    from pipeline.compare.chart import ChartError
    from pipeline.compare.registry import load_registry
    from pipeline.compare.render import print_grid, render_text
    from pipeline.compare.track import build_tracking, draw_tracking_chart, tracking_csv, tracking_grid

    chosen = output_format(fmt, output)
    documents = _compare_documents(records, None)
    registry = load_registry()
    rows = build_tracking(documents, registry)
    if indicator is not None:
        found = registry.resolve(indicator)
        if found is None:
            err_console.print(f"[red]error:[/red] no canonical indicator {indicator!r} (see indicators.yaml)")
            raise typer.Exit(2)
        rows = [r for r in rows if r.indicator_id == found.id]
    if place is not None:
        rows = [r for r in rows if r.place == place]
    if chart is not None:
        tracked = [r for r in rows if r.result_value is not None and r.indicator_id]
        ids = [r.indicator_id for r in tracked]
        if not ids:
            err_console.print("[red]error:[/red] no target of a canonical indicator has a result to chart")
            raise typer.Exit(1)
        most = max(set(ids), key=ids.count)
        try:
            draw_tracking_chart([r for r in tracked if r.indicator_id == most], chart)
        except ChartError as exc:
            err_console.print(f"[red]error:[/red] chart: {exc}")
            raise typer.Exit(1) from exc
        err_console.print(f"chart written to {chart}")
    grid = tracking_grid(rows, with_unmatched=show_all or chosen in (OutputFormat.csv, OutputFormat.json))
    if chosen is OutputFormat.table:
        if output is None or str(output) == "-":
            print_grid(grid, Console(width=max(Console().width, 140)))
        else:
            _emit(_table_text(lambda console: print_grid(grid, console)), output)
    elif chosen is OutputFormat.json:
        _emit("".join(json.dumps(r.__dict__, ensure_ascii=False) + "\n" for r in rows), output)
    else:
        _emit(render_text(grid, chosen.value, tracking_csv(rows)), output)


def _draw_chart(comparison: Any, indicator_id: str | None, out: Path, most_covered_row: Any) -> None:
    from pipeline.compare.chart import ChartError, draw_indicator_chart

    row = comparison.row(indicator_id) if indicator_id else most_covered_row(comparison)
    if row is None:
        err_console.print("[red]error:[/red] no mapped indicator with targets to chart")
        raise typer.Exit(1)
    try:
        draw_indicator_chart(comparison, row, out)
    except ChartError as exc:
        err_console.print(f"[red]error:[/red] chart: {exc}")
        raise typer.Exit(1) from exc
    err_console.print(f"chart of {row.label} written to {out}", highlight=False)


@app.command()
def indicators(
    as_json: Annotated[bool, typer.Option("--json", help="Print the indicators as JSON lines.")] = False,
) -> None:
    """List the canonical indicators `compare` maps targets onto (id, name, unit, better), from
    pipeline/resources/zh/indicators.yaml."""
    from pipeline.compare.registry import load_registry

    registry = load_registry()
    if as_json:
        for ind in registry.indicators:
            fields = {"id": ind.id, "name": ind.name, "unit": ind.unit, "better": ind.better}
            fields["kind"] = ind.kind
            typer.echo(json.dumps(fields, ensure_ascii=False))
        return
    table = Table(title=f"{plural(len(registry), 'canonical indicator')} (indicators.yaml)")
    table.add_column("id", no_wrap=True)
    for column in ("name", "unit", "better", "kind"):
        table.add_column(column, overflow="fold")
    for ind in registry.indicators:
        table.add_row(ind.id, escape(ind.name), escape(ind.unit or ""), ind.better, ind.kind)
    Console(width=max(Console().width, 110)).print(table)


db_app = typer.Typer(
    help="An embedded DuckDB database of extracted records.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=_Commands,
)
app.add_typer(db_app, name="db")


@db_app.command("load")
def db_load(
    records: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE.jsonl|DIR",
            help="Outputs of `zhpolicy extract`: JSONL files (- reads standard input) or Parquet "
            "directories.",
        ),
    ],
    db: Annotated[
        Path, typer.Option(metavar="FILE.duckdb", help="The DuckDB file (created if missing).")
    ] = Path("policies.duckdb"),
) -> None:
    """Load records into the tables of the Parquet output (documents, targets, results,
    qualitative, programmes, policies, agencies, … errors), targets and results with their
    canonical indicator id and match score. A document is its doc and source together: one
    already in the database is replaced, and one given twice is loaded once, from its last line."""
    from pipeline.compare.db import DatabaseError, connect, load_documents
    from pipeline.compare.records import RecordError
    from pipeline.compare.registry import load_registry

    missing = [str(path) for path in records if str(path) != "-" and not path.exists()]
    if missing:
        _usage_error(f"no such file or directory: {', '.join(missing)}")
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        with connect(db) as connection:
            counts = load_documents(connection, _validated_records(records), load_registry())
    except (RecordError, DatabaseError) as exc:
        _usage_error(str(exc))
    shown = [
        plural(n, *_TABLE_WORDS.get(table, (table, table)))
        for table, n in counts.items()
        if n or table in ("documents", "targets")
    ]
    err_console.print(f"{db}: " + ", ".join(shown), soft_wrap=True, highlight=False)


# How `db load` names its tables' rows: (one, many).
_TABLE_WORDS = {
    "documents": ("document", "documents"),
    "targets": ("target", "targets"),
    "results": ("result", "results"),
    "qualitative": ("qualitative target", "qualitative targets"),
    "deadlines": ("deadline", "deadlines"),
    "programmes": ("programme", "programmes"),
    "policies": ("policy", "policies"),
    "agencies": ("agency", "agencies"),
    "sectors": ("sector count", "sector counts"),
    "warnings": ("warning", "warnings"),
    "errors": ("error record", "error records"),
}


def _validated_records(paths: list[Path]) -> Iterator[Any]:
    """The records of JSONL files (``-``: standard input) and Parquet directories, validated; a
    line that is not a valid record is a :class:`RecordError` naming its file and line."""
    from pydantic import ValidationError

    from pipeline.compare.db import as_record
    from pipeline.compare.records import RecordError
    from pipeline.compare.records import iter_records as iter_record_dicts

    for path in paths:
        for number, record in iter_record_dicts(path):
            try:
                yield as_record(record)
            except ValidationError as exc:
                problem = exc.errors()[0]
                where = ".".join(map(str, problem["loc"]))
                raise RecordError(
                    f"{path}:{number}: not a valid zhpolicy record ({where}: {problem['msg']})"
                ) from None


if __name__ == "__main__":
    app()
