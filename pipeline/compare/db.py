"""An embedded DuckDB database of extracted records, for SQL across many runs.

The tables are those of :mod:`pipeline.tables` (the flattening the Parquet output uses):
``documents``, ``targets``, ``results``, ``qualitative``, ``deadlines``, ``programmes``,
``policies``, ``agencies``, ``sectors``, ``warnings`` and ``errors``, every row keyed by ``doc``;
their columns are derived from the record models, so a field added there is a column here (an
existing database gains it on the next load). A few columns are added for comparison: a table
with an ``indicator`` gets the canonical ``indicator_id``, its ``indicator_name`` and the match's
``match_score`` and ``match_method``; a table with a ``name`` gets ``name_key`` (normalised).
Loading is idempotent per document: a document already in the database is replaced.
:func:`read_documents` turns the tables back into record dicts, so ``zhpolicy compare --db``
shares every step after reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import TypeAdapter

from pipeline.compare.registry import IndicatorRegistry
from pipeline.evaluate import normalise_name
from pipeline.tables import KEY, TableBuffer, records_from_tables, table_names, table_specs
from schemas import Document, ErrorRecord, Record

TABLES = table_names()
# Rows are inserted this many records at a time (memory stays flat however many are loaded).
LOAD_BATCH = 500
_RECORD: TypeAdapter[Document | ErrorRecord] = TypeAdapter(Record)


class DatabaseError(ValueError):
    """The database cannot take these records (made by an incompatible zhpolicy version)."""


def _enrichment(table: str) -> dict[str, pa.DataType]:
    fields = {column.field for column in table_specs()[table].columns}
    extra: dict[str, pa.DataType] = {}
    if "indicator" in fields:
        extra.update(
            indicator_id=pa.string(),
            indicator_name=pa.string(),
            match_score=pa.float64(),
            match_method=pa.string(),
        )
    if "name" in fields:
        extra["name_key"] = pa.string()
    return extra


def table_schema(table: str) -> pa.Schema:
    """The database table's columns: the flattening's, then the comparison columns."""
    schema = table_specs()[table].schema
    for name, kind in _enrichment(table).items():
        schema = schema.append(pa.field(name, kind))
    return schema


def _ensure_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and add missing columns (the models gained a field)."""
    for table in TABLES:
        empty = table_schema(table).empty_table()
        connection.register("_zhpolicy_empty", empty)
        try:
            connection.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _zhpolicy_empty")
            wanted = {
                row[0]: row[1]
                for row in connection.execute("DESCRIBE SELECT * FROM _zhpolicy_empty").fetchall()
            }
        finally:
            connection.unregister("_zhpolicy_empty")
        present = {row[0]: row[1] for row in connection.execute(f"DESCRIBE {table}").fetchall()}
        for column, kind in wanted.items():
            if column not in present:
                connection.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {kind}')
            elif present[column] != kind:
                raise DatabaseError(
                    f"table {table} column {column} is {present[column]}, this zhpolicy writes {kind}: "
                    "the database was made by another version; load into a new --db file"
                )


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no database at {path}; create it with `zhpolicy db load`")
    connection = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        try:
            _ensure_tables(connection)
        except BaseException:
            connection.close()
            raise
    return connection


def _as_record(record: dict[str, Any] | Document | ErrorRecord) -> Document | ErrorRecord:
    return record if isinstance(record, Document | ErrorRecord) else _RECORD.validate_python(record)


def _enriched(table: str, rows: pa.Table, registry: IndicatorRegistry) -> pa.Table:
    extra = _enrichment(table)
    if "indicator_id" in extra:
        matches = [registry.match(str(indicator)) for indicator in rows.column("indicator").to_pylist()]
        rows = rows.append_column("indicator_id", pa.array([m.indicator_id for m in matches], pa.string()))
        names = [m.indicator.name if m.indicator else None for m in matches]
        rows = rows.append_column("indicator_name", pa.array(names, pa.string()))
        rows = rows.append_column("match_score", pa.array([m.score for m in matches], pa.float64()))
        rows = rows.append_column("match_method", pa.array([m.method for m in matches], pa.string()))
    if "name_key" in extra:
        keys = [normalise_name(str(name)) for name in rows.column("name").to_pylist()]
        rows = rows.append_column("name_key", pa.array(keys, pa.string()))
    return rows


def _batches(records: Iterable[dict[str, Any] | Document | ErrorRecord]) -> Iterator[TableBuffer]:
    buffer = TableBuffer()
    for record in records:
        model = _as_record(record)
        if model.doc in buffer.docs or buffer.records >= LOAD_BATCH:
            yield buffer
            buffer = TableBuffer()
        buffer.add(model)
    if buffer.records:
        yield buffer


def load_documents(
    connection: duckdb.DuckDBPyConnection,
    documents: Iterable[dict[str, Any] | Document | ErrorRecord],
    registry: IndicatorRegistry,
) -> dict[str, int]:
    """Insert (or replace) records (dicts as in the JSONL output, or models); error records go
    to ``errors``. Returns the number of rows written per table."""
    counts = dict.fromkeys(TABLES, 0)
    connection.execute("BEGIN TRANSACTION")
    try:
        for buffer in _batches(documents):
            docs = sorted(buffer.docs)
            for table in TABLES:
                connection.execute(f"DELETE FROM {table} WHERE {KEY} IN (SELECT unnest(?))", [docs])
            for table, rows in buffer.arrow_tables().items():
                if not rows.num_rows:
                    continue
                connection.register("_zhpolicy_rows", _enriched(table, rows, registry))
                try:
                    connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _zhpolicy_rows")
                finally:
                    connection.unregister("_zhpolicy_rows")
                counts[table] += rows.num_rows
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return counts


def read_records(connection: duckdb.DuckDBPyConnection) -> Iterator[Document | ErrorRecord]:
    """The database's records (documents by doc id, then error records), validated."""
    specs = table_specs()
    tables = {}
    for table in TABLES:
        columns = ", ".join(f'"{field.name}"' for field in specs[table].schema)
        order = f"{KEY}, position" if specs[table].keyed_by_position else KEY
        relation = connection.sql(f"SELECT {columns} FROM {table} ORDER BY {order}")
        # duckdb >= 1.4 names it to_arrow_table; earlier versions arrow.
        tables[table] = (getattr(relation, "to_arrow_table", None) or relation.arrow)()
    return records_from_tables(tables)


def read_documents(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The database's documents as record dicts (as in the JSONL output), in doc order."""
    return [r.model_dump(mode="json") for r in read_records(connection) if isinstance(r, Document)]
