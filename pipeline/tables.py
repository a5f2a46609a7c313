"""Records <-> tables: the one flattening of :class:`schemas.Document` and :class:`schemas.ErrorRecord`
into tables, derived from the pydantic models by introspection.

Every table row is keyed by ``doc`` and ``source`` together (two ``index.html`` read from different
folders are two documents; a record without a source has ``source`` '', so that joins ``USING (doc,
source)`` hold). ``documents`` holds a document's own fields (everything but
its lists of items); each field of ``Document`` that is a list of models becomes a table of its
own (``targets``, ``results``, ``qualitative``, ``deadlines``, ``programmes``, ``policies`` for
``policies_cited``, ``agencies``, ``sectors``, ``warnings``), one row per item with its
``position`` in the list; ``errors`` holds the error records. Inside an item, a list of models
(a programme's ``mentions``) is a list-of-struct column, a list of scalars (``short_names``,
``responsible``) a list column; any other shape (``entities``) is kept as JSON text. A field
fixed to one value (``status``) is not stored: the table says it. Offsets are named
``start_offset``/``end_offset`` (``end`` is an SQL keyword). A field added to the models shows up
as a column, and a new list of models as a table, with no change here.

The same Arrow tables feed the Parquet writer and ``zhpolicy db load``; :func:`records_from_tables`
turns them back into validated records (the round trip gives the same records).
"""

from __future__ import annotations

import json
import types
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from schemas import Document, ErrorRecord

DOCUMENTS = "documents"
ERRORS = "errors"
KEY = "doc"
SOURCE = "source"
KEYS = (KEY, SOURCE)
POSITION = "position"
# A table's name when it is not the field's own.
TABLE_NAMES: Mapping[str, str] = {"policies_cited": "policies"}
# Column names that are SQL keywords get a longer name, in every table and nested struct.
COLUMN_NAMES: Mapping[str, str] = {"start": "start_offset", "end": "end_offset"}
_FIELD_NAMES = {column: field for field, column in COLUMN_NAMES.items()}
_SCALARS: Mapping[type, pa.DataType] = {
    str: pa.string(),
    bool: pa.bool_(),
    int: pa.int64(),
    float: pa.float64(),
    date: pa.date32(),
}


@dataclass(frozen=True)
class Column:
    """One stored field: its name in the model and in the table, and how it is stored."""

    field: str
    name: str
    kind: Literal["value", "json"]
    type: pa.DataType
    model: type[BaseModel] | None = None  # the item model of a list-of-struct column


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[BaseModel]
    field: str | None  # the Document field the table flattens (None: documents, errors)
    columns: tuple[Column, ...]

    @property
    def keyed_by_position(self) -> bool:
        return self.field is not None

    @property
    def schema(self) -> pa.Schema:
        leading = [pa.field(KEY, pa.string(), nullable=False), pa.field(SOURCE, pa.string(), nullable=False)]
        if self.keyed_by_position:
            leading.append(pa.field(POSITION, pa.int32(), nullable=False))
        return pa.schema(leading + [pa.field(c.name, c.type) for c in self.columns])


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _list_item(annotation: Any) -> Any | None:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None


def _arrow_type(annotation: Any) -> pa.DataType | None:
    """The Arrow type of a field's annotation; None when it has no faithful one (stored as JSON)."""
    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) is Literal:
        kinds = {type(value) for value in typing.get_args(annotation)}
        return _SCALARS.get(kinds.pop()) if len(kinds) == 1 else None
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    item = _list_item(annotation)
    if item is not None:
        item = _strip_optional(item)
        inner = _struct_type(item) if _is_model(item) else _arrow_type(item)
        return None if inner is None else pa.list_(inner)
    if _is_model(annotation):
        return _struct_type(annotation)
    return None


def _struct_type(model: type[BaseModel]) -> pa.DataType | None:
    fields = []
    for column in _columns(model):
        if column.kind == "json":
            return None
        fields.append(pa.field(column.name, column.type))
    return pa.struct(fields)


def _is_constant(annotation: Any) -> bool:
    return typing.get_origin(annotation) is Literal and len(typing.get_args(annotation)) == 1


