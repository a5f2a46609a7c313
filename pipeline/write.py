"""Write stage: records -> JSON lines, one line per input document, each written whole.

A line is handed to the file in one ``write`` ending in its newline and flushed, so a killed run
leaves at most one trailing line without a newline; :func:`resume_output` cuts that partial line
off and tells which documents are already done.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TextIO

from pydantic import TypeAdapter

from schemas import Document, ErrorRecord, Record

_RECORD = TypeAdapter(Record)


def record_json(record: Document | ErrorRecord) -> str:
    return record.model_dump_json(exclude_none=False)


def parse_record(line: str | bytes) -> Document | ErrorRecord:
    """A record from its JSON line (validated; raises ``pydantic.ValidationError``)."""
    return _RECORD.validate_json(line)


class JsonlWriter:
    """Writes each record as one complete line (a line is written whole, then flushed)."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle

    def write(self, record: Document | ErrorRecord) -> None:
        self.write_line(record_json(record))

    def write_line(self, line: str) -> None:
        self.handle.write(line + "\n")
        self.handle.flush()


class OutputError(Exception):
    """The output file cannot be used as asked (exists without --force, unreadable for resume)."""


class DoneDocuments:
    """Documents already in an output file, by (doc, source); each counts once, so a document
    listed twice in the input is skipped only as often as it was written."""

    def __init__(self, keys: Counter[tuple[str, str]] | None = None) -> None:
        self.remaining: Counter[tuple[str, str]] = keys or Counter()
        self.skipped = 0

    def __len__(self) -> int:
        return self.remaining.total()

    def take(self, key: tuple[str, str]) -> bool:
        """True (and counted) when the document is already done."""
        if self.remaining[key] <= 0:
            return False
        self.remaining[key] -= 1
        self.skipped += 1
        return True


# Error records that --resume does not keep: the document is tried again.
RETRIED_ERRORS = frozenset({"worker_crashed"})


def resume_output(path: Path) -> DoneDocuments:
    """Read an interrupted output: truncate a trailing partial line, return the done documents.

    Documents are known by ``doc`` and resolved ``source`` (a corpus typed once as a relative and
    once as an absolute path is one corpus). ``worker_crashed`` records are taken out, so their
    documents are tried again. Raises :class:`OutputError` when a complete line is not a zhpolicy
    record: the file is not ours to append to.
    """
    from pipeline.read import source_key

    keys: Counter[tuple[str, str]] = Counter()
    if not path.exists():
        return DoneDocuments(keys)
    complete_end = 0
    retried: list[int] = []  # byte offsets of the lines to take out
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    break  # cut off mid-write: redone on resume
                try:
                    record = json.loads(line)
                    key = (str(record["doc"]), source_key(record.get("source")))
                except (ValueError, KeyError, TypeError) as exc:
                    raise OutputError(
                        f"{path} line {number} is not a zhpolicy record ({exc}); cannot resume into it"
                    ) from None
                if record.get("status") == "error" and record.get("error") in RETRIED_ERRORS:
                    retried.append(complete_end)
                else:
                    keys[key] += 1
                complete_end += len(line)
        with path.open("r+b") as handle:
            handle.truncate(complete_end)
        if retried:
            _drop_lines(path, set(retried))
    except OSError as exc:
        raise OutputError(f"cannot resume {path}: {exc.strerror or exc}") from exc
    return DoneDocuments(keys)


def _drop_lines(path: Path, offsets: set[int]) -> None:
    """Rewrite ``path`` without the lines starting at ``offsets`` (streamed; replaced at once)."""
    temporary = path.with_name(f".{path.name}.resume-tmp")
    with path.open("rb") as source, temporary.open("wb") as target:
        position = 0
        for line in source:
            if position not in offsets:
                target.write(line)
            position += len(line)
    os.replace(temporary, path)


def open_output(path: Path, *, resume: bool, force: bool) -> TextIO:
    """The output file, for appending (``resume``) or writing; an existing non-empty file is
    never overwritten without ``force``."""
    if not resume and not force and path.exists() and path.stat().st_size > 0:
        raise OutputError(f"{path} exists; use --resume to continue it or --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a" if resume else "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
