"""Read the records ``zhpolicy extract`` writes (JSONL, or a Parquet directory) into plain dicts for
comparison.

Error records and blank lines are skipped and counted; a line that is not JSON names its file
and line number. The dicts keep the output field names (GUIDELINES, ``schemas/models.py``).

Lines end at ``\\n`` only: a string holding U+2028, U+2029 or U+0085 (which ``str.splitlines``
would cut at) is part of its line, as JSON says. ``-`` reads standard input.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NATIONAL = "全国"
STDIN = "-"


class RecordError(ValueError):
    """An input file is not a JSONL file of zhpolicy records."""


@dataclass
class LoadedRecords:
    documents: list[dict[str, Any]] = field(default_factory=list)
    skipped_errors: list[str] = field(default_factory=list)
    error_records: list[dict[str, Any]] = field(default_factory=list)


def _open_lines(path: Path) -> Iterator[str]:
    """The lines of ``path`` (``-``: standard input), split at ``\\n`` only, read as a stream."""
    if str(path) == STDIN:
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None)
        handle = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n") if buffer is not None else stream
        yield from handle
        return
    try:
        handle = path.open(encoding="utf-8", newline="\n")
    except OSError as exc:
        raise RecordError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        yield from handle


def _iter_output_directory(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """A Parquet output of ``zhpolicy extract --format parquet``, read like its JSONL twin:
    ``(record number, record dict)``, the dicts as the JSONL lines would hold them."""
    from pipeline.output import OutputError
    from pipeline.output import iter_records as iter_output_records

    try:
        for number, record in enumerate(iter_output_records(path), start=1):
            yield number, record.model_dump(mode="json")
    except OutputError as exc:
        raise RecordError(str(exc)) from exc


def iter_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, record)`` for every non-blank line of a JSONL file (``-``: standard input),
    or every record of a Parquet output directory; :class:`RecordError` on anything else."""
    if str(path) != STDIN and path.is_dir():
        yield from _iter_output_directory(path)
        return
    number = 0
    try:
        for number, line in enumerate(_open_lines(path), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordError(f"{path}:{number}: not a JSON line ({exc.msg})") from exc
            if not isinstance(record, dict) or "doc" not in record:
                raise RecordError(f"{path}:{number}: not a zhpolicy record (no 'doc' field)")
            if record.get("status", "ok") == "error" and "error" not in record:
                raise RecordError(f"{path}:{number}: an error record without 'error'")
            yield number, record
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}:{number + 1}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise RecordError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def read_records(paths: Iterable[Path]) -> LoadedRecords:
    loaded = LoadedRecords()
    for path in paths:
        for _, record in iter_records(path):
            if record.get("status", "ok") == "error":
                loaded.skipped_errors.append(str(record["doc"]))
                loaded.error_records.append(record)
                continue
            loaded.documents.append(record)
    return loaded


def document_key(record: dict[str, Any]) -> tuple[str, str]:
    """What identifies a document: its id and where it was read from (two ``index.html`` differ)."""
    return str(record["doc"]), str(record.get("source") or "")


def doc_labels(documents: Iterable[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """A column name per document: its id, with its source when another document shares the id."""
    sources: dict[str, set[str]] = {}
    keys: list[tuple[str, str]] = []
    for record in documents:
        key = document_key(record)
        keys.append(key)
        sources.setdefault(key[0], set()).add(key[1])
    labels: dict[tuple[str, str], str] = {}
    for doc, source in keys:
        shared = len(sources[doc]) > 1
        labels[(doc, source)] = f"{doc} ({source or 'no source'})" if shared else doc
    return labels


def place_of(record: dict[str, Any], by: str, labels: dict[tuple[str, str], str] | None = None) -> str:
    """The column a document's values go to: its jurisdiction (the doc id when unknown), or its doc
    (with its source when ``labels`` says another document has the same id)."""
    key = document_key(record)
    doc = labels.get(key, key[0]) if labels is not None else key[0]
    if by == "doc":
        return doc
    return str(record.get("jurisdiction") or f"? {doc}")


def is_national(record: dict[str, Any]) -> bool:
    return record.get("jurisdiction") == NATIONAL
