"""Write stage: records -> JSON lines, one line per input document, flushed as written."""

from __future__ import annotations

from typing import TextIO

from schemas import Document, ErrorRecord


def record_json(record: Document | ErrorRecord) -> str:
    return record.model_dump_json(exclude_none=False)


class JsonlWriter:
    """Writes each record as one complete line (a line is written whole, then flushed)."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle

    def write(self, record: Document | ErrorRecord) -> None:
        self.handle.write(record_json(record) + "\n")
        self.handle.flush()