def _columns(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> tuple[Column, ...]:
    columns = []
    for name, info in model.model_fields.items():
        if name in skip or _is_constant(info.annotation):
            continue
        arrow = _arrow_type(info.annotation)
        column = COLUMN_NAMES.get(name, name)
        item = _list_item(_strip_optional(info.annotation))
        nested = _strip_optional(item) if item is not None and _is_model(_strip_optional(item)) else None
        if arrow is None:
            columns.append(Column(name, column, "json", pa.string()))
        else:
            columns.append(Column(name, column, "value", arrow, nested))
    return tuple(columns)


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every table, by name: documents, one per list-of-models field of Document, errors."""
    document_lists = {
        name: item
        for name, info in Document.model_fields.items()
        if (item := _list_item(_strip_optional(info.annotation))) is not None and _is_model(item)
    }
    specs = {
        DOCUMENTS: TableSpec(
            DOCUMENTS, Document, None, _columns(Document, frozenset({*document_lists, *KEYS}))
        )
    }
    for field_name, model in document_lists.items():
        name = TABLE_NAMES.get(field_name, field_name)
        specs[name] = TableSpec(name, model, field_name, _columns(model))
    specs[ERRORS] = TableSpec(ERRORS, ErrorRecord, None, _columns(ErrorRecord, frozenset(KEYS)))
    for spec in specs.values():
        names = [f.name for f in spec.schema]
        if len(names) != len(set(names)):
            raise TypeError(f"table {spec.name}: a model field clashes with {KEYS!r} or {POSITION!r}")
    return specs


def table_names() -> tuple[str, ...]:
    return tuple(table_specs())


# --- records -> rows ---


def _to_column(value: Any) -> Any:
    """A model dump's value with field names turned into column names (nested structs too)."""
    if isinstance(value, dict):
        return {COLUMN_NAMES.get(k, k): _to_column(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_column(v) for v in value]
    return value


def _row(spec: TableSpec, data: Mapping[str, Any], leading: dict[str, Any]) -> dict[str, Any]:
    row = dict(leading)
    for column in spec.columns:
        value = data.get(column.field)
        if column.kind == "json":
            row[column.name] = json.dumps(value, ensure_ascii=False, default=to_jsonable_python)
        else:
            row[column.name] = _to_column(value)
    return row


def record_key(record: Document | ErrorRecord) -> tuple[str, str]:
    """The ``(doc, source)`` a record's rows are keyed by (``source`` '' when it has none)."""
    return record.doc, record.source or ""


def record_rows(record: Document | ErrorRecord) -> dict[str, list[dict[str, Any]]]:
    """One record's rows, table by table (tables it has no rows in are left out)."""
    specs = table_specs()
    data = record.model_dump()
    doc, source = record_key(record)
    key = {KEY: doc, SOURCE: source}
    if isinstance(record, ErrorRecord):
        return {ERRORS: [_row(specs[ERRORS], data, key)]}
    rows: dict[str, list[dict[str, Any]]] = {DOCUMENTS: [_row(specs[DOCUMENTS], data, key)]}
    for spec in specs.values():
        if spec.field is not None and data[spec.field]:
            rows[spec.name] = [
                _row(spec, item, {**key, POSITION: i}) for i, item in enumerate(data[spec.field])
            ]
    return rows


class TableBuffer:
    """Rows of many records, table by table, until they are turned into Arrow tables."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.docs: set[tuple[str, str]] = set()  # (doc, source) keys
        self.records = 0
        self.characters = 0

    def add(self, record: Document | ErrorRecord) -> None:
        for table, rows in record_rows(record).items():
            self.rows[table].extend(rows)
        self.docs.add(record_key(record))
        self.records += 1
        if isinstance(record, Document):
            self.characters += len(record.text)

    def arrow_tables(self) -> dict[str, pa.Table]:
        """Every table, those without rows too (empty, with their schema)."""
        return {
            name: pa.Table.from_pylist(self.rows.get(name, []), schema=spec.schema)
            for name, spec in table_specs().items()
        }


def records_to_tables(records: Iterable[Document | ErrorRecord]) -> dict[str, pa.Table]:
    buffer = TableBuffer()
    for record in records:
        buffer.add(record)
    return buffer.arrow_tables()


# --- rows -> records ---


def _from_column(value: Any) -> Any:
    if isinstance(value, dict):
        return {_FIELD_NAMES.get(k, k): _from_column(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_column(v) for v in value]
    return value


def _fields(spec: TableSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's model fields (columns the table does not know, and absent ones, are left out)."""
    fields: dict[str, Any] = {}
    for column in spec.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        fields[column.field] = json.loads(value) if column.kind == "json" else _from_column(value)
    return fields


def _key_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {KEY: row[KEY], SOURCE: row[SOURCE] or None}


def records_from_tables(tables: Mapping[str, pa.Table]) -> Iterator[Document | ErrorRecord]:
    """The records of one set of tables (a Parquet part, a database): documents in table order,
    each with its items in position order, then the error records. ``(doc, source)`` keys are
    unique within one set of tables (the writers cut a part before a key repeats)."""
    specs = table_specs()
    items: dict[str, dict[tuple[str, str], list[tuple[int, dict[str, Any]]]]] = {}
    for spec in specs.values():
        if spec.field is None or spec.name not in tables:
            continue
        by_key: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for row in tables[spec.name].to_pylist():
            by_key[(row[KEY], row[SOURCE])].append((row[POSITION], _fields(spec, row)))
        items[spec.field] = by_key
    if DOCUMENTS in tables:
        for row in tables[DOCUMENTS].to_pylist():
            fields = _fields(specs[DOCUMENTS], row)
            fields.update(_key_fields(row))
            key = (row[KEY], row[SOURCE])
            for field_name, by_key in items.items():
                fields[field_name] = [item for _, item in sorted(by_key.get(key, []), key=_first)]
            yield Document.model_validate(fields)
    if ERRORS in tables:
        for row in tables[ERRORS].to_pylist():
            yield ErrorRecord.model_validate({**_fields(specs[ERRORS], row), **_key_fields(row)})


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]
