"""Read the records ``zhpolicy extract`` writes (JSONL, or a Parquet directory) into plain dicts for
comparison.

Error records and blank lines are skipped and counted; a line that is not JSON names its file
and line number. The dicts keep the output field names (GUIDELINES, ``schemas/models.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NATIONAL = "全国"


class RecordError(ValueError):
    """An input file is not a JSONL file of zhpolicy records."""


@dataclass
class LoadedRecords:
    documents: list[dict[str, Any]] = field(default_factory=list)
    skipped_errors: list[str] = field(default_factory=list)


def read_records(paths: Iterable[Path]) -> LoadedRecords:
    loaded = LoadedRecords()
    for path in paths:
        if path.is_dir():
            _read_output_directory(path, loaded)
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise RecordError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordError(f"{path}:{number}: not a JSON line: {exc.msg}") from exc
            if not isinstance(record, dict) or "doc" not in record:
                raise RecordError(f"{path}:{number}: not a zhpolicy record (no 'doc' field)")
            if record.get("status", "ok") == "error":
                loaded.skipped_errors.append(str(record["doc"]))
                continue
            loaded.documents.append(record)
    return loaded


def _read_output_directory(path: Path, loaded: LoadedRecords) -> None:
    """A Parquet output of ``zhpolicy extract --format parquet``, read like its JSONL twin."""
    from pipeline.output import OutputError, iter_records
    from schemas import ErrorRecord

    try:
        for record in iter_records(path):
            if isinstance(record, ErrorRecord):
                loaded.skipped_errors.append(record.doc)
            else:
                loaded.documents.append(record.model_dump(mode="json"))
    except OutputError as exc:
        raise RecordError(str(exc)) from exc


def place_of(record: dict[str, Any], by: str) -> str:
    """The column a document's values go to: its jurisdiction (the doc id when unknown), or its doc."""
    if by == "doc":
        return str(record["doc"])
    return str(record.get("jurisdiction") or f"? {record['doc']}")


def is_national(record: dict[str, Any]) -> bool:
    return record.get("jurisdiction") == NATIONAL
