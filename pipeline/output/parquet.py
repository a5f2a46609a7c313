"""The Parquet writer: a directory of tables (:mod:`pipeline.tables`), one Parquet file per table
per part, and its reader.

    DIR/documents/part-00000.parquet  DIR/targets/part-00000.parquet  …  DIR/errors/part-00000.parquet

Every part holds a file for every table (an empty one when a table has no rows), so
``read_parquet('DIR/targets/*.parquet')`` always finds the table. Each file is written under a
hidden temporary name and renamed into place (atomic), the documents file last: a part exists once
its ``documents`` file does. A killed run leaves at most the other tables' files of one part,
which ``--resume`` removes before it reads which documents are done (the ``doc`` and resolved
``source`` of the ``documents`` and ``errors`` tables, as for JSONL) and goes on with new part
numbers; ``worker_crashed`` error records are taken out of their parts (their documents are tried
again). A part may be written
again whole (a Dask task retried after its worker died): the renames replace it.

Within one part a ``(doc, source)`` key occurs once (the writer starts a new part before a key
repeats), so a part's rows are put back together by ``doc`` and ``source``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch import Outcome
from pipeline.tables import (
    DOCUMENTS,
    ERRORS,
    KEY,
    SOURCE,
    TableBuffer,
    record_key,
    records_from_tables,
    table_names,
)
from pipeline.write import RETRIED_ERRORS, DoneDocuments, OutputError
from schemas import Document, ErrorRecord

# A part is written once it holds this many documents or characters of text, whichever first:
# large enough that a corpus does not become a swarm of small files, small enough that the rows
# waiting to be written stay a few tens of MB (a killed run redoes at most one part's documents).
PART_DOCUMENTS = 1000
PART_CHARACTERS = 20_000_000
COMPRESSION = "zstd"
_PART_RE = re.compile(r"^part-(\d+)\.parquet$")
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
_TEMPORARY_RE = re.compile(r"^\.part-\d+\.parquet\.[0-9a-f]+\.tmp$")


def part_name(number: int) -> str:
    return f"part-{number:05d}.parquet"


def _part_number(name: str) -> int | None:
    match = _PART_RE.match(name)
    return int(match.group(1)) if match else None


def _write_file(table: pa.Table, folder: Path, number: int) -> None:
    """One table's part file, written under a temporary name and renamed into place."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{part_name(number)}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, temporary, compression=COMPRESSION)
        os.replace(temporary, folder / part_name(number))
    finally:
        temporary.unlink(missing_ok=True)


def write_tables(directory: Path, number: int, tables: dict[str, pa.Table]) -> None:
    """Write part ``number`` of every table, each file atomically, ``documents`` last."""
    order = [name for name in tables if name != DOCUMENTS] + [DOCUMENTS]
    for name in order:
        _write_file(tables[name], directory / name, number)


def write_part(directory: Path, number: int, records: Iterable[Document | ErrorRecord]) -> None:
    """Write ``records`` (doc ids unique among them) as part ``number`` of the dataset."""
    buffer = TableBuffer()
    for record in records:
        buffer.add(record)
    write_tables(directory, number, buffer.arrow_tables())


def is_dataset(path: Path) -> bool:
    return path.is_dir() and (path / DOCUMENTS).is_dir()


def _table_folders(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.is_dir())
    except OSError:
        return []


def committed_parts(directory: Path) -> list[int]:
    """Part numbers whose ``documents`` file exists, in order."""
    folder = directory / DOCUMENTS
    if not folder.is_dir():
        return []
    return sorted(n for p in folder.iterdir() if (n := _part_number(p.name)) is not None)


def _our_files(directory: Path) -> Iterator[tuple[Path, int | None]]:
    """Part files (with their number) and leftover temporary files (None) of every table."""
    for folder in _table_folders(directory):
        for path in folder.iterdir():
            number = _part_number(path.name)
            if number is not None:
                yield path, number
            elif _TEMPORARY_RE.match(path.name):
                yield path, None


def _remove(paths: Iterable[Path]) -> None:
    try:
        for path in paths:
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot remove {exc.filename}: {exc.strerror or exc}") from exc


