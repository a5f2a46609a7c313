"""Export the pydantic models as JSON Schema files for other tools."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from schemas import (
    Agency,
    CitedPolicy,
    Deadline,
    Document,
    ErrorRecord,
    Programme,
    QualitativeTarget,
    Record,
    Result,
    Target,
)

EXPORTED: dict[str, type[BaseModel]] = {
    "document": Document,
    "error_record": ErrorRecord,
    "target": Target,
    "result": Result,
    "qualitative_target": QualitativeTarget,
    "deadline": Deadline,
    "programme": Programme,
    "cited_policy": CitedPolicy,
    "agency": Agency,
}


def schema_texts() -> dict[str, str]:
    texts = {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
        for name, model in EXPORTED.items()
    }
    texts["record.schema.json"] = (
        json.dumps(TypeAdapter(Record).json_schema(), ensure_ascii=False, indent=2) + "\n"
    )
    return texts


def write_schema_files(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schema_files(directory: Path) -> list[str]:
    return [
        name
        for name, text in schema_texts().items()
        if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
    ]
