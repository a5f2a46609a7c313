"""The ``zhpolicy`` command line (typer)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TextIO

import typer
from rich.console import Console
from rich.table import Table

from pipeline import __version__

app = typer.Typer(
    name="zhpolicy",
    help="Turn Chinese policy documents and news about them into validated structured records.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zhpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """zhpolicy: targets, deadlines, programmes, cited policies and agencies from Chinese policy
    texts, as one JSON record per document."""


def _load_nlp(model: str | None, segment: str) -> Any:
    import pipeline

    try:
        return pipeline.load(model=model, segment=segment)
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _usage_error(message: str) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _check_extract_usage(
    paths: list[str], output: Path | None, resume: bool, force: bool, model: str | None, segment: str
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
    if output is not None and output.is_dir():
        _usage_error(f"--output {output} is a directory")
    if output is not None and not to_stdout and output.is_file():
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
                f"{summary.documents:,} docs  {summary.documents / elapsed:,.1f}/s  "
                f"{summary.characters / elapsed:,.0f} chars/s  {summary.error_count:,} errors"
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


def _print_batch_summary(summary: Any, output: Path | None) -> None:
    rate = summary.characters / summary.seconds if summary.seconds else 0.0
    skipped = f" ({summary.skipped:,} already in {output}, skipped)" if summary.skipped else ""
    reasons = ", ".join(f"{code} {count:,}" for code, count in summary.errors.most_common())
    err_console.print(
        f"{summary.documents:,} documents{skipped}, {summary.targets:,} targets, "
        f"{summary.error_count:,} errors{f' ({reasons})' if reasons else ''} "
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
            help="Files, directories (read recursively) or - for standard input. "
            ".txt, .html/.htm, .pdf, .docx, .json and .jsonl (one article a line); UTF-8, UTF-16, "
            "GB18030/GBK or Big5; any other file met in a directory is an unsupported_format record."
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output JSONL file (default: standard output).")
    ] = None,
    text_field: Annotated[str, typer.Option(help="JSONL field holding the article text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL field holding the article id.")] = "id",
    max_chars: Annotated[
        int, typer.Option(min=1, help="Documents longer than this become error records.")
    ] = 2_000_000,
    model: Annotated[
        str | None,
        typer.Option(
            help="An installed spaCy pipeline (name or path, e.g. zh_core_web_sm) whose NER adds "
            "entities; default: spacy.blank('zh') with jieba."
        ),
    ] = None,
    segment: Annotated[
        str,
        typer.Option(
            help="candidates: jieba only on sentences that can hold a commitment; full: everything."
        ),
    ] = "candidates",
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="Worker processes (each loads the pipeline once).")
    ] = 1,
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue an interrupted run: skip documents already in --output, append the rest."
        ),
    ] = False,
    force: Annotated[bool, typer.Option(help="Overwrite an existing --output file.")] = False,
    timeout: Annotated[
        float,
        typer.Option(
            min=0, help="Seconds one document may take before it becomes a timeout error record; 0: no limit."
        ),
    ] = 300.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display and no summary on standard error.")
    ] = False,
) -> None:
    """Extract one JSON record per input document: its record, or an error record naming the
    document and the reason.

    Exit code 0 when every document succeeded, 1 when some failed (their error records are in the
    output), 2 for usage errors (bad option, no such path, output exists without --resume or
    --force, output is an input file) and when the output cannot be written (a full disk), 130 when
    interrupted by Ctrl-C and 143 by SIGTERM (every line written is complete: continue with
    --resume).
    """
    with _Stop() as stop:
        try:
            _extract(
                paths, output, text_field, id_field, max_chars, model, segment, workers, resume, force,
                timeout, quiet, stop,
            )  # fmt: skip
        except KeyboardInterrupt:
            # Before the batch began (loading the pipeline): nothing was written.
            if not quiet:
                err_console.print("[yellow]interrupted[/yellow] before any document was processed")
            raise typer.Exit(stop.exit_code) from None


def _extract(
    paths: list[str],
    output: Path | None,
    text_field: str,
    id_field: str,
    max_chars: int,
    model: str | None,
    segment: str,
    workers: int,
    resume: bool,
    force: bool,
    timeout: float,
    quiet: bool,
    stop: _Stop,
) -> None:
    from pipeline.batch import BatchSummary, process_documents, run_batch
    from pipeline.read import count_documents, read_documents
    from pipeline.write import DoneDocuments, OutputError, open_output, resume_output

    _check_extract_usage(paths, output, resume, force, model, segment)
    to_file = output is not None and str(output) != "-"
    # Loaded before the output is touched: a pipeline that fails to load leaves it as it was.
    nlp = _load_nlp(model, segment) if workers == 1 else None
    done = DoneDocuments()
    try:
        if output is not None and to_file and resume:
            done = resume_output(output)
        handle = (
            open_output(output, resume=resume, force=force) if output is not None and to_file else sys.stdout
        )
    except OutputError as exc:
        _usage_error(str(exc))

    def notice(message: str) -> None:
        if not quiet:
            err_console.print(f"[yellow]note:[/yellow] {message}", highlight=False, soft_wrap=True)

    exclude = output if to_file else None
    documents = read_documents(
        paths,
        text_field=text_field,
        id_field=id_field,
        max_chars=max_chars,
        skip=done.take if done else None,
        exclude=exclude,
        notice=notice,
    )
    outcomes = process_documents(
        documents, workers=workers, model=model, segment=segment, nlp=nlp, timeout=timeout or None
    )
    summary = BatchSummary()
    write_failed: OSError | None = None
    counter = None if "-" in paths else (lambda: count_documents(paths, exclude))
    try:
        with _Progress(enabled=not quiet and err_console.is_terminal, count=counter) as progress:
            progress.skipped = lambda: done.skipped
            summary = run_batch(outcomes, _line_writer(handle), on_outcome=progress.update, summary=summary)
    except BrokenPipeError:
        # Whoever read standard output went away (`… | head`): stop quietly, not with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None
    except OSError as exc:  # the output cannot take more (a full disk, a quota, an I/O error)
        write_failed = exc
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()  # stops the workers now, not when the generator is collected
        if handle is not sys.stdout:
            try:
                handle.close()
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
    if not quiet:
        _print_batch_summary(summary, output if to_file else None)
    if summary.interrupted:
        raise typer.Exit(stop.exit_code)
    raise typer.Exit(1 if summary.error_count else 0)


def _line_writer(handle: TextIO) -> Callable[[str], None]:
    from pipeline.write import JsonlWriter

    return JsonlWriter(handle).write_line


@app.command()
def summary(
    records: Annotated[Path, typer.Argument(help="A JSONL file written by `zhpolicy extract`.")],
) -> None:
    """Print a table of the records in an output file: one row per document, totals last."""
    counted = ("targets", "qualitative", "programmes", "policies_cited", "agencies", "warnings")
    table = Table(title=f"zhpolicy records in {records}")
    table.add_column("doc", overflow="fold", max_width=36)
    table.add_column("place / type", overflow="fold")
    for column in ("targets", "qualit.", "progr.", "policies", "agencies", "warnings"):
        table.add_column(column, justify="right")
    totals = dict.fromkeys(counted, 0)
    errors = 0
    with records.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("status") == "error":
                errors += 1
                table.add_row(record["doc"], f"[red]error: {record['error']}[/red]", *[""] * len(counted))
                continue
            numbers = [len(record.get(k) or []) for k in counted]
            for key, number in zip(counted, numbers, strict=True):
                totals[key] += number
            place = f"{record.get('jurisdiction') or '?'} / {record.get('doc_type') or '?'}"
            table.add_row(record["doc"], place, *map(str, numbers))
    table.add_section()
    table.add_row("total", f"{errors} errors", *map(str, totals.values()))
    Console(width=max(Console().width, 110)).print(table)


def _predict_corpus(corpus: Path, gold_docs: list[str], model: str | None) -> dict[str, dict[str, Any]]:
    from pipeline.read import read_documents
    from pipeline.run import process_stream

    nlp = _load_nlp(model, "candidates")
    paths = [str(corpus / doc) for doc in gold_docs if (corpus / doc).exists()]
    predictions: dict[str, dict[str, Any]] = {}
    for record in process_stream(nlp, read_documents(paths)):
        predictions[record.doc] = json.loads(record.model_dump_json())
    return predictions


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option(help="Gold annotations (JSONL, see shared/gold/FORMAT.md).")],
    corpus: Annotated[Path, typer.Option(help="Directory holding the documents the gold names.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    misses: Annotated[bool, typer.Option(help="List missed and extra items document by document.")] = False,
    doc: Annotated[
        list[str] | None, typer.Option(help="Only these documents (file names; repeatable).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Optional spaCy pipeline, as for extract.")] = None,
) -> None:
    """Extract the corpus and score it against the gold annotations (GUIDELINES §6)."""
    from pipeline.evaluate import evaluate as run_evaluation
    from pipeline.evaluate import read_jsonl

    if not gold.exists() or not corpus.is_dir():
        err_console.print("[red]error:[/red] need an existing --gold file and --corpus directory")
        raise typer.Exit(2)
    gold_lines = [g for g in read_jsonl(gold) if not doc or g["doc"] in doc]
    predictions = _predict_corpus(corpus, [g["doc"] for g in gold_lines], model)
    report = run_evaluation(predictions, gold_lines)
    result = report.summary()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_summary(result)
    if misses:
        _print_misses(report)


def _print_summary(result: dict[str, Any]) -> None:
    console = Console()
    table = Table(title=f"zhpolicy evaluate — {result['documents']} documents")
    for column in ("item", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="right" if column != "item" else "left")
    for name in ("targets", "qualitative", "programmes", "policies_cited", "agencies"):
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
    pairs = result["matched_pairs"]
    accuracy = Table(title=f"over {pairs['count']} matched target pairs / document fields")
    accuracy.add_column("measure")
    accuracy.add_column("value", justify="right")
    for key in ("comparator_accuracy", "kind_accuracy", "sector_accuracy", "indicator_char_f1"):
        accuracy.add_row(key, _fmt(pairs[key]))
    for key, value in result["document_fields"].items():
        accuracy.add_row(f"{key}_accuracy", _fmt(value))
    console.print(accuracy)


def _print_misses(report: Any) -> None:
    from pipeline.evaluate import normalise_name

    def brief(t: dict[str, Any]) -> str:
        return (
            f"{t.get('indicator')} {t.get('comparator')} {t.get('value')}"
            f"{t.get('unit') or ''} ({t.get('deadline')})"
        )

    for doc in report.documents:
        lines: list[str] = []
        lines += [f"  - missed target: {brief(t)}  «{t.get('evidence', '')}»" for t in doc.missed_targets]
        lines += [f"  + extra target:  {brief(t)}  «{t.get('evidence', '')}»" for t in doc.extra_targets]
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
    out: Annotated[Path, typer.Option(help="Directory for the JSON Schema files.")] = Path("schemas/json"),
    check: Annotated[bool, typer.Option(help="Only check that the files in --out are current.")] = False,
) -> None:
    """Write the JSON Schema of every record type (Document, ErrorRecord, Target …)."""
    from pipeline.schema_export import stale_schema_files, write_schema_files

    if check:
        stale = stale_schema_files(out)
        if stale:
            err_console.print(
                f"[red]stale JSON Schema files:[/red] {', '.join(stale)}; run `zhpolicy schema`"
            )
            raise typer.Exit(1)
        typer.echo(f"JSON Schema files in {out} are current")
        return
    for path in write_schema_files(out):
        typer.echo(str(path))


# --- compare and db: comparing records across places (pipeline/compare) ---


def _compare_documents(records: list[Path], db: Path | None) -> list[dict[str, Any]]:
    from pipeline.compare.records import RecordError, read_records

    if db is not None:
        from pipeline.compare.db import connect, read_documents

        try:
            with connect(db, read_only=True) as connection:
                return read_documents(connection)
        except FileNotFoundError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    if not records:
        err_console.print("[red]error:[/red] give JSONL files written by `zhpolicy extract`, or --db")
        raise typer.Exit(2)
    try:
        loaded = read_records(records)
    except RecordError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if loaded.skipped_errors:
        err_console.print(f"[yellow]{len(loaded.skipped_errors)} error records skipped[/yellow]")
    return loaded.documents


def _emit(text: str, output: Path | None) -> None:
    """Print ``text`` to standard output, or write it to ``output`` (``-`` is standard output)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {output}")