def prepare_dataset(directory: Path, *, resume: bool, force: bool) -> tuple[DoneDocuments, int]:
    """Make ``directory`` ready to write: what is done and the next free part number.

    Without ``resume`` or ``force`` a directory that already holds parts is refused; ``force``
    removes its part files (nothing else); ``resume`` removes the files of unfinished parts.
    """
    if _URL_RE.match(str(directory)):
        raise OutputError(
            f"{directory}: object-store URLs are not written directly yet; mount the store (s3fs, "
            "gcsfuse) and give its path, or write JSONL"
        )
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{directory} is a file; --format parquet writes a directory")
    files = list(_our_files(directory)) if directory.is_dir() else []
    if files and not resume and not force:
        raise OutputError(
            f"{directory} holds Parquet parts; use --resume to continue it or --force to overwrite it"
        )
    if resume and directory.is_dir() and any(directory.iterdir()) and not is_dataset(directory):
        raise OutputError(
            f"{directory} is not a zhpolicy Parquet output (no documents/); cannot resume into it"
        )
    if force:
        _remove(path for path, _ in files)
        files = []
    committed = set(committed_parts(directory))
    _remove(path for path, number in files if number is None or number not in committed)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {directory}: {exc.strerror or exc}") from exc
    from pipeline.read import source_key

    keys: Counter[tuple[str, str]] = Counter()
    try:
        for number in sorted(committed):
            if resume:
                _drop_retried_errors(directory, number)
            for table in (DOCUMENTS, ERRORS):
                path = directory / table / part_name(number)
                if path.exists():
                    done = pq.read_table(path, columns=[KEY, SOURCE])
                    sources = (source_key(source or None) for source in done.column(SOURCE).to_pylist())
                    keys.update(zip(done.column(KEY).to_pylist(), sources, strict=True))
    except OSError as exc:
        raise OutputError(f"cannot resume {directory}: {exc.strerror or exc}") from exc
    except (pa.ArrowException, KeyError) as exc:
        raise OutputError(
            f"{directory}: a part is not a zhpolicy table ({exc}); cannot resume into it"
        ) from exc
    return DoneDocuments(keys), max(committed, default=-1) + 1


def _drop_retried_errors(directory: Path, number: int) -> None:
    """Take the error records ``--resume`` tries again (``worker_crashed``) out of a part."""
    path = directory / ERRORS / part_name(number)
    if not path.exists():
        return
    errors = pq.read_table(path)
    kept = [i for i, error in enumerate(errors.column("error").to_pylist()) if error not in RETRIED_ERRORS]
    if len(kept) < errors.num_rows:
        _write_file(errors.take(pa.array(kept, pa.int64())), directory / ERRORS, number)


def read_part(directory: Path, number: int) -> dict[str, pa.Table]:
    """Part ``number`` of every table it has a file for."""
    tables = {}
    for folder in _table_folders(directory):
        path = folder / part_name(number)
        if path.exists():
            tables[folder.name] = pq.read_table(path)
    return tables


def iter_dataset_records(directory: Path) -> Iterator[Document | ErrorRecord]:
    """The records of a Parquet output, part by part (one part in memory at a time)."""
    for number in committed_parts(directory):
        yield from records_from_tables(read_part(directory, number))


class ParquetWriter:
    """Records into a Parquet directory, a part at a time (see the module's docstring)."""

    def __init__(
        self,
        directory: Path,
        *,
        resume: bool = False,
        force: bool = False,
        part_documents: int = PART_DOCUMENTS,
        part_characters: int = PART_CHARACTERS,
    ) -> None:
        self.directory = directory
        self.part_documents, self.part_characters = part_documents, part_characters
        self.done, self.next_part = prepare_dataset(directory, resume=resume, force=force)
        self.buffer = TableBuffer()

    def reserve_part(self) -> int:
        """A part number nobody else writes (a Dask task writes its own part)."""
        number, self.next_part = self.next_part, self.next_part + 1
        return number

    def write(self, record: Document | ErrorRecord) -> None:
        if record_key(record) in self.buffer.docs:
            self.flush()
        self.buffer.add(record)
        if self.buffer.records >= self.part_documents or self.buffer.characters >= self.part_characters:
            self.flush()

    def write_outcome(self, outcome: Outcome) -> None:
        record = outcome.record
        if record is not None:  # None: a Dask worker wrote it into its own part
            self.write(record)

    def flush(self) -> None:
        if self.buffer.records:
            write_tables(self.directory, self.reserve_part(), self.buffer.arrow_tables())
            self.buffer = TableBuffer()

    def close(self) -> None:
        self.flush()


__all__ = ["ParquetWriter", "is_dataset", "iter_dataset_records", "table_names", "write_part"]
