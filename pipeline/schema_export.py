"""Export the pydantic models as JSON Schema files for other tools.

Every file says which draft it follows (``$schema``) and names itself (``$id``), so a validator
resolves references and tells the files apart. They go to the project's ``schemas/json`` (next
to the models, wherever the command is run) unless a directory is given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

import schemas
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


DRAFT = "https://json-schema.org/draft/2020-12/schema"  # the draft pydantic generates
ID_PREFIX = "urn:zhpolicy:schema:"
SCHEMA_DIR = Path(schemas.__file__).resolve().parent / "json"


def _text(name: str, schema: dict[str, Any]) -> str:
    named = {"$schema": DRAFT, "$id": f"{ID_PREFIX}{name}", **schema}
    return json.dumps(named, ensure_ascii=False, indent=2) + "\n"


def schema_texts() -> dict[str, str]:
    texts = {
        f"{name}.schema.json": _text(name, model.model_json_schema()) for name, model in EXPORTED.items()
    }
    texts["record.schema.json"] = _text("record", TypeAdapter(Record).json_schema())
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