@app.command()
def compare(
    records: Annotated[
        list[Path] | None, typer.Argument(help="JSONL files written by `zhpolicy extract`.")
    ] = None,
    db: Annotated[Path | None, typer.Option(help="Read a database from `zhpolicy db load` instead.")] = None,
    by: Annotated[
        str, typer.Option(help="Columns: jurisdiction (places) or doc (documents).")
    ] = "jurisdiction",
    indicator: Annotated[
        str | None, typer.Option(help="Only this canonical indicator (id, name or variant).")
    ] = None,
    overlap: Annotated[
        bool, typer.Option("--overlap", help="Programmes and cited policies shared and unique instead.")
    ] = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="CSV (tidy: one line per place and indicator).")
    ] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table.")] = False,
    as_html: Annotated[bool, typer.Option("--html", help="A standalone HTML page.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the CSV/Markdown/HTML here.")
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            help="Draw one indicator across places to this PNG (--indicator, else the most common)."
        ),
    ] = None,
) -> None:
    """Compare targets across places: canonical indicators × places, the national target as
    reference and how far each place sits above or below it (direction-aware)."""
    from pipeline.compare.overlap import build_overlap, overlap_grid
    from pipeline.compare.registry import load_registry
    from pipeline.compare.render import (
        comparison_grid,
        comparison_records,
        print_comparison,
        print_grid,
        render_text,
        to_csv_records,
    )
    from pipeline.compare.table import build_comparison, most_covered_row

    formats = [
        name for name, chosen in (("csv", as_csv), ("markdown", as_markdown), ("html", as_html)) if chosen
    ]
    if len(formats) > 1:
        err_console.print("[red]error:[/red] choose one of --csv, --markdown, --html")
        raise typer.Exit(2)
    if by not in ("jurisdiction", "doc"):
        err_console.print("[red]error:[/red] --by is jurisdiction or doc")
        raise typer.Exit(2)
    documents = _compare_documents(records or [], db)
    registry = load_registry()
    indicator_id = None
    if indicator is not None:
        found = registry.resolve(indicator)
        if found is None:
            err_console.print(f"[red]error:[/red] no canonical indicator {indicator!r} (see indicators.yaml)")
            raise typer.Exit(2)
        indicator_id = found.id

    if overlap:
        groups = {(r.get("jurisdiction") if by == "jurisdiction" else r["doc"]) for r in documents}
        if len(groups) < 2:
            err_console.print("[red]error:[/red] --overlap needs documents from two places (or docs) or more")
            raise typer.Exit(2)
        grid = overlap_grid(build_overlap(documents, by=by))
        csv_text = None
    else:
        comparison = build_comparison(documents, registry, by=by, indicator=indicator_id)
        grid = comparison_grid(comparison)
        csv_text = to_csv_records(comparison_records(comparison)) if as_csv else None
        if chart is not None:
            _draw_chart(comparison, indicator_id, chart, most_covered_row)

    console = Console(width=max(Console().width, 140))
    if formats:
        _emit(render_text(grid, formats[0], csv_text), output)
    elif overlap:
        print_grid(grid, console)
    else:
        print_comparison(comparison, console)


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
    err_console.print(f"chart of {row.label} written to {out}")


db_app = typer.Typer(
    help="An embedded DuckDB database of extracted records.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(db_app, name="db")


@db_app.command("load")
def db_load(
    records: Annotated[list[Path], typer.Argument(help="JSONL files written by `zhpolicy extract`.")],
    db: Annotated[Path, typer.Option(help="The DuckDB file (created if missing).")] = Path("policies.duckdb"),
) -> None:
    """Load records into tables documents, targets (with canonical indicator id and match score),
    programmes, policies and agencies. A document already in the database is replaced."""
    from pipeline.compare.db import connect, load_documents
    from pipeline.compare.registry import load_registry

    documents = _compare_documents(records, None)
    db.parent.mkdir(parents=True, exist_ok=True)
    with connect(db) as connection:
        counts = load_documents(connection, documents, load_registry())
    err_console.print(f"{db}: " + ", ".join(f"{n} {table}" for table, n in counts.items()), soft_wrap=True)


if __name__ == "__main__":
    app()
