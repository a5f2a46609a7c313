"""The ``zhpolicy`` command line (typer)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

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
    if output_format not in ("jsonl", "parquet"):
        _usage_error(f"--format is jsonl or parquet, not {output_format!r}")
    if output_format == "parquet" and to_stdout:
        _usage_error("--format parquet writes a directory: give it with --output DIR")
    if output_format == "jsonl" and output is not None and output.is_dir():
        _usage_error(f"--output {output} is a directory (for a Parquet directory add --format parquet)")
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
    """A live line on standard error (documents/s, characters/s, errors) when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            disable=not enabled,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=None)
        self.started = time.perf_counter()
        self.shown = 0.0

    def __enter__(self) -> _Progress:
        self.progress.start()
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
            description=(
                f"{summary.documents:,} documents  {summary.documents / elapsed:,.1f} docs/s  "
                f"{summary.characters / elapsed:,.0f} chars/s  {summary.error_count:,} errors"
            ),
        )


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
            ".txt, .html/.htm and .jsonl (one article a line); UTF-8, GB18030/GBK or Big5."
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
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl: one JSON line per document; parquet: --output is a directory of Parquet "
            "tables (documents, targets, results, … errors; DIR/<table>/part-NNNNN.parquet).",
        ),
    ] = "jsonl",
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
    --force), 130 when interrupted (every line written is complete: continue with --resume).
    """
    from pipeline.batch import BatchSummary, run_batch
    from pipeline.output import OutputError, open_writer
    from pipeline.read import read_documents

    dask_address = scheduler if scheduler is not None else "local" if dask else None
    _check_extract_usage(paths, output, resume, force, model, segment, output_format, dask_address)
    to_file = output is not None and str(output) != "-"
    # Loaded before the output is touched: a pipeline that fails to load leaves it as it was.
    nlp = _load_nlp(model, segment) if workers == 1 and dask_address is None else None
    options = {"part_documents": part_size} if output_format == "parquet" else {}
    summary = BatchSummary()
    done = None
    try:
        # The cluster starts before the output is touched: one that cannot start leaves it as it was.
        with _outcome_source(dask_address, workers, model, segment, timeout or None, nlp) as source:
            try:
                writer = open_writer(
                    output if to_file else None,
                    output_format,  # type: ignore[arg-type]
                    resume=resume,
                    force=force,
                    **options,
                )
            except OutputError as exc:
                _usage_error(str(exc))
            done = writer.done
            try:
                documents = read_documents(
                    paths,
                    text_field=text_field,
                    id_field=id_field,
                    max_chars=max_chars,
                    skip=done.take if done else None,
                    exclude=output if to_file else None,
                )
                with _Progress(enabled=not quiet and err_console.is_terminal) as progress:
                    summary = run_batch(
                        source(documents, writer),
                        writer.write_outcome,
                        on_outcome=progress.update,
                        summary=summary,
                    )
            finally:
                writer.close()
    except OutputError as exc:  # the output cannot be written, a Dask task failed
        err_console.print(f"[red]error:[/red] {exc}; continue with --resume", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    except BrokenPipeError:
        # Whoever read standard output went away (`… | head`): stop quietly, not with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None
    summary.skipped = done.skipped if done is not None else 0
    if not quiet:
        _print_batch_summary(summary, output if to_file else None)
    if summary.interrupted:
        raise typer.Exit(130)
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
    records: Annotated[
        list[Path],
        typer.Argument(help="Outputs of `zhpolicy extract`: JSONL files or Parquet directories."),
    ],
    db: Annotated[Path, typer.Option(help="The DuckDB file (created if missing).")] = Path("policies.duckdb"),
) -> None:
    """Load records into the tables of the Parquet output (documents, targets, results,
    qualitative, programmes, policies, agencies, … errors), targets and results with their
    canonical indicator id and match score. A document already in the database is replaced."""
    from pipeline.compare.db import DatabaseError, connect, load_documents
    from pipeline.compare.registry import load_registry
    from pipeline.output import OutputError, iter_records

    missing = [str(path) for path in records if not path.exists()]
    if missing:
        _usage_error(f"no such file or directory: {', '.join(missing)}")
    db.parent.mkdir(parents=True, exist_ok=True)
    stream = (record for path in records for record in iter_records(path))
    try:
        with connect(db) as connection:
            counts = load_documents(connection, stream, load_registry())
    except (OutputError, DatabaseError) as exc:
        _usage_error(str(exc))
    err_console.print(f"{db}: " + ", ".join(f"{n} {table}" for table, n in counts.items()), soft_wrap=True)


if __name__ == "__main__":
    app()
