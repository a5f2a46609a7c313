"""Output formats: the writer protocol, its two writers (JSONL, Parquet) and the one reader.

Batch extraction hands each document's :class:`pipeline.batch.Outcome` to a writer, which owns
serialisation and resuming: :class:`JsonlWriter` writes today's JSON lines byte for byte,
:class:`ParquetWriter` a directory of Parquet tables (``DIR/<table>/part-00000.parquet``, the
tables of :mod:`pipeline.tables`). :func:`iter_records` reads either back as validated records.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pipeline.batch import Outcome
from pipeline.output.jsonl import JsonlWriter, iter_jsonl_records
from pipeline.write import DoneDocuments, OutputError
from schemas import Document, ErrorRecord

if TYPE_CHECKING:
    from pipeline.output.parquet import ParquetWriter

Format = Literal["jsonl", "parquet"]
FORMATS: tuple[Format, ...] = ("jsonl", "parquet")

__all__ = [
    "FORMATS",
    "DoneDocuments",
    "Format",
    "JsonlWriter",
    "OutputError",
    "ParquetWriter",
    "RecordWriter",
    "iter_records",
    "open_writer",
]


def __getattr__(name: str) -> Any:
    # pyarrow (some 60 MB resident) is imported only when Parquet is used.
    if name == "ParquetWriter":
        from pipeline.output.parquet import ParquetWriter

        return ParquetWriter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class RecordWriter(Protocol):
    """Where records go. ``done`` lists the documents already in the output (``--resume``; empty
    otherwise), which the reader skips; ``write_outcome`` takes every outcome in input order;
    ``close`` makes everything written durable (and is safe after Ctrl-C)."""

    done: DoneDocuments

    def write(self, record: Document | ErrorRecord) -> None: ...

    def write_outcome(self, outcome: Outcome) -> None: ...

    def close(self) -> None: ...


def open_writer(
    output: Path | None, fmt: Format = "jsonl", *, resume: bool = False, force: bool = False, **options: int
) -> RecordWriter:
    """The writer for ``output`` (``None``: standard output, JSONL only). Raises
    :class:`OutputError` when the output cannot be used as asked."""
    if fmt == "parquet":
        if output is None:
            raise OutputError("--format parquet needs an --output directory")
        from pipeline.output.parquet import ParquetWriter

        return ParquetWriter(output, resume=resume, force=force, **options)
    if fmt != "jsonl":
        raise OutputError(f"unknown output format {fmt!r} (one of {', '.join(FORMATS)})")
    return JsonlWriter(output, resume=resume, force=force)


def iter_records(path: Path) -> Iterator[Document | ErrorRecord]:
    """Every record in an output of ``zhpolicy extract``: a JSONL file, or a Parquet directory.

    Records are validated (:mod:`schemas`). A JSONL file yields its lines in order; a Parquet
    directory yields part by part, in each part its documents and then its error records. Raises
    :class:`OutputError` for a path that is neither, or a line that is not a record.
    """
    if path.is_dir():
        from pipeline.output.parquet import is_dataset, iter_dataset_records

        if not is_dataset(path):
            raise OutputError(f"{path} is a directory but not a zhpolicy Parquet output (no documents/)")
        return iter_dataset_records(path)
    return iter_jsonl_records(path)
