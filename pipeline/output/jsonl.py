"""The JSONL writer: one JSON line per document, in input order (``pipeline.write`` does the
lines, the safe appends and the resume), and its reader."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from pipeline.batch import Outcome
from pipeline.write import DoneDocuments, OutputError, open_output, parse_record, record_json, resume_output
from schemas import Document, ErrorRecord


class JsonlWriter:
    """JSON lines to ``path`` (``None`` or ``-``: standard output), each written whole and flushed."""

    def __init__(self, path: Path | None, *, resume: bool = False, force: bool = False) -> None:
        self.path = None if path is None or str(path) == "-" else path
        self.done = DoneDocuments()
        if self.path is None:
            self.handle = sys.stdout
            return
        if resume:
            self.done = resume_output(self.path)
        self.handle = open_output(self.path, resume=resume, force=force)

    def write(self, record: Document | ErrorRecord) -> None:
        self.write_line(record_json(record))

    def write_outcome(self, outcome: Outcome) -> None:
        self.write_line(outcome.line)

    def write_line(self, line: str) -> None:
        self.handle.write(line + "\n")
        self.handle.flush()

    def close(self) -> None:
        if self.handle is not sys.stdout:
            self.handle.close()


def iter_jsonl_records(path: Path) -> Iterator[Document | ErrorRecord]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse_record(line)
            except ValidationError as exc:
                raise OutputError(
                    f"{path}:{number}: not a zhpolicy record ({exc.errors()[0]['msg']})"
                ) from None
